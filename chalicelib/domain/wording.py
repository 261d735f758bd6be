"""Words for emails: a date a person reads at a glance, and text a stranger typed made safe to show.

Every sentence here is a message id (chalicelib/msgids.py), in the reader's `words` (English unless given).

Account and inviter names are chosen by whoever creates an account or a login, so an invitation email is a
message an attacker can partly write. What they typed is shown bounded and neutralised (`neutral`), and a
personal message may hold no link at all (`looks_like_link`, refused when the invitation is made)."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

from chalicelib.domain.caller import Caller
from chalicelib.domain.permissions import CATALOG
from chalicelib.msgids import N_, Words, english

NAME_LIMIT = 60  # characters of a typed name in a subject or a sentence
# the operator (the hosting company) has one name wherever a person reads it; the portal says the same
OPERATOR_NAME = N_("Your hosting provider")
_CONTROL = re.compile("[\u0000-\u001f\u007f-\u009f]")  # a line break among them: a space
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")  # zero-width, bidi
_SPACES = re.compile(r"\s+")
# a dot or colon-slashes inside a word: what makes mail clients turn text into a link
_LINKISH = re.compile(r"(?<=[^\W_])[.\u3002\uff0e](?=[^\W_])|://")
# What a mail client may turn into a link, after NFKC folding (a full-width dot or colon is one): any URI
# scheme (a word and a colon before a letter or one of / + % ~ # @: `mailto:`, `data:`, `javascript:`,
# `tel:+1`, `https://`), `www.`, a name and a top-level domain (an email address included), a bare IPv4
# address, a bracketed IPv6 one, a host and a port (a name with a letter, or an address: "5:30" is a
# time), and any `word.word/`. Plain prose ("e.g.", "5.30", "Note: ...", "Welcome:)") passes.
_LINK = re.compile(
    r"\b[a-z][a-z0-9+.-]*:(?=[^\W\d_]|[/+%~#@])"  # a scheme
    r"|\bwww\."
    r"|[^\W_][\w-]*(?:\.[\w-]+)*[.\u3002][^\W\d_]{2,}\b"  # name.tld
    r"|\b\d{1,3}(?:\.\d{1,3}){3}\b"  # 203.0.113.5
    r"|\[[0-9a-f]*:[0-9a-f:.]*\]"  # [2001:db8::1]
    r"|\b[a-z][\w.-]*:\d{1,5}\b"  # localhost:8443
    r"|[^\W_][\w-]*\.[\w-]+/",  # word.tld/
    re.I,
)


def date_in_words(moment: datetime) -> str:
    """'Tuesday 1 December 2026, 23:54 UTC': the same in every mail client (in another language:
    chalicelib/i18n/text.py `date_in_words`, from Babel's data)."""
    utc = moment.astimezone(UTC)
    return f"{utc:%A} {utc.day} {utc:%B %Y, %H:%M} UTC"


def neutral(text: str, limit: int = NAME_LIMIT) -> str:
    """A typed name as an email shows it: no control, zero-width or bidi characters (no reordering of
    what follows), one line, at most `limit` characters, and nothing a mail client would make a link of
    ("shop.example" reads "shop[.]example")."""
    cleaned = _SPACES.sub(
        " ", _CONTROL.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)))
    ).strip()
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return _LINKISH.sub(lambda m: "[.]" if m.group() != "://" else "[:]//", cleaned)


# Who asked for a reset, as its email says: the public form cannot tell (it may not have been the person).
SELF_SERVICE_REQUESTER = N_("Someone (maybe you)")


def reset_requester(caller: Caller, account_name: str, words: Words = english) -> str:
    """Who an admin-triggered reset email names: the operator and its support staff (acting through a support
    session as a member) by the operator's one name, anyone else by their name and account, neutralised."""
    if caller.is_operator or caller.support_session is not None:
        return words(OPERATOR_NAME)
    return words(
        N_("$name of $account"),
        name=neutral(caller.name or caller.email or ""),
        account=neutral(account_name),
    )


def directory_requester(account_name: str, words: Words = english) -> str:
    """Who a SCIM-made login's set-your-password email names: the account's directory, the account's name
    neutralised as any typed name is."""
    return words(N_("The directory of $account, which gave you a login,"), account=neutral(account_name))


def reset_sentences(asked_by: str | None, words: Words = english) -> dict[str, str]:
    """A reset email's words for who asked and what to do if unwanted (`asked_by`: an admin's reset's
    `reset_requester`; None: the public form's)."""
    if asked_by is None:
        unwanted = N_("If it was not you, ignore this email: your password stays as it is.")
        return {
            "asked_by": words(SELF_SERVICE_REQUESTER),
            "if_unwanted": words(unwanted),
        }
    unwanted = N_("If you do not want a new password, ignore this email: your password stays as it is.")
    return {"asked_by": asked_by, "if_unwanted": words(unwanted)}


def looks_like_link(text: str) -> bool:
    """Whether a personal message holds a web address, a domain or an email address (refused: a message
    in an email from us must not carry a stranger's link)."""
    return bool(_LINK.search(unicodedata.normalize("NFKC", text)))


def modules_of(role: str, permissions: list[str], words: Words = english) -> str:
    """What an invitation gives, for a person: every module, or the ticked ones (or its group's) by name."""
    if role in ("owner", "admin"):
        return words(N_("every module, user management included"))
    labels = [words(CATALOG[key][0]) for key in permissions if key in CATALOG]
    return ", ".join(labels) if labels else words(N_("none yet (an administrator can add them later)"))


def sub_accounts_of(names: list[str] | None, words: Words = english) -> str:
    """The sub-accounts an invitation reaches, by name (None: every one)."""
    if names is None:
        return words(N_("all of them"))
    return ", ".join(names) if names else words(N_("none yet"))
