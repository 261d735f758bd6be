"""The member lists' sort keys (store/member_index.py `list_keys`): within a status, the keys order as the
API orders the column (case-insensitive, none first, ties by user id), whatever the value holds; each
status is one contiguous range; and a change moves only the keys of what it changed."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import product

from chalicelib.domain.paging import as_sort_text
from chalicelib.store import keys
from chalicelib.store.member_index import copied, list_keys
from chalicelib.store.models import MembershipItem

NAMES = [None, "", "Ann", "ann", "Ann Lee", "Ann#Lee", "Ann-Lee", "Annette", "Émile", "Zoë", "b", "A\x01b"]


def _membership(user_id: str, first_name: str | None, status: str = "active") -> MembershipItem:
    return MembershipItem(
        *keys.membership("acc_1", user_id), account_id="acc_1", user_id=user_id, role="member",
        status=status, joined_at=datetime(2026, 1, 1, tzinfo=UTC), email=f"{user_id}@example.com",
        first_name=first_name,
    )  # fmt: skip


def test_keys_order_as_the_api_orders_a_column_ties_by_user_id() -> None:
    members = [_membership(f"usr_{n}{i}", name) for (i, name), n in product(enumerate(NAMES), "ab")]
    by_key = sorted(members, key=lambda m: list_keys(m)["by_first_name"] or "")
    expected = sorted(members, key=lambda m: (as_sort_text(m.first_name), m.user_id))
    # "A\x01b" holds a character below the value's end: it sorts as "a b" does
    assert [m.user_id for m in by_key if "\x01" not in (m.first_name or "")] == [
        m.user_id for m in expected if "\x01" not in (m.first_name or "")
    ]


def test_each_status_is_one_range_of_every_list_index() -> None:
    members = [_membership(f"usr_{i}", name, status) for i, (name, status) in
               enumerate(product(NAMES, keys.MEMBER_STATUSES))]  # fmt: skip
    for column in keys.MEMBER_SORT_COLUMNS:
        attribute = keys.member_sort_attribute(column)
        for status in keys.MEMBER_STATUSES:
            low, high = keys.member_status_range(status)
            inside = {m.user_id for m in members if low < (list_keys(m)[attribute] or "") < high}
            assert inside == {m.user_id for m in members if m.status == status}, (column, status)


def test_a_change_moves_only_the_keys_of_what_it_changed() -> None:
    member = _membership("usr_1", "Ann")
    before = list_keys(member)
    renamed = list_keys(copied(member, first_name="Anna"))
    assert {name for name in before if before[name] != renamed[name]} == {"by_first_name"}
    moved = list_keys(copied(member, group_id="grp_1"))
    assert {name for name in before if before[name] != moved[name]} == {keys.GROUP_LIST_PK}
    deactivated = list_keys(copied(member, status="deactivated"))
    changed = {name for name in before if before[name] != deactivated[name]}
    assert changed == {keys.member_sort_attribute(column) for column in keys.MEMBER_SORT_COLUMNS}
