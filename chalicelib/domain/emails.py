"""Email addresses: one normal form, and the reasons an address cannot be invited."""

from __future__ import annotations

import unicodedata
from functools import cache

MAX_EMAIL_LENGTH = 254
MAX_LOCAL_PART_LENGTH = 64  # RFC 5321


def normalize_email(raw: str) -> str:
    """The one form used for lookups, uniqueness and sending: trimmed, Unicode NFC (so "josé" typed as one
    character or as e + accent is one login), lower-cased, and the domain in its ASCII (IDNA) form (so
    "bücher.de" and "xn--bcher-kva.de" are one domain)."""
    email = unicodedata.normalize("NFC", raw.strip()).lower()
    local, at, domain = email.rpartition("@")
    if not at or domain.isascii():
        return email
    try:
        import idna  # email-validator's own dependency; loaded only for a non-ASCII domain

        return f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}"
    except (idna.IDNAError, UnicodeError):
        return email  # not a valid domain: validation refuses it with a clear message


def is_valid_email(email: str) -> bool:
    if not email or len(email) > MAX_EMAIL_LENGTH:
        return False
    # Imported on first use: its regular expressions cost ~20 ms of a cold start that may not need them.
    from email_validator import EmailNotValidError, validate_email

    try:
        # Syntax only: a DNS lookup per invitee would make bulk invites slow and flaky. ".test" domains pass,
        # as OpenAPI's "email" format lets them (SES just won't deliver there); the other special-use names
        # (.local, .invalid, ...) do not. A domain needs a dot: "user@localhost" is a typo, not an address.
        validated = validate_email(
            email, check_deliverability=False, globally_deliverable=False, test_environment=True
        )
    except EmailNotValidError:
        return False
    return "." in validated.domain and len(validated.local_part) <= MAX_LOCAL_PART_LENGTH


@cache
def _disposable_domains() -> frozenset[str]:
    from disposable_email_domains import blocklist  # loaded on first use: a large set, not a cold-start cost

    return frozenset(blocklist)


def is_disposable(email: str) -> bool:
    """The domain or any domain above it is a disposable-mail domain (x.mailinator.com is mailinator's)."""
    labels = email.rsplit("@", 1)[-1].split(".")
    blocked = _disposable_domains()
    return any(".".join(labels[start:]) in blocked for start in range(len(labels) - 1))
