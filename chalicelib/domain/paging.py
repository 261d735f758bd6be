"""Keyset pagination over an in-memory, sorted list: a cursor names the last item's sort key, so pages
stay stable when items are added or removed between requests."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from chalicelib.errors import validation_error

T = TypeVar("T")
SortKey = tuple[str, ...]


def encode_cursor(scope: str, key: SortKey) -> str:
    raw = json.dumps([scope, list(key)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, scope: str) -> SortKey:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        found_scope, key = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if found_scope != scope or not all(isinstance(part, str) for part in key):
            raise ValueError(scope)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise validation_error("cursor", "is not a cursor of this list and order") from None
    return tuple(key)


def page(
    items: Sequence[T],
    sort_key: Callable[[T], SortKey],
    *,
    limit: int,
    cursor: str | None,
    descending: bool = False,
    scope: str = "",
) -> tuple[list[T], str | None]:
    """Sort key parts must be strings; the last part should be unique (an id) so the order is total."""
    ordered = sorted(items, key=sort_key, reverse=descending)
    if cursor:
        after = decode_cursor(cursor, scope)
        ordered = [
            item for item in ordered if (sort_key(item) < after if descending else sort_key(item) > after)
        ]
    chosen = ordered[:limit]
    more = len(ordered) > limit
    return chosen, encode_cursor(scope, sort_key(chosen[-1])) if more and chosen else None


def as_sort_text(value: Any) -> str:
    """None sorts first ascending; text compares case-insensitively."""
    if value is None:
        return ""
    return value.lower() if isinstance(value, str) else str(value)
