"""Reading an HS256 JSON Web Token's claims with the standard library: every signed-in request's first step.

PyJWT signs the tokens (security/tokens.py `AccessTokens._sign`, at sign-in) and could read them too, but
importing it costs a cold start about 5 ms (it loads `cryptography`'s backends for algorithms a token of
ours never uses). Reading is the narrow case: one algorithm, one key, the compact form, and the header
PyJWT writes (`{"alg": "HS256", "typ": "JWT"}`) and nothing else, so no `kid`, `crit`, `b64`, `jku` or
`alg: none` is ever looked at, only refused. It is stricter than PyJWT's decode, never looser: a token
PyJWT would refuse is refused here (tests/unit/test_hs256.py checks both against the same tokens)."""

from __future__ import annotations

import binascii
import hashlib
import hmac
import json
import re
from base64 import urlsafe_b64decode, urlsafe_b64encode
from typing import Any

HEADER = {"alg": "HS256", "typ": "JWT"}
# The base64url alphabet without padding, as RFC 7515 writes each part; anything else is not ours.
_PART = re.compile(r"[A-Za-z0-9_-]*", re.ASCII)
# Registered claims PyJWT checks by default that our tokens never carry: refused rather than checked.
_NEVER_ISSUED = ("nbf", "aud", "iss")


class InvalidTokenError(Exception):
    """Forged, altered, malformed, or not a token this service signs."""


def verified_claims(token: str, secret: str) -> dict[str, Any]:
    """`token`'s payload if its signature is `secret`'s and its header is ours; else InvalidTokenError."""
    parts = token.split(".")
    if len(parts) != 3 or not all(_PART.fullmatch(part) for part in parts):
        raise InvalidTokenError
    header, payload, signature = parts
    mac = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    # The signature first: nothing an unsigned token says is parsed, beyond its shape above. Compared as
    # text with the MAC's one canonical encoding: decoding would also take the 3 other texts whose last
    # character differs only in its 2 unused bits (one token, one accepted text).
    if not hmac.compare_digest(signature.encode(), urlsafe_b64encode(mac).rstrip(b"=")):
        raise InvalidTokenError
    if _json(header) != HEADER:
        raise InvalidTokenError
    claims = _json(payload)
    if not isinstance(claims, dict) or any(name in claims for name in _NEVER_ISSUED):
        raise InvalidTokenError
    return claims


def _decoded(part: str) -> bytes:
    try:
        return urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise InvalidTokenError from None


def _json(part: str) -> Any:
    try:
        return json.loads(_decoded(part))
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise InvalidTokenError from None
