"""The account's name in its memberships' gsi1 keys (what orders a user's account list, keys_accounts
`membership_gsi1`), rewritten after a rename by the copies job (jobs/copies.py), never by the rename: an
account can have 50,000 members, and the rename request writes the account alone, with its mark in the due
index (kind NAMES) in the same write.

A list shows the new name at once (it reads the account where it shows the name); only the order waits,
for the job's next run (every minute), which rewrites up to 99 memberships a transaction. A pass that
rewrote any keeps the account due for one more pass a minute later (`SETTLE`): a join that read the old
name before the rename and committed after the first pass is rewritten by the second, since no request
runs that long (the API function's timeout is below it)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from pynamodb.expressions.update import Action

from chalicelib.store import keys
from chalicelib.store.member_index import renamed_actions, sortable, unchanged_since_read
from chalicelib.store.models import AccountItem, MembershipItem, format_time
from chalicelib.store.table import get_item
from chalicelib.store.tx import Tx

NAMES = "NAMES"  # the due index's kind for accounts whose memberships' name keys wait
SETTLE = timedelta(minutes=1)
REWRITES_PER_WRITE = 99  # TransactWriteItems takes 100 items: the account's check and 99 memberships
RENAME_TRIES = 3


def names_due(account_id: str, when: datetime) -> list[Action]:
    """The account's own mark in the due index (a random tail: a rename within the instant a run read
    still differs from the mark it read, so that run does not take it off)."""
    pk, sk = keys.due(NAMES, f"{account_id}#{secrets.token_hex(6)}", format_time(when))
    return [AccountItem.gsi2pk.set(pk), AccountItem.gsi2sk.set(sk)]


def rewrite_names(account: AccountItem, now: datetime) -> int:
    """Every membership of `account` (strongly read, a Query page at a time) whose key holds another name
    rewritten to the account's name as read from the due index, while it is as read and the account still
    holds the mark read (a newer rename moved it: the next run rewrites from that name instead). Then the
    mark is moved on by SETTLE if any was rewritten, else taken off, only while it is the one read. Answers
    the memberships rewritten."""
    name = sortable(account.name)
    marked = AccountItem.gsi2sk == (account.gsi2sk or "")
    pk, prefix = keys.members_of(account.account_id)
    found = MembershipItem.query(pk, MembershipItem.sk.startswith(prefix), consistent_read=True)
    batch: list[MembershipItem] = []
    rewritten = 0
    for membership in found:
        if isinstance(membership, MembershipItem) and membership.account_sort != name:
            batch.append(membership)
        if len(batch) == REWRITES_PER_WRITE:
            if not _rewrite_batch(account, batch, name):
                return rewritten
            rewritten, batch = rewritten + len(batch), []
    if batch and not _rewrite_batch(account, batch, name):
        return rewritten
    rewritten += len(batch)
    after = names_due(account.account_id, now + SETTLE) if rewritten else _unmarked()
    Tx().update(AccountItem(account.pk, account.sk), after, condition=marked, label="superseded").commit()
    return rewritten


def _unmarked() -> list[Action]:
    return [AccountItem.gsi2pk.remove(), AccountItem.gsi2sk.remove()]


def _rewrite_batch(account: AccountItem, batch: list[MembershipItem], name: str) -> bool:
    """One transaction of the batch; False when the account's mark moved on (superseded). A membership
    changed meanwhile fails the batch, which then goes one by one."""
    tx = Tx().check(
        AccountItem(account.pk, account.sk), AccountItem.gsi2sk == (account.gsi2sk or ""), label="superseded"
    )
    for membership in batch:
        tx.update(
            membership,
            renamed_actions(membership, name),
            condition=unchanged_since_read(membership),
            label="changed",
        )
    outcome = tx.commit()
    if "superseded" in outcome.failed:
        return False
    if not outcome:
        for membership in batch:
            rename_alone(membership, name)
    return True


def rename_alone(membership: MembershipItem, name: str) -> None:
    """One membership's name key, while it is as read; changed meanwhile, read again (strongly) and tried
    again, up to RENAME_TRIES; gone: nothing to rewrite."""
    current: MembershipItem | None = membership
    for _ in range(RENAME_TRIES):
        if current is None or current.account_sort == name:
            return
        as_read = unchanged_since_read(current)
        if Tx().update(current, renamed_actions(current, name), condition=as_read).commit():
            return
        current = get_item(MembershipItem, (current.pk, current.sk))
