"""A one-off migration for tables written before the O(page) lists: gives every membership its copies of the
user's fields, its list keys (taking away the gsi6 keys and gsi7 card the lists had before issue 26), its
ticket-stream keys (store/ticket_stream.py: the owner's ticket's copies) and its account's name in its gsi1
key (the user's account list, one Query a page), every invitation its expiry-index keys, every contact its
per-category recipient rows, every deactivated member's email claim its status, and every login the ids of
its user's accounts.

It also counts each account's webhooks and groups (the caps and the webhook outbox read them) and the
operator's endpoints, and each account's seats (`count_seats`). It Scans, once, from the operator's
command line (python -m chalicelib.cli backfill-lists), never on a request path. It is safe to run
against live traffic and to run again: each write only sets derived attributes, under a condition that
what they are derived from has not changed since the Scan read it (a change meanwhile wrote them itself),
and an item removed meanwhile is not brought back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.store import keys
from chalicelib.store.contacts import category_items
from chalicelib.store.invitation_items import set_expiry_keys
from chalicelib.store.keys import Key
from chalicelib.store.member_index import copied, rewrite_actions, sortable, unchanged_since_read
from chalicelib.store.models import (
    AccountItem,
    ContactItem,
    CounterItem,
    EmailClaimItem,
    GroupItem,
    InvitationItem,
    Item,
    LoginItem,
    MemberCountItem,
    MembershipItem,
    UserItem,
    WebhookItem,
)
from chalicelib.store.table import get_item, get_items
from chalicelib.store.tx import Tx, as_read


@dataclass
class BackfillReport:
    memberships: int = 0
    invitations: int = 0
    contact_rows: int = 0
    changed_meanwhile: int = 0
    counts: int = 0  # accounts' webhook and group counts, and the operator's endpoint count, set
    seats: int = 0  # accounts whose seats were counted
    logins: int = 0  # logins given account ids they lacked


def _contact_unchanged(contact: ContactItem) -> Condition:
    same: Condition = (ContactItem.email == contact.email) & (
        ContactItem.email_preferences == contact.email_preferences
    )
    return same


def _commit(tx: Tx, report: BackfillReport) -> bool:
    if tx.commit():
        return True
    report.changed_meanwhile += 1
    return False


def backfill_lists() -> BackfillReport:
    report = BackfillReport()
    _memberships(report)
    _invitations(report)
    _contacts(report)
    _count_endpoints_and_groups(report)
    _logins(report)
    for account in AccountItem.scan():
        report.seats += int(count_seats(account.account_id, datetime.now(UTC)))
    return report


def _memberships(report: BackfillReport) -> None:
    """Each membership's copies and list keys (the old gsi6 keys and card removed), and its account's name
    in its gsi1 key (so the user's account list is one Query: keys_accounts.membership_gsi1), at the
    version the Scan read (store/member_index.py `rewrite_actions`). A rename meanwhile marked the account
    due: the copies job rewrites the name keys from the new name."""
    users: dict[str, UserItem | None] = {}
    names: dict[str, str | None] = {}
    for membership in MembershipItem.scan():
        if membership.user_id not in users:
            users[membership.user_id] = get_item(UserItem, keys.user(membership.user_id))
        if membership.account_id not in names:
            account = get_item(AccountItem, keys.account(membership.account_id))
            names[membership.account_id] = sortable(account.name) if account else None
        user, name = users[membership.user_id], names[membership.account_id]
        if user is None:  # a membership whose user is gone: nothing to copy (the lists skip it as before)
            continue
        named = copied(membership, account_sort=name or membership.account_sort)
        unchanged = unchanged_since_read(membership)
        tx = Tx().update(membership, rewrite_actions(named, user), condition=unchanged, label="changed")
        if membership.status != "active":
            # the recipients screen deactivated members out by their claims (store/contacts.py); the email
            # is the user's, which the rewrite copies (a membership this old may hold none of its own)
            claim = EmailClaimItem(*keys.email_claim(membership.account_id, user.email))
            tx.update(
                claim,
                [EmailClaimItem.member_status.set(membership.status)],
                condition=EmailClaimItem.ref_id == membership.user_id,
                label="changed",
            )
        if _commit(tx, report):
            report.memberships += 1


def _invitations(report: BackfillReport) -> None:
    for invitation in InvitationItem.scan():
        unchanged = as_read(invitation, ("expires_at", "group_id"))
        set_expiry_keys(invitation)
        attributes = InvitationItem.get_attributes()
        names = ("gsi3pk", "gsi3sk") + (("gsi4pk", "gsi4sk") if invitation.gsi4pk is not None else ())
        actions = [attributes[name].set(getattr(invitation, name)) for name in names]
        if _commit(Tx().update(invitation, actions, condition=unchanged, label="changed"), report):
            report.invitations += 1


def _contacts(report: BackfillReport) -> None:
    for contact in ContactItem.scan():
        rows = category_items(contact)
        if not rows:
            continue
        # The rows only while the contact is as read: one deleted or re-categorised meanwhile wrote its own.
        tx = Tx().check(contact, _contact_unchanged(contact), label="changed")
        for row in rows:
            tx.put(row)
        if _commit(tx, report):
            report.contact_rows += len(rows)


def _logins(report: BackfillReport) -> None:
    """Each login's account ids, from its user's memberships. ADD, not SET: an id a membership added
    meanwhile wrote stays; one a removal meanwhile took out and this puts back is harmless (login finds
    no membership there)."""
    for login in LoginItem.scan():
        pk, prefix = keys.memberships_of_user(login.user_id)
        found = MembershipItem.by_user.query(pk, MembershipItem.gsi1sk.startswith(prefix))
        missing = {m.account_id for m in found if isinstance(m, MembershipItem)} - set(
            login.account_ids or ()
        )
        if not missing:
            continue
        listed = [LoginItem.account_ids.add(missing)]
        tx = Tx().update(login, listed, condition=LoginItem.user_id == login.user_id, label="changed")
        if _commit(tx, report):
            report.logins += 1


def _count_endpoints_and_groups(report: BackfillReport) -> None:
    """Accounts stored before their webhooks and groups were counted get their counts (the caps' and the
    outbox's), and the operator its endpoint count; a count that exists already is left as it is (one
    kept since, by the transactions that create and delete)."""
    webhooks: Counter[str | None] = Counter(w.account_id for w in WebhookItem.scan())
    groups: Counter[str] = Counter(g.account_id for g in GroupItem.scan())
    for account in AccountItem.scan():
        counts = {"webhook_count": webhooks[account.account_id], "group_count": groups[account.account_id]}
        for name, total in counts.items():
            attribute = AccountItem.get_attributes()[name]
            tx = Tx().update(
                account, [attribute.set(total)], condition=attribute.does_not_exist(), label="kept"
            )
            report.counts += int(bool(tx.commit()))
    operator = CounterItem(*keys.operator_webhook_count())
    tx = Tx().update(
        operator, [CounterItem.total.set(webhooks[None])], condition=CounterItem.pk.does_not_exist()
    )
    report.counts += int(bool(tx.commit()))


SEAT_COUNT_TRIES = 5


def count_seats(account_id: str, now: datetime) -> bool:
    """An account's seats counted from its items: its pending invitations marked as holding a seat, then
    the counters set to the active members and those plus the invitations holding one, while the counters
    are still as read before the count (every seat change moves them, so the count is exact). An account
    stored before seats had none, and its ways in since moved them from zero; run again, it sets the same.
    False if it kept changing, or is gone."""
    for _ in range(SEAT_COUNT_TRIES):
        found = get_items([keys.account(account_id), *keys.account_counts(account_id)])
        account = found.get(keys.account(account_id))
        if not isinstance(account, AccountItem):
            return False
        shards = {key: found.get(key) for key in keys.account_counts(account_id)}
        for invitation in _invitations_of(account_id):
            if not invitation.holds_seat and invitation.expires_at > now:
                mark = [InvitationItem.holds_seat.set(True)]
                Tx().update(
                    invitation, mark, condition=as_read(invitation, ("token_hash", "holds_seat"))
                ).commit()
        pk, prefix = keys.members_of(account_id)
        members = MembershipItem.query(pk, MembershipItem.sk.startswith(prefix), consistent_read=True)
        active = sum(1 for m in members if m.status == "active")
        held = active + sum(1 for i in _invitations_of(account_id) if i.holds_seat)
        # The account's own count is the base the shards' deltas add to (models `fold`).
        base = active - sum(int(getattr(shard, "active_count", None) or 0) for shard in shards.values())
        counted: list[Action] = [AccountItem.seats_held.set(held), AccountItem.active_count.set(base)]
        counted.append(AccountItem.seats_counted.set(True))
        # holders marked here were never under the expiry bound: not known, and any SET of it guarded off
        counted += [AccountItem.seats_expire_from.remove(), AccountItem.holds_added.add(1)]
        as_before = as_read(account, ("seats_held", "active_count"))
        tx = Tx().update(account, counted, condition=as_before, label="changed")
        if _shards_as_read(tx, shards).commit():
            return True
    return False


def _invitations_of(account_id: str) -> list[InvitationItem]:
    pk, prefix = keys.invitations_of(account_id)
    return list(InvitationItem.query(pk, InvitationItem.sk.startswith(prefix), consistent_read=True))


def _shards_as_read(tx: Tx, shards: Mapping[Key, Item | None]) -> Tx:
    """The counter shards still as read (absent, or holding the same counts): an accept since adds to one."""
    for key, shard in shards.items():
        if isinstance(shard, MemberCountItem):
            tx.check(shard, as_read(shard, ("member_count", "active_count")), label="changed")
        else:
            tx.check(MemberCountItem(*key), MemberCountItem.pk.does_not_exist(), label="changed")
    return tx
