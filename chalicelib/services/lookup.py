"""The item a path names, or 404: one rule for every `{..._id}` in a path."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from chalicelib.errors import not_found
from chalicelib.store import keys

T = TypeVar("T")


def named(item_id: str, read: Callable[[], T | None], what: str) -> T:
    """An id of the wrong shape names nothing (no read is made); a missing item is 404 either way."""
    found = read() if keys.is_valid_id(item_id) else None
    if found is None:
        raise not_found(what)
    return found
