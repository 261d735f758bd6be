"""Opaque, typed identifiers: a short prefix says what it names, 12 random bytes make it unguessable."""

from __future__ import annotations

import secrets


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"
