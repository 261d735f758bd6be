"""Email-domain rules that need no storage: what a domain is once normalised (one spelling per domain, so a
lookalike, mixed-case or Unicode form names the same claim), which ones no account may hold, the TXT record
that proves one, and what a DNS check changes (domain/domain_checks.py)."""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import unquote

from chalicelib.domain.emails import is_disposable
from chalicelib.domain.mailbox_providers import PUBLIC_MAILBOX_PROVIDERS, PUBLIC_SUFFIXES

DomainStatus = Literal["pending", "verified", "failed"]
JoinPolicy = Literal["invite_only", "request", "auto_join"]
InviteDomains = Literal["any", "verified"]
MAX_EMAIL_DOMAINS = 10
MAX_DOMAIN_LENGTH = 253
RECORD_PREFIX = "_portal-access."
VALUE_PREFIX = "portal-access-verify="
# A trailing full stop in any script UTS 46 maps to ".": the ASCII one, and the ideographic, full-width and
# half-width ideographic ones.
_DOTS = ".\u3002\uff0e\uff61"
_ASCII_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class DomainRefusedError(ValueError):
    """Why a domain cannot be added: the message is for a person."""


def normalize_domain(raw: str) -> str:
    """Trimmed, lower-cased and IDNA-encoded (UTS 46 mapping: full-width letters, ideographic full stops
    and composed or decomposed accents all give one spelling); a trailing dot dropped. A path's
    percent-encoding is undone first (no domain holds a `%`). Raises DomainRefusedError for no
    domain."""
    text = unquote(raw).strip().rstrip(_DOTS)
    if not text or len(text) > MAX_DOMAIN_LENGTH * 2:
        raise DomainRefusedError("Give a domain name such as example.com.")
    import idna  # loaded by the domain routes only: no other request's cold start pays for it

    try:
        encoded = idna.encode(text, uts46=True, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        raise DomainRefusedError("This is not a valid domain name.") from None
    labels = encoded.lower().split(".")
    if len(encoded) > MAX_DOMAIN_LENGTH or not all(_ASCII_LABEL.match(label) for label in labels):
        raise DomainRefusedError("This is not a valid domain name.")
    if len(labels) < 2 or labels[-1].isdigit():
        raise DomainRefusedError("Give a domain name such as example.com, not a top-level domain or address.")
    return ".".join(labels)


def _self_and_parents(domain: str) -> list[str]:
    labels = domain.split(".")
    return [".".join(labels[start:]) for start in range(len(labels) - 1)]


def refusal(domain: str) -> str | None:
    """Why no account may hold this (normalised) domain, or None: a public mailbox provider (or a name
    under one), a disposable-mail domain, or a public suffix itself."""
    if any(name in PUBLIC_MAILBOX_PROVIDERS for name in _self_and_parents(domain)):
        return "This is a public mailbox provider: its addresses belong to no one company."
    if is_disposable(f"x@{domain}"):
        return "This is a disposable-email domain."
    if domain in PUBLIC_SUFFIXES:
        return "This is a public suffix, under which anyone registers names: use your own domain."
    return None


def checked_domain(raw: str) -> str:
    """The normalised domain, or DomainRefusedError saying why it cannot be an account's."""
    domain = normalize_domain(raw)
    problem = refusal(domain)
    if problem is not None:
        raise DomainRefusedError(problem)
    return domain


def record_name(domain: str) -> str:
    """Where the TXT record goes: exactly here, not at the domain itself (it covers its own addresses)."""
    return f"{RECORD_PREFIX}{domain}"


def record_value(secret: str) -> str:
    return f"{VALUE_PREFIX}{secret}"


def email_domain_of(email: str) -> str:
    """The domain of a (normalised) email, as domains are stored; "" when it has none that normalises."""
    try:
        return normalize_domain(email.rsplit("@", 1)[-1]) if "@" in email else ""
    except DomainRefusedError:
        return ""


def invite_allowed(email: str, verified: frozenset[str] | None) -> bool:
    """With `invite_domains: verified` (`verified` given): only addresses at one of those domains exactly (a
    domain covers its own addresses, not its subdomains'). None: any domain."""
    return verified is None or email_domain_of(email) in verified
