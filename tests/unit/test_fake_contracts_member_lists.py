"""Contract cases (as tests/unit/test_fake_contracts.py) for the member list's index reads: a page in an
indexed order from a cursor, by status, the rows' memberships and groups, and the compact cards."""

from __future__ import annotations

from tests.unit.test_fake_contracts import covers


@covers("members.ordered_page", "members.read_page")
def test_members_are_paged_in_index_order_from_a_cursor(world):
    store = world.deps.store
    account_id = world.account("Acme")
    group = world.group(account_id, "Support")
    ids = {email: world.member(account_id, email) for email in ("c@x.com", "a@x.com", "d@x.com")}
    ids["b@x.com"] = world.member(account_id, "b@x.com", status="deactivated", group_id=group)
    world.member(world.account("Other"), "zz@x.com")

    def page(after, descending=False, status=None):
        found, groups, cursor = store.members.ordered_page(
            account_id, "email", status, limit=2, after=after, descending=descending
        )
        return [m.email for m in found], set(groups), cursor

    first, groups, cursor = page(None)
    assert (first, groups) == (["a@x.com", "b@x.com"], {group}) and cursor is not None
    assert page(cursor)[::2] == (["c@x.com", "d@x.com"], None)
    backwards, _, cursor = page(None, descending=True)
    assert backwards == ["d@x.com", "c@x.com"]
    assert page(cursor, descending=True)[0] == ["b@x.com", "a@x.com"]
    assert page(None, status="deactivated") == (["b@x.com"], {group}, None)
    rows = [{"pk": m.pk, "sk": m.sk, "group_id": group} for m in
            [store.members.get_membership(account_id, ids["b@x.com"])]]  # fmt: skip
    rows.append({"pk": "ACCOUNT#gone", "sk": "MEMBER#gone"})
    memberships, groups = store.members.read_page(account_id, rows)
    assert ([m.user_id for m in memberships], set(groups)) == ([ids["b@x.com"]], {group})


@covers("members.cards")
def test_every_member_has_a_card_with_the_fields_the_list_sorts_by(world):
    store = world.deps.store
    account_id = world.account("Acme")
    ann = world.member(account_id, "ann@x.com", "admin")
    bob = world.member(account_id, "bob@x.com", status="deactivated")
    found = {sk: card for _, sk, card in store.members.cards(account_id)}
    assert {sk.rsplit("#", 1)[-1] for sk in found} == {ann, bob}
    cards = {card["email"]: (card["role"], card["status"]) for card in found.values()}
    assert cards == {"ann@x.com": ("admin", "active"), "bob@x.com": ("member", "deactivated")}
    assert store.members.cards(world.account("Empty")) == []
