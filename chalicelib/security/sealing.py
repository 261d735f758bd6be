"""Secrets the service must read back (a TOTP secret), sealed at rest: AES-256-GCM under a key derived from
TOKEN_SECRET, so a copy of the table alone (a backup, an export) does not give away anyone's codes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_NONCE_BYTES = 12


def _key(token_secret: str, purpose: str) -> bytes:
    # One key per purpose, never the token-signing key itself.
    return hmac.new(token_secret.encode(), f"sealing:{purpose}".encode(), hashlib.sha256).digest()


def seal(token_secret: str, purpose: str, plaintext: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # loaded by the few routes that seal

    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = AESGCM(_key(token_secret, purpose)).encrypt(nonce, plaintext.encode(), purpose.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(token_secret: str, purpose: str, sealed: str) -> str:
    """Raises cryptography's InvalidTag if the value was altered or sealed under another secret."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = base64.urlsafe_b64decode(sealed.encode())
    nonce, body = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    return AESGCM(_key(token_secret, purpose)).decrypt(nonce, body, purpose.encode()).decode()
