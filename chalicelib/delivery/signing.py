"""Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over
`{webhook-id}.{webhook-timestamp}.{body}`, computed by the maintained `standardwebhooks` library."""

from __future__ import annotations

import base64
import secrets as random
from datetime import UTC, datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the specification asks for 24 to 64 random bytes


def new_secret() -> str:
    """A fresh endpoint secret: `whsec_` and the base64 of 32 random bytes, shown to its owner once."""
    return SECRET_PREFIX + base64.b64encode(random.token_bytes(SECRET_BYTES)).decode("ascii")


def signature_headers(
    secrets: list[str], message_id: str, timestamp: datetime, body: bytes
) -> dict[str, str]:
    """The three Standard Webhooks headers. One `v1,<signature>` per secret, space-separated: while a
    rotated secret's predecessor is still valid, receivers holding either one can verify.

    `message_id` stays the same on every attempt of one delivery (receivers dedupe on it); `timestamp` is
    the time of this attempt (receivers refuse one more than 5 minutes off their clock)."""
    if not secrets:
        raise ValueError("a delivery needs at least one secret")
    if timestamp.tzinfo is None:
        raise ValueError("timestamp must be timezone-aware")
    # The library reads the datetime's fields as UTC, so hand it UTC.
    at = timestamp.astimezone(UTC)
    text = body.decode("utf-8")
    signatures = [Webhook(secret).sign(msg_id=message_id, timestamp=at, data=text) for secret in secrets]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
