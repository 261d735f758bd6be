"""Email addresses: one normal form, and the reasons an address cannot be invited."""

from __future__ import annotations

import contextlib
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


# Providers whose mailboxes ignore the dots of the local part (user.name@ and username@ are one mailbox).
_DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def mailbox_of(email: str) -> str:
    """The mailbox a normal-form address delivers to, for counting what an anonymous sender may have sent
    to it: the `+tag` dropped (sub-addressing, which most providers deliver to the one mailbox) and, at
    Gmail, the local part's dots. Only a count's key: never an address to send to or a login to look up."""
    local, at, domain = email.rpartition("@")
    if not at:
        return email
    local = local.split("+", 1)[0] or local
    if domain in _DOTLESS_DOMAINS:
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def is_valid_email(email: str) -> bool:
    return email_problem(email) is None


# Scripts that write one language together (UTS #39's "highly restrictive" sets): Japanese, Chinese,
# Korean, each with Latin. Any other mix of scripts in one part of an address is a lookalike's trick.
_TOGETHER = (
    frozenset({"LATIN", "CJK", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "CJK", "BOPOMOFO"}),
    frozenset({"LATIN", "CJK", "HANGUL"}),
)


def _script(char: str) -> str | None:
    """The script of a letter, by its Unicode name's first word (None for digits, marks, punctuation)."""
    if not unicodedata.category(char).startswith("L"):
        return None
    return unicodedata.name(char, "UNKNOWN").split()[0]


def _script_problem(part: str) -> str | None:
    """Why one label (of the local part or the domain) looks like another address, or None."""
    scripts = {script for char in part if (script := _script(char)) is not None}
    if scripts & {"FULLWIDTH", "HALFWIDTH"}:
        return f"'{part}' uses full-width letters, which look like others: type it in plain letters"
    if len(scripts) > 1 and not any(scripts <= allowed for allowed in _TOGETHER):
        names = " and ".join(sorted(script.title() for script in scripts))
        return f"'{part}' mixes {names} letters, as lookalike addresses do: type it in one alphabet"
    return None


def _labels(email: str) -> list[str]:
    """The local part's and the domain's labels, a domain's IDNA (xn--) labels read back as typed."""
    local, _, domain = email.rpartition("@")
    labels = [label for label in local.replace("+", ".").replace("-", ".").split(".") if label]
    for label in domain.split("."):
        typed = label
        if label.startswith("xn--"):
            with contextlib.suppress(UnicodeError):  # not a valid IDNA label: the syntax check refuses it
                typed = label.encode("ascii").decode("idna")
        labels.append(typed)
    return labels


def email_problem(email: str) -> str | None:
    """Why an (already normalized) address is refused, for a person; None when it is valid."""
    if not email or len(email) > MAX_EMAIL_LENGTH:
        return "is not a valid email address"
    for label in _labels(email):
        problem = _script_problem(label)
        if problem is not None:
            return problem
    if not _valid_syntax(email):
        return "is not a valid email address"
    return None


def _valid_syntax(email: str) -> bool:
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
