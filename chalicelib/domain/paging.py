"""Keyset pagination: a cursor names the last item's sort key, so pages stay stable when items are added or
removed between requests.

A cursor is sealed (docs/security.md "Cursors"): the sort key (an email, a name) is enciphered with a
keystream from SHAKE-256 over a key derived from the service's signing secret and a synthetic nonce (an HMAC
of the content, so equal pages give equal cursors and nothing needs randomness), and tagged with an HMAC over
the list's scope (account, list, order, filters) and the ciphertext. A cursor reveals nothing and opens only
for the list it came from; a tampered, foreign or stale-secret one is a 400."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from chalicelib.errors import validation_error

T = TypeVar("T")
SortKey = tuple[str, ...]


_NONCE = 16
_TAG = 16


def _subkey(secret: str, purpose: bytes) -> bytes:
    return hmac.new(secret.encode(), b"portal-access cursor " + purpose, hashlib.sha256).digest()


def _keystream(secret: str, nonce: bytes, length: int) -> bytes:
    return hashlib.shake_256(_subkey(secret, b"cipher") + nonce).digest(length)


def _tag(secret: str, scope: str, nonce: bytes, sealed: bytes) -> bytes:
    message = scope.encode() + b"\x00" + nonce + sealed
    return hmac.new(_subkey(secret, b"tag"), message, hashlib.sha256).digest()[:_TAG]


def encode_cursor(scope: str, key: SortKey, secret: str) -> str:
    plain = json.dumps(list(key), separators=(",", ":")).encode()
    nonce = hmac.new(_subkey(secret, b"nonce"), scope.encode() + b"\x00" + plain, hashlib.sha256).digest()
    nonce = nonce[:_NONCE]
    sealed = bytes(a ^ b for a, b in zip(plain, _keystream(secret, nonce, len(plain)), strict=True))
    raw = nonce + sealed + _tag(secret, scope, nonce, sealed)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, scope: str, secret: str) -> SortKey:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode())
        nonce, sealed, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
        if len(raw) <= _NONCE + _TAG or not hmac.compare_digest(tag, _tag(secret, scope, nonce, sealed)):
            raise ValueError(scope)
        plain = bytes(a ^ b for a, b in zip(sealed, _keystream(secret, nonce, len(sealed)), strict=True))
        key = json.loads(plain)
        if not isinstance(key, list) or not all(isinstance(part, str) for part in key):
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
    scope: str,
    secret: str,
) -> tuple[list[T], str | None]:
    """Sort key parts must be strings; the last part should be unique (an id) so the order is total."""
    ordered = sorted(items, key=sort_key, reverse=descending)
    if cursor:
        after = decode_cursor(cursor, scope, secret)
        ordered = [
            item for item in ordered if (sort_key(item) < after if descending else sort_key(item) > after)
        ]
    chosen = ordered[:limit]
    more = len(ordered) > limit
    return chosen, encode_cursor(scope, sort_key(chosen[-1]), secret) if more and chosen else None


def as_sort_text(value: Any) -> str:
    """None sorts first ascending; text compares case-insensitively."""
    if value is None:
        return ""
    return value.lower() if isinstance(value, str) else str(value)
