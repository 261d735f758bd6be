"""Access patterns of user groups. A group's name is unique per account through its name item (moved in the
same transaction on a rename); its member and invitation counts move with every membership and invitation
that joins or leaves it: on the group item, except an accept's, which adds to one of the group's counter
shards (by user) so that many accepts into one group write no item in common (docs/scale.md, "Hot items").
Reading a group reads its shards in the same Query and folds them in (`fold_group`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Final

from chalicelib.domain.groups import MAX_GROUPS, name_key
from chalicelib.store import keys
from chalicelib.store.counts import add_within
from chalicelib.store.models import (
    AccountItem,
    AuditEventItem,
    GroupCountItem,
    GroupItem,
    GroupNameItem,
    Item,
    fold_group,
)
from chalicelib.store.outcomes import Outcome
from chalicelib.store.table import get_item
from chalicelib.store.tx import Tx, as_read, assignments

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


def count_changes(
    tx: Tx, account_id: str, changes: Iterable[tuple[str | None, str, int]], shard_of: str | None = None
) -> None:
    """Adds to `tx` one update per custom group: (group id, "member_count" | "invitation_count", delta).
    A group that no longer exists fails the whole transaction with GROUP_GONE. With `shard_of` (the user
    an accept makes a member) the changes go, unconditionally, to that user's counter shard of each group
    instead: only an accept's, whose invitation (counted in the group until this very transaction) keeps
    the group from being deleted before it commits (`GroupStore.delete`)."""
    totals: Counter[tuple[str, str]] = Counter()
    for group_id, counter, delta in changes:
        if group_id:
            totals[(group_id, counter)] += delta
    by_group: dict[str, list[tuple[str, int]]] = {}
    for (group_id, counter), delta in totals.items():
        by_group.setdefault(group_id, []).append((counter, delta))
    for group_id, deltas in by_group.items():
        model: type[GroupItem | GroupCountItem] = GroupItem if shard_of is None else GroupCountItem
        attributes = model.get_attributes()
        actions = [attributes[counter].add(delta) for counter, delta in deltas if delta]
        if not actions:
            continue
        if shard_of is None:
            group = GroupItem(*keys.group(account_id, group_id))
            tx.update(group, actions, condition=GroupItem.pk.exists(), label=GROUP_GONE)
        else:
            shard = GroupCountItem(*keys.group_count(account_id, group_id, shard_of))
            tx.update(shard, [*actions, GroupCountItem.entity.set(GroupCountItem)])


def _count(tx: Tx, account_id: str, delta: int) -> None:
    """The account's group count, under its cap."""
    account = AccountItem(*keys.account(account_id))
    add_within(tx, account, AccountItem.group_count, delta, MAX_GROUPS, "full", on_existing=True)


def _read(account_id: str, prefix: str) -> dict[tuple[str, str], Item]:
    """The items under `prefix` in the account's partition (groups and their shards), by key."""
    pk = keys.account(account_id)[0]
    return {(i.pk, i.sk): i for i in Item.query(pk, Item.sk.startswith(prefix), consistent_read=True)}


def _groups(account_id: str, found: dict[tuple[str, str], Item]) -> list[GroupItem]:
    """The groups among `found`, each with its own shards (found beside it) folded in."""
    groups = [item for item in found.values() if isinstance(item, GroupItem)]
    return [
        fold_group(g, [found[k] for k in keys.group_counts(account_id, g.group_id) if k in found])
        for g in groups
    ]


def groups_in(account_id: str) -> list[GroupItem]:
    """Every group of the account with its counts: one Query (the groups and their shards, at most
    MAX_GROUPS * (1 + COUNT_SHARDS) small items), in key order."""
    return _groups(account_id, _read(account_id, keys.groups_of(account_id)[1]))


class GroupStore:
    def groups_of(self, account_id: str) -> list[GroupItem]:
        return groups_in(account_id)

    def get_group(self, account_id: str, group_id: str) -> GroupItem | None:
        """The group with its shards: one Query of its key as a prefix (the shards sort right after it)."""
        found = _read(account_id, keys.group(account_id, group_id)[1])
        return next((g for g in _groups(account_id, found) if g.group_id == group_id), None)

    def group_grants(self, account_id: str, group_id: str) -> GroupItem | None:
        """The group item alone, for what it grants (one GetItem of one item): its counts are NOT folded
        from the shards, so authorization reads this and nothing shows its counts."""
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
        """Only an empty group goes ("not_empty": members or pending invitations are still in it).

        Its counts are the group item's plus its shards', and no one condition can sum several items. So
        the group and its shards are read (one Query) and, when they add up to zero, the transaction holds
        each of them as read: the group item and every shard deleted under `member_count = :read AND
        invitation_count = :read`, every absent shard checked still absent. Any count that moves after the
        read (an accept adds to a shard, unconditionally) fails the delete, which reads again (a few
        times: it is "not_empty" if they keep moving). An accept cannot land after the delete either: its
        invitation was counted in the group until the accept's own transaction, so the group was not
        empty."""
        outcome = Outcome(frozenset({GROUP_GONE}))
        for _ in range(DELETE_TRIES):
            found = _read(group.account_id, keys.group(group.account_id, group.group_id)[1])
            stored = found.get(keys.group(group.account_id, group.group_id))
            if not isinstance(stored, GroupItem):
                return Outcome(frozenset({GROUP_GONE}))
            if _total(list(found.values())) != (0, 0):
                return Outcome(frozenset({"not_empty"}))
            outcome = self._delete_as_read(group, found, event)
            if "changed" not in outcome.failed:
                return outcome
        return Outcome(frozenset({"not_empty"}))

    def _delete_as_read(
        self, group: GroupItem, found: dict[tuple[str, str], Item], event: AuditEventItem | None
    ) -> Outcome:
        tx = Tx().record(event)
        for key in [keys.group(group.account_id, group.group_id), *keys.group_counts(*_ids(group))]:
            item = found.get(key)
            if item is None:
                tx.check(GroupCountItem(*key), GroupCountItem.pk.does_not_exist(), label="changed")
            else:
                tx.delete(item, condition=as_read(item, COUNTS), label="changed")
        tx.delete(name_item(group, group.name), condition=GroupNameItem.group_id == group.group_id)
        _count(tx, group.account_id, -1)
        return tx.commit()


DELETE_TRIES: Final = 3
COUNTS: Final = ("member_count", "invitation_count")


def _ids(group: GroupItem) -> tuple[str, str]:
    return group.account_id, group.group_id


def _total(items: list[Item]) -> tuple[int, int]:
    """The members and invitations the group item and its shards add up to."""
    counted = [i for i in items if isinstance(i, GroupItem | GroupCountItem)]
    return (
        sum(int(getattr(i, "member_count", None) or 0) for i in counted),
        sum(int(getattr(i, "invitation_count", None) or 0) for i in counted),
    )
