"""Access patterns of user groups. A group's name is unique per account through its name item (moved in the
same transaction on a rename); its member and invitation counts move with every membership and invitation
that joins or leaves it, so "delete only when empty" is one condition, safe under any race."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Final

from chalicelib.domain.groups import MAX_GROUPS, name_key
from chalicelib.store import keys
from chalicelib.store.counts import add_within
from chalicelib.store.models import AccountItem, AuditEventItem, GroupItem, GroupNameItem
from chalicelib.store.table import get_item
from chalicelib.store.tx import Outcome, Tx, assignments

GROUP_GONE: Final = "group_gone"


def new_group_item(
    account_id: str,
    group_id: str,
    name: str,
    description: str | None,
    permissions: list[str],
    sub_accounts: list[str] | None,
    now: datetime,
) -> GroupItem:
    return GroupItem(
        *keys.group(account_id, group_id),
        group_id=group_id,
        account_id=account_id,
        name=name,
        description=description,
        permissions=permissions,
        sub_accounts=sub_accounts,
        created_at=now,
    )


def name_item(group: GroupItem, name: str) -> GroupNameItem:
    return GroupNameItem(*keys.group_name(group.account_id, name_key(name)), group_id=group.group_id)


def count_changes(tx: Tx, account_id: str, changes: Iterable[tuple[str | None, str, int]]) -> None:
    """Adds to `tx` one update per custom group: (group id, "member_count" | "invitation_count", delta).
    A group that no longer exists fails the whole transaction with GROUP_GONE."""
    totals: Counter[tuple[str, str]] = Counter()
    for group_id, counter, delta in changes:
        if group_id:
            totals[(group_id, counter)] += delta
    by_group: dict[str, list[tuple[str, int]]] = {}
    for (group_id, counter), delta in totals.items():
        by_group.setdefault(group_id, []).append((counter, delta))
    for group_id, deltas in by_group.items():
        attributes = GroupItem.get_attributes()
        actions = [attributes[counter].add(delta) for counter, delta in deltas if delta]
        if actions:
            tx.update(
                GroupItem(*keys.group(account_id, group_id)),
                actions,
                condition=GroupItem.pk.exists(),
                label=GROUP_GONE,
            )


def _count(tx: Tx, account_id: str, delta: int) -> None:
    """The account's group count, under its cap."""
    account = AccountItem(*keys.account(account_id))
    add_within(tx, account, AccountItem.group_count, delta, MAX_GROUPS, "full", on_existing=True)


class GroupStore:
    def groups_of(self, account_id: str) -> list[GroupItem]:
        pk, prefix = keys.groups_of(account_id)
        return list(GroupItem.query(pk, GroupItem.sk.startswith(prefix), consistent_read=True))

    def get_group(self, account_id: str, group_id: str) -> GroupItem | None:
        return get_item(GroupItem, keys.group(account_id, group_id))

    def create(self, group: GroupItem, event: AuditEventItem | None = None) -> Outcome:
        """Fails with "name_taken" when another group of the account has the name (any case), and "full"
        when the account has MAX_GROUPS: its count moves in this transaction, under that condition."""
        tx = Tx().record(event).put(group, condition=GroupItem.pk.does_not_exist())
        tx.put(name_item(group, group.name), condition=GroupNameItem.pk.does_not_exist(), label="name_taken")
        _count(tx, group.account_id, +1)
        return tx.commit()

    def update(
        self, group: GroupItem, previous_name: str, event: AuditEventItem | None = None, **changes: object
    ) -> Outcome:
        """Sets the changed fields (never the counts, which other requests move); a new name moves its name
        item ("name_taken" if another group has it, GROUP_GONE if the group was deleted meanwhile)."""
        actions = assignments(GroupItem, changes)
        tx = Tx().record(event).update(group, actions, condition=GroupItem.pk.exists(), label=GROUP_GONE)
        new_name = str(changes.get("name") or previous_name)
        if name_key(new_name) != name_key(previous_name):
            tx.delete(name_item(group, previous_name), condition=GroupNameItem.group_id == group.group_id)
            taken = GroupNameItem.pk.does_not_exist()
            tx.put(name_item(group, new_name), condition=taken, label="name_taken")
        return tx.commit()

    def delete(self, group: GroupItem, event: AuditEventItem | None = None) -> Outcome:
        """Only an empty group goes ("not_empty": members or pending invitations are still in it)."""
        empty = (GroupItem.member_count == 0) & (GroupItem.invitation_count == 0)
        tx = Tx().record(event).delete(group, condition=GroupItem.pk.exists() & empty, label="not_empty")
        tx.delete(name_item(group, group.name), condition=GroupNameItem.group_id == group.group_id)
        _count(tx, group.account_id, -1)
        return tx.commit()
