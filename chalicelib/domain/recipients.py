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
    ticket_holder_emails: frozenset[str] = frozenset()  # active members holding `tickets`, admins included


@dataclass(frozen=True)
class Recipients:
    to: list[str]
    cc: list[str]
    last: str | None = None  # a page's: the last email it examined, when more may follow


def recipients(
    people: AccountPeople, category: str, ticket_opened_by: str | None = None, *, sees_members: bool = True
) -> Recipients:
    """`to` is the owner. `cc` is the contacts opted in to the category, except for a support ticket:
    opened by the owner, it is copied to every support contact and every active member holding `tickets`
    (the seeds' "all Sub-Contacts receive a copy"); opened by anyone else, only to that opener, if they are
    an active member or a contact. Never a deactivated member, never the owner twice, sorted.

    A caller who cannot list the members (`sees_members` False: a `contacts` holder without
    user_management, or a group manager) gets an answer that does not depend on who is a member, so it
    cannot be used to probe membership: the contacts' side of the rule only, and a ticket opened by anyone
    but the owner is copied to its opener whoever they are (the ticket system knows who opened it; the
    contract: "copied only to that opener")."""
    to = [people.owner_email] if people.owner_email else []
    opted_in = {email for email, categories in people.contacts if category in categories}
    copied: Iterable[str] = opted_in
    if category == "support" and ticket_opened_by is not None:
        if ticket_opened_by == people.owner_email:
            copied = opted_in | (people.ticket_holder_emails if sees_members else frozenset())
        elif not sees_members:
            copied = [ticket_opened_by]
        else:
            known = people.active_member_emails | {email for email, _ in people.contacts}
            copied = [ticket_opened_by] if ticket_opened_by in known else []
    deactivated = people.deactivated_member_emails if sees_members else frozenset()
    cc = sorted(set(copied) - set(to) - deactivated)
    return Recipients(to=to, cc=cc)


def recipients_page(
    people: AccountPeople,
    category: str,
    ticket_opened_by: str | None = None,
    *,
    sees_members: bool = True,
    after: str | None = None,
    limit: int,
) -> Recipients:
    """One page of `recipients`' cc, by email after `after`, when `people` holds what the streams gave: each
    stream (a category's contacts, the ticket holders' partitions) read in email order after `after`, up
    to limit + 1 emails. Their union is complete up to its `limit`-th email (a stream cut short stops at or
    after it), so the page is the answer up to there and goes on after it: a page may hold fewer than
    `limit` (a contact on it is a deactivated member, or the owner), even none, with a `last`. With at
    most `limit` emails streamed, every stream was read to its end and the answer is whole."""
    found = recipients(people, category, ticket_opened_by, sees_members=sees_members)
    opted_in = {email for email, categories in people.contacts if category in categories}
    streamed = sorted(e for e in opted_in | people.ticket_holder_emails if after is None or e > after)
    cc = [email for email in found.cc if after is None or email > after]
    if len(streamed) <= limit:
        chosen = cc[:limit]
        return Recipients(found.to, chosen, chosen[-1] if len(cc) > limit else None)
    bound = streamed[limit - 1]
    return Recipients(found.to, [email for email in cc if email <= bound][:limit], bound)
