"""TOTP (RFC 6238: SHA-1, 30-second steps, 6 digits, one step either side accepted) and recovery codes.

Recovery codes are 80 random bits each (16 base32 characters), so a plain SHA-256 of one is as safe to store
as an argon2 hash of it: nothing can be guessed from it, and one code is checked with one key lookup instead
of ten argon2 runs per sign-in."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime
from urllib.parse import quote

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
RECOVERY_CODES = 10
_RECOVERY_BYTES = 10  # 80 bits: 16 base32 characters


def new_secret() -> str:
    """160 random bits in base32, as authenticator apps read them (RFC 4226 recommends 160)."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def step_of(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    import pyotp  # loaded by the routes that check codes only

    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The step (now, or one either side) whose code `code` is, or None. The caller accepts it only for a
    step later than the last one accepted (no replay)."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    current = step_of(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def otpauth_uri(secret: str, account_name: str, issuer: str) -> str:
    """The `otpauth://` URI a QR code carries (Key Uri Format: label "issuer:account", SHA1, 6, 30)."""
    label = quote(f"{issuer}:{account_name}", safe="")
    return (
        f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer, safe='')}"
        f"&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}"
    )


def qr_svg(uri: str) -> str:
    """The URI as a QR code, an SVG document drawn here: the secret goes to no other service."""
    import io

    import segno  # loaded by the setup route only

    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=5, border=2, xmldecl=False, title="QR code")
    return out.getvalue().decode()


def new_recovery_codes() -> list[str]:
    """RECOVERY_CODES codes shown as xxxx-xxxx-xxxx-xxxx (lower-case base32, no padding)."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(_RECOVERY_BYTES)).decode().lower()
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    return codes


def hash_recovery_code(code: str) -> str:
    """The stored form; a code typed in upper case, with spaces or without dashes is the same code."""
    normalized = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normalized.encode()).hexdigest()
