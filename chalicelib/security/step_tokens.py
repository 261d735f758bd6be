"""The sign-in's second-step token (`mfa_token`): 24 random bytes, the user it was issued to and when it
expires, under an HMAC-SHA-256 (its first 128 bits) with a key derived from TOKEN_SECRET (one key per
purpose, never the token-signing key itself).

The user and the expiry are signed so that the step can count its code check on that user's window before
it reads anything (services/mfa_login.py), and so that a token nobody issued, or one past its life, is
refused before any call: it counts against no one's window. The random part is what the table keeps (its
SHA-256, store/factors.py): a leaked secret forges a token that names a user, not one the table holds. The
user id is readable by whoever holds the token (who has just given that user's password); ids are no secret
and open nothing. To a client the token stays an opaque, URL-safe string."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

_PURPOSE = b"portal-access mfa_token"
# 192 random bits, 128 of MAC: about 105 characters with a user id, under the schema's 128
# (schemas/factors.py MfaLoginIn)
_RANDOM_BYTES, _MAC_BYTES = 24, 16


@dataclass(frozen=True)
class StepToken:
    """What a signed token says: whose second step it is and until when."""

    user_id: str
    expires_at: datetime


def _mac(secret: str, payload: str) -> str:
    key = hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()
    digest = hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:_MAC_BYTES]).rstrip(b"=").decode("ascii")


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode("ascii")


def new_step_token(secret: str, user_id: str, expires_at: datetime) -> str:
    """`<user id, base64url>.<expiry, epoch seconds>.<random>.<MAC>`: only URL-safe characters."""
    payload = f"{_b64(user_id)}.{int(expires_at.timestamp())}.{secrets.token_urlsafe(_RANDOM_BYTES)}"
    return f"{payload}.{_mac(secret, payload)}"


def opened_step_token(secret: str, token: str, now: datetime) -> StepToken | None:
    """The token's user and expiry when we signed it and it is still live; None otherwise (altered, made
    up, signed under another secret, of the old unsigned shape, or expired), without any read."""
    if not token.isascii():
        return None
    payload, _, mac = token.rpartition(".")
    parts = payload.split(".")
    if len(parts) != 3 or not hmac.compare_digest(mac.encode(), _mac(secret, payload).encode()):
        return None
    try:
        user_id = base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)).decode()
        expires_at = datetime.fromtimestamp(int(parts[1]), UTC)
    except (ValueError, binascii.Error, UnicodeDecodeError, OverflowError):
        return None
    return StepToken(user_id, expires_at) if expires_at > now and user_id else None
