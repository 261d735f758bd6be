"""The User Management screen's list reads in memory: the member list indexes (gsi3-6, and the compact
cards of gsi7) as store/members.py queries them, rows shaped as each index projects them."""

from __future__ import annotations

import copy

from chalicelib.store import keys
from chalicelib.store.lists import IndexPage
from chalicelib.store.member_index import ORDERED, parse_card
from chalicelib.store.models import GroupItem, MembershipItem
from tests.helpers.fakes.table import Table


def _row(m: MembershipItem, index: str, attribute: str) -> dict[str, str]:
    """What the index projects: gsi3-5 every attribute (the ones read here: the keys, the group, the card),
    gsi6 the keys and group_id."""
    row = {"pk": m.pk, "sk": m.sk, attribute: str(getattr(m, attribute))}
    if m.group_id:
        row["group_id"] = m.group_id
    if index != "gsi6" and m.card is not None:
        row["card"] = m.card
    return row


def ordered_page(
    t: Table, account_id: str, sort: str, status: str | None, limit: int, after: str | None, descending: bool
) -> tuple[list[MembershipItem], dict[str, GroupItem], str | None]:
    index, attribute = ("gsi6", "gsi6sk") if status else ORDERED[sort]
    partition = keys.members_index_partition(account_id, status)
    listed = [
        m for m in t.of(MembershipItem)
        if getattr(m, f"{index}pk") == partition and getattr(m, attribute) is not None
    ]  # fmt: skip
    listed.sort(key=lambda m: str(getattr(m, attribute)), reverse=descending)
    if after is not None:
        listed = [m for m in listed if (str(getattr(m, attribute)) < after) == descending]
        listed = [m for m in listed if str(getattr(m, attribute)) != after]
    rows = [_row(m, index, attribute) for m in listed]
    memberships, groups = read_page(t, account_id, IndexPage(rows[:limit], len(rows) > limit))
    return memberships, groups, rows[limit - 1][attribute] if len(rows) > limit and limit else None


def read_page(
    t: Table, account_id: str, found: IndexPage | list[dict[str, str]]
) -> tuple[list[MembershipItem], dict[str, GroupItem]]:
    rows = found.rows if isinstance(found, IndexPage) else found
    group_ids = {row.get("group_id") or parse_card(row.get("card", "")).get("group_id") for row in rows}
    found_groups = (t.get(keys.group(account_id, g), GroupItem) for g in sorted(g for g in group_ids if g))
    memberships = (t.get((row["pk"], row["sk"]), MembershipItem) for row in rows)
    return (
        [copy.deepcopy(m) for m in memberships if m is not None],
        {g.group_id: copy.deepcopy(g) for g in found_groups if g is not None},
    )


def cards(t: Table, account_id: str) -> list[tuple[str, str, dict[str, str]]]:
    """gsi7's rows (the table's pk, the card as sort key): every membership with a card, by card."""
    pk, _ = keys.account(account_id)
    listed = sorted((m for m in t.of(MembershipItem, pk) if m.card is not None), key=lambda m: m.card or "")
    return [(m.pk, m.sk, parse_card(m.card or "")) for m in listed]
