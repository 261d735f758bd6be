"""The User Management screen's list reads in memory: the member list indexes as store/members.py queries
them (gsi3-5 for the account's members of any status by email, joined_at and last_login_at; the
`members_<column>` and `group_<column>` indexes, each status a range of keys, for everything else), rows
shaped as each index projects them."""

from __future__ import annotations

import copy

from chalicelib.domain.groups import DEFAULT_GROUP_ID
from chalicelib.store import keys
from chalicelib.store.lists import IndexPage
from chalicelib.store.member_index import ORDERED
from chalicelib.store.models import GroupItem, MembershipItem
from tests.helpers.fakes.table import Table


def _index(account_id: str, sort: str, status: str | None, group_id: str | None) -> tuple[str, str, str]:
    """(partition attribute, partition, sort-key attribute) of the index the store reads."""
    if group_id is None and status is None and sort in ORDERED:
        index, attribute = ORDERED[sort]
        return f"{index}pk", keys.member_list_partition(account_id), attribute
    column = keys.member_sort_attribute("email" if sort == "status" else sort)
    if group_id is not None:
        return keys.GROUP_LIST_PK, keys.member_list_partition(account_id, group_id), column
    return keys.MEMBER_LIST_PK, keys.member_list_partition(account_id), column


def ordered_page(
    t: Table,
    account_id: str,
    sort: str,
    status: str | None,
    group_id: str | None,
    limit: int,
    after: str | None,
    descending: bool,
) -> tuple[list[MembershipItem], dict[str, GroupItem], str | None]:
    partition_attribute, partition, attribute = _index(account_id, sort, status, group_id)
    merged = attribute not in ("gsi3sk", "gsi4sk", "gsi5sk") and sort != "status"

    def order(key: str) -> str:  # both statuses merged on what follows the status
        return key.split("#", 1)[1] if merged else key

    listed = [
        (str(getattr(m, attribute)), m)
        for m in t.of(MembershipItem)
        if getattr(m, partition_attribute) == partition
        and getattr(m, attribute) is not None
        and status in (None, m.status)
    ]
    listed.sort(key=lambda pair: order(pair[0]), reverse=descending)
    if after is not None:
        mark = order(after)
        listed = [(k, m) for k, m in listed if (order(k) < mark) == descending and order(k) != mark]
    rows = [{"pk": m.pk, "sk": m.sk, attribute: k, "group_id": m.group_id or ""} for k, m in listed]
    memberships, groups = read_page(t, account_id, IndexPage(rows[:limit], len(rows) > limit))
    return memberships, groups, rows[limit - 1][attribute] if len(rows) > limit and limit else None


def read_page(
    t: Table, account_id: str, found: IndexPage
) -> tuple[list[MembershipItem], dict[str, GroupItem]]:
    group_ids = {row.get("group_id") for row in found.rows} - {None, "", DEFAULT_GROUP_ID}
    found_groups = (t.get(keys.group(account_id, g), GroupItem) for g in sorted(g for g in group_ids if g))
    memberships = (t.get((row["pk"], row["sk"]), MembershipItem) for row in found.rows)
    return (
        [copy.deepcopy(m) for m in memberships if m is not None],
        {g.group_id: copy.deepcopy(g) for g in found_groups if g is not None},
    )
