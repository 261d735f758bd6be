"""One-time link tokens: 32 bytes for the email, only their SHA-256 for the table.

A link that leaves through the email outbox is derived: raw = HMAC-SHA256(secret, nonce), where the outbox
item keeps the nonce and the link item the raw token's hash. Whoever sends the email (the request at once, or
the worker later) derives the same token again; a copy of the table without the secret yields no link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
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


def new_nonce() -> str:
    return secrets.token_hex(16)


def derived_link_token(secret: str, nonce: str) -> tuple[str, str]:
    """(raw token for the email, its hash for the table), the same every time for this secret and nonce."""
    digest = hmac.new(secret.encode(), nonce.encode("ascii"), hashlib.sha256).digest()
    raw = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")  # 43 characters, as token_urlsafe(32)
    return raw, hash_link_token(raw)
