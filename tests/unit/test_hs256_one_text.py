"""One token, one accepted text: security/hs256.py compares the signature's text with the MAC's canonical
base64url encoding. A 32-byte MAC is 43 characters, the last carrying 4 bits of the MAC and 2 unused bits:
decoding would accept 4 strings for the same signature (PyJWT does), which matters to anything that keys on
a token's text (a deny-list, a cache, a log search)."""

from __future__ import annotations

import base64

import jwt
import pytest

from chalicelib.security.hs256 import InvalidTokenError, verified_claims

SECRET = "token-secret-for-tests-0123456789abcdef"
CLAIMS = {"sub": "u1", "jti": "t1", "ver": 3, "iat": 1_700_000_000, "exp": 1_700_003_600, "amr": "password"}
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _variants(signature: str) -> list[str]:
    """The other texts of the same MAC: the last character with its 2 unused low bits changed."""
    last = ALPHABET.index(signature[-1])
    return [signature[:-1] + ALPHABET[(last & ~0b11) | low] for low in range(4) if (last & 0b11) != low]


def test_a_token_has_exactly_one_accepted_text() -> None:
    token = jwt.encode(CLAIMS, SECRET, algorithm="HS256")
    head, body, mac = token.split(".")
    variants = _variants(mac)
    assert len(variants) == 3
    for other in variants:
        assert base64.urlsafe_b64decode(other + "=") == base64.urlsafe_b64decode(mac + "=")  # same MAC
        with pytest.raises(InvalidTokenError):  # each of the 3 other texts of the same MAC
            verified_claims(f"{head}.{body}.{other}", SECRET)
