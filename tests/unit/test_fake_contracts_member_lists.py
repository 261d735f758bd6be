"""Contract cases (as tests/unit/test_fake_contracts.py) for the member list's index reads: a page in an
indexed order from a cursor, by status, the rows' memberships and groups, and any column's or group's list
(each status a range of its index)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.store.lists import IndexPage
from tests.helpers.present import present
from tests.unit.test_fake_contracts import covers

if TYPE_CHECKING:
    from chalicelib.domain.permissions import MemberStatus
    from tests.helpers.fakes import FakeWorld


@covers("members.ordered_page", "members.read_page")
def test_members_are_paged_in_index_order_from_a_cursor(world: FakeWorld) -> None:
    store = world.deps.store
    account_id = world.account("Acme")
    group = world.group(account_id, "Support")
    ids = {email: world.member(account_id, email) for email in ("c@x.com", "a@x.com", "d@x.com")}
    ids["b@x.com"] = world.member(account_id, "b@x.com", status="deactivated", group_id=group)
    world.member(world.account("Other"), "zz@x.com")

    def page(
        after: str | None, descending: bool = False, status: MemberStatus | None = None
    ) -> tuple[list[str], set[str], str | None]:
        found, groups, cursor = store.members.ordered_page(
            account_id, "email", status, None, limit=2, after=after, descending=descending
        )
        return [m.email for m in found], set(groups), cursor

    first, groups, cursor = page(None)
    assert (first, groups) == (["a@x.com", "b@x.com"], {group}) and cursor is not None
    assert page(cursor)[::2] == (["c@x.com", "d@x.com"], None)
    backwards, _, cursor = page(None, descending=True)
    assert backwards == ["d@x.com", "c@x.com"]
    assert page(cursor, descending=True)[0] == ["b@x.com", "a@x.com"]
    assert page(None, status="deactivated") == (["b@x.com"], {group}, None)
    rows = [{"pk": present(m).pk, "sk": present(m).sk, "group_id": group} for m in
            [store.members.get_membership(account_id, ids["b@x.com"])]]  # fmt: skip
    rows.append({"pk": "ACCOUNT#gone", "sk": "MEMBER#gone"})
    memberships, read_groups = store.members.read_page(account_id, IndexPage(rows, False))
    assert ([m.user_id for m in memberships], set(read_groups)) == ([ids["b@x.com"]], {group})


@covers("members.ordered_page")
def test_any_column_and_any_group_is_paged_in_order_both_statuses_merged(world: FakeWorld) -> None:
    store = world.deps.store
    account_id = world.account("Acme")
    group = world.group(account_id, "Support")
    people: tuple[tuple[str, MemberStatus, str | None], ...] = (
        ("c@x.com", "active", group), ("a@x.com", "deactivated", group), ("d@x.com", "active", None),
        ("b@x.com", "active", group),
    )  # fmt: skip
    ids = {
        email: world.member(account_id, email, status=status, group_id=group_id)
        for email, status, group_id in people
    }

    def walk(
        sort: str, status: MemberStatus | None = None, group_id: str | None = None, descending: bool = False
    ) -> list[str]:
        shown, after = [], None
        while True:
            found, _, after = store.members.ordered_page(
                account_id, sort, status, group_id, limit=1, after=after, descending=descending
            )
            shown += [m.email for m in found]
            if after is None:
                return shown

    assert walk("role", group_id=group) == sorted(
        ["a@x.com", "b@x.com", "c@x.com"], key=lambda email: ids[email]
    )  # ties: user id
    assert walk("status") == ["b@x.com", "c@x.com", "d@x.com", "a@x.com"]
    assert walk("status", descending=True) == ["a@x.com", "d@x.com", "c@x.com", "b@x.com"]
    assert walk("email", status="active", group_id=group) == ["b@x.com", "c@x.com"]
    assert walk("email", group_id="default") == ["d@x.com"]
