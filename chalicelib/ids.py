"""Opaque, typed identifiers: a short prefix says what it names, 12 random bytes make it unguessable."""

from __future__ import annotations

import secrets
import time


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def new_sortable_id(prefix: str) -> str:
    """An id that grows with the real time (nanoseconds, then 4 random bytes), still 24 hex digits: items
    keyed by it list in the order they were made, even within one second of the service's clock."""
    return f"{prefix}_{time.time_ns():016x}{secrets.token_hex(4)}"
