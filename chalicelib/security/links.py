"""One-time link tokens: 32 random bytes for the email, only their SHA-256 for the table."""

from __future__ import annotations

import hashlib
import re
import secrets

# secrets.token_urlsafe(32) is 43 characters of the URL-safe base64 alphabet.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_link_token() -> tuple[str, str]:
    """(raw token for the email, its hash for the table)."""
    raw = secrets.token_urlsafe(32)
    return raw, hash_link_token(raw)


def hash_link_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii")).hexdigest()


def is_link_token_shape(raw: str) -> bool:
    """A token of another length or alphabet was never issued: answer without reading the table."""
    return bool(_TOKEN_SHAPE.match(raw))
