"""Who gets a copy of an account's email: pure rules over what the account holds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CATEGORIES = ("general", "product", "domain", "invoice", "support", "affiliate")


@dataclass(frozen=True)
class AccountPeople:
    owner_email: str | None
    active_member_emails: frozenset[str]
    deactivated_member_emails: frozenset[str]
    contacts: tuple[tuple[str, frozenset[str]], ...]  # (email, categories opted in)


@dataclass(frozen=True)
class Recipients:
    to: list[str]
    cc: list[str]


def recipients(people: AccountPeople, category: str, ticket_opened_by: str | None = None) -> Recipients:
    """`to` is the owner. `cc` is the contacts opted in to the category, except for a support ticket opened
    by someone other than the owner: then only the opener, if they are an active member or a contact.
    Never a deactivated member, never the owner twice, sorted for a stable answer."""
    to = [people.owner_email] if people.owner_email else []
    if category == "support" and ticket_opened_by is not None and ticket_opened_by != people.owner_email:
        known = people.active_member_emails | {email for email, _ in people.contacts}
        copied: Iterable[str] = [ticket_opened_by] if ticket_opened_by in known else []
    else:
        copied = (email for email, categories in people.contacts if category in categories)
    cc = sorted(set(copied) - set(to) - people.deactivated_member_emails)
    return Recipients(to=to, cc=cc)
