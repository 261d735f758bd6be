"""One case per faked repository method, through the Protocol only: here on the in-memory fakes, and again
on moto in tests/api/test_rules_on_moto.py, so a fake that answers otherwise than its real repository fails
there. tests/unit/test_fakes.py checks that every faked method is named by a case (`covers`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from chalicelib.domain.outbox import account_day
from chalicelib.services.invitations import new_invitation
from chalicelib.store.contacts import new_contact_item
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.store.invitation_items import NewInvitation
    from tests.helpers.fakes import FakeWorld

COVERED: set[str] = set()


def covers(*methods: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    COVERED.update(methods)
    return lambda test: test


@pytest.fixture
def seeded(world: FakeWorld) -> tuple[str, str]:
    account_id = world.account("Acme")
    return account_id, world.member(account_id, "owner@acme.com", "owner")


@covers("users.get_user", "users.users")
def test_users_are_read_by_id_and_each_read_is_a_copy(world: FakeWorld, seeded: tuple[str, str]) -> None:
    account_id, owner = seeded
    dev = world.member(account_id, "dev@acme.com")
    users = world.deps.store.users
    first = present(users.get_user(dev))
    assert (first.email, first.first_name) == ("dev@acme.com", "Seeded")
    first.first_name = "Changed, not written"
    assert present(users.get_user(dev)).first_name == "Seeded"
    assert users.get_user("usr_missing") is None
    assert set(users.users([owner, dev, "usr_missing"])) == {owner, dev}


@covers("accounts.get_account", "accounts.get_accounts", "accounts.memberships")
def test_seeding_writes_what_accepting_writes_on_the_account(
    world: FakeWorld, seeded: tuple[str, str]
) -> None:
    account_id, owner = seeded
    dev = world.member(account_id, "dev@acme.com", status="deactivated")
    accounts = world.deps.store.accounts
    account = present(accounts.get_account(account_id))
    assert (account.member_count, account.owner_user_id, account.name) == (2, owner, "Acme")
    assert [a.account_id for a in accounts.get_accounts([account_id, "acc_missing"])] == [account_id]
    found = accounts.memberships(account_id, [owner, dev, "usr_missing"])
    assert {uid: (m.role, m.status) for uid, m in found.items()} == {
        owner: ("owner", "active"),
        dev: ("member", "deactivated"),
    }


@covers("invitations.claims", "invitations.claims_and_logins")
def test_a_members_email_is_claimed_with_its_status_and_its_login(
    world: FakeWorld, seeded: tuple[str, str]
) -> None:
    account_id, owner = seeded
    dev = world.member(account_id, "dev@acme.com", status="deactivated")
    invitations = world.deps.store.invitations
    claims = invitations.claims(account_id, ["owner@acme.com", "dev@acme.com", "nobody@acme.com"])
    assert {e: (c.holder, c.ref_id, c.member_status) for e, c in claims.items()} == {
        "owner@acme.com": ("member", owner, None),
        "dev@acme.com": ("member", dev, "deactivated"),
    }
    claims, logins = invitations.claims_and_logins(account_id, ["dev@acme.com", "nobody@acme.com"])
    assert (set(claims), logins) == ({"dev@acme.com"}, {"dev@acme.com": dev})


@covers("members.members_of")
def test_an_accounts_members_are_all_its_memberships_and_only_its(
    world: FakeWorld, seeded: tuple[str, str]
) -> None:
    account_id, owner = seeded
    dev = world.member(account_id, "dev@acme.com", status="deactivated")
    other = world.account("Other")
    world.member(other, "elsewhere@other.com")
    found = world.deps.store.members.members_of(account_id)
    assert sorted((m.user_id, m.status) for m in found) == sorted([(owner, "active"), (dev, "deactivated")])
    assert world.deps.store.members.members_of(world.account("Empty")) == []


@covers("members.member", "members.get_membership", "members.update_member")
def test_a_member_changes_under_the_update_guards(world: FakeWorld, seeded: tuple[str, str]) -> None:
    account_id, owner = seeded
    store = world.deps.store
    group = world.group(account_id, "Support")
    dev = world.member(account_id, "dev@acme.com", permissions=("tickets",))
    membership, user = store.members.member(account_id, dev)
    assert (present(membership).permissions, present(user).email) == (["tickets"], "dev@acme.com")
    assert store.members.member(account_id, "usr_missing") == (None, None)
    assert store.members.update_member(present(membership), role="admin", permissions=[])
    assert present(membership).role == "admin"  # a lone update hands back the item as written (store/tx.py)
    assert present(store.members.get_membership(account_id, dev)).role == "admin"
    owners = present(store.members.get_membership(account_id, owner))
    assert store.members.update_member(owners, title="Founder").failed == {"changed"}
    assert store.members.update_member(owners, guard_owner=False, title="Founder")
    fresh = present(store.members.get_membership(account_id, dev))
    assert store.members.update_member(fresh, in_group=group, title="x").failed == {"changed"}
    assert store.members.update_member(fresh, group_id="grp_gone").failed == {"group_gone"}
    assert store.members.update_member(fresh, group_id=group)
    assert present(store.groups.get_group(account_id, group)).member_count == 1
    # read before the move: its card changed since, so it is read again and the change made on that, once
    assert store.members.update_member(fresh, group_id=None)
    assert present(store.groups.get_group(account_id, group)).member_count == 0
    assert store.members.update_member(fresh, status="deactivated").committed
    claim = store.invitations.claims(account_id, ["dev@acme.com"])["dev@acme.com"]
    assert claim.member_status == "deactivated"
    assert store.members.get_membership(account_id, "usr_missing") is None


@covers("members.remove_member")
def test_removing_a_member_frees_the_email_and_counts(world: FakeWorld, seeded: tuple[str, str]) -> None:
    account_id, owner = seeded
    store = world.deps.store
    group = world.group(account_id, "Support")
    dev = world.member(account_id, "dev@acme.com", group_id=group)
    assert present(store.groups.get_group(account_id, group)).member_count == 1
    owners = present(store.members.get_membership(account_id, owner))
    assert store.members.remove_member(owners, "owner@acme.com").failed == {"conflict"}
    membership = present(store.members.get_membership(account_id, dev))
    assert store.members.remove_member(membership, "dev@acme.com", in_group="grp_other").failed == {
        "conflict"
    }
    assert store.members.remove_member(membership, "dev@acme.com", in_group=group)
    assert store.members.get_membership(account_id, dev) is None
    assert store.invitations.claims(account_id, ["dev@acme.com"]) == {}
    assert present(store.accounts.get_account(account_id)).member_count == 1
    assert present(store.groups.get_group(account_id, group)).member_count == 0
    assert store.members.remove_member(membership, "dev@acme.com").failed == {"conflict"}


@covers("accounts.transfer_ownership")
def test_ownership_moves_under_its_conditions(world: FakeWorld, seeded: tuple[str, str]) -> None:
    account_id, owner = seeded
    store = world.deps.store
    group = world.group(account_id, "Support")
    heir = world.member(account_id, "heir@acme.com", group_id=group)
    asleep = world.member(account_id, "asleep@acme.com", status="deactivated")
    account = present(store.accounts.get_account(account_id))
    found = store.accounts.memberships(account_id, [owner, heir, asleep])
    old, new = found[owner], found[heir]
    assert store.accounts.transfer_ownership(account, old, found[asleep]).failed == {"conflict"}
    assert store.accounts.transfer_ownership(account, new, old).failed == {"conflict"}  # not the owner
    assert store.accounts.transfer_ownership(account, old, new)
    assert present(store.accounts.get_account(account_id)).owner_user_id == heir
    after = store.accounts.memberships(account_id, [owner, heir])
    assert (after[owner].role, after[heir].role) == ("admin", "owner")
    assert after[heir].group_id is None
    assert present(store.groups.get_group(account_id, group)).member_count == 0
    assert store.accounts.transfer_ownership(account, old, new).failed == {"conflict"}  # done already


@covers("groups.groups_of", "groups.get_group")
def test_groups_are_read_by_account_and_id(world: FakeWorld, seeded: tuple[str, str]) -> None:
    account_id, _ = seeded
    other = world.account("Other")
    made = {world.group(account_id, "Support"), world.group(account_id, "Billing")}
    world.group(other, "Elsewhere")
    groups = world.deps.store.groups
    assert {g.group_id for g in groups.groups_of(account_id)} == made
    one = next(iter(made))
    assert present(groups.get_group(account_id, one)).permissions == ["tickets"]
    assert groups.get_group(other, one) is None


@covers("contacts.create_contact", "contacts.save_contact", "contacts.get_contact", "contacts.delete_contact")
def test_a_contact_is_one_per_email_and_changes_under_its_conditions(
    world: FakeWorld, seeded: tuple[str, str]
) -> None:
    account_id, _ = seeded
    store, now = world.deps.store, world.deps.now()
    first = new_contact_item("con_1", account_id, "a@x.com", ["invoice"], {}, now)
    assert store.contacts.create_contact(first)
    again = new_contact_item("con_2", account_id, "a@x.com", [], {}, now)
    assert store.contacts.create_contact(again).failed == {"contact_exists"}
    second = new_contact_item("con_2", account_id, "b@x.com", [], {}, now)
    assert store.contacts.create_contact(second)
    read = present(store.contacts.get_contact(account_id, "con_1"))
    assert (read.email, read.email_preferences) == ("a@x.com", ["invoice"])
    read.email = "b@x.com"
    assert store.contacts.save_contact(read, "a@x.com").failed == {"contact_exists"}
    read.email, read.email_preferences = "c@x.com", ["support"]
    assert store.contacts.save_contact(read, "a@x.com", previous_categories=["invoice"])
    assert present(store.contacts.get_contact(account_id, "con_1")).email == "c@x.com"
    assert store.contacts.create_contact(new_contact_item("con_3", account_id, "a@x.com", [], {}, now))
    assert store.contacts.delete_contact(present(store.contacts.get_contact(account_id, "con_1")))
    assert store.contacts.get_contact(account_id, "con_1") is None
    assert store.contacts.delete_contact(read).failed == {"conflict"}
    assert store.contacts.save_contact(read, "c@x.com").failed == {"gone"}


@covers("contacts.people_for")
def test_the_people_an_email_may_reach(world: FakeWorld, seeded: tuple[str, str]) -> None:
    account_id, _ = seeded
    store, now = world.deps.store, world.deps.now()
    world.member(account_id, "gone@acme.com", status="deactivated")
    world.member(account_id, "dev@acme.com", permissions=("tickets",))
    for n, (email, categories) in enumerate([("billing@x.com", ["invoice"]), ("gone@acme.com", ["invoice"]),
                                             ("help@x.com", ["support"])]):  # fmt: skip
        assert store.contacts.create_contact(
            new_contact_item(f"con_{n}", account_id, email, categories, {}, now)
        )
    account = present(store.accounts.get_account(account_id))
    people = store.contacts.people_for(account, "invoice", None, members=True)
    assert people.owner_email == "owner@acme.com"
    assert sorted(people.contacts) == [
        ("billing@x.com", frozenset({"invoice"})),
        ("gone@acme.com", frozenset({"invoice"})),
    ]
    assert people.deactivated_member_emails == {"gone@acme.com"}
    later = store.contacts.people_for(account, "invoice", None, members=True, after="billing@x.com", limit=1)
    assert later.contacts == (
        ("gone@acme.com", frozenset({"invoice"})),
    )  # a page's stream: after the cursor's email
    ticket = store.contacts.people_for(account, "support", "owner@acme.com", members=True)
    # the ticket streams: members holding tickets, never the owner (who is `to`); the support contacts
    assert ticket.ticket_holder_emails == {"dev@acme.com"}
    assert ticket.contacts == (("help@x.com", frozenset({"support"})),)
    assert ticket.deactivated_member_emails == set()  # only the claims of the contacts on the page
    by_contact = store.contacts.people_for(account, "support", "help@x.com", members=False)
    assert (by_contact.contacts, by_contact.deactivated_member_emails) == (
        (("help@x.com", frozenset[str]()),),
        frozenset[str](),
    )


@covers(
    "invitations.create_invitations", "invitations.invitations_of", "invitations.get_invitation",
    "outbox.record",
)  # fmt: skip
def test_invitations_are_written_once_per_free_email(world: FakeWorld, seeded: tuple[str, str]) -> None:
    account_id, _ = seeded
    store, deps, now = world.deps.store, world.deps, world.deps.now()
    world.member(account_id, "dev@acme.com")
    group = world.group(account_id, "Support")

    def new(email: str, group_id: str | None = None) -> NewInvitation:
        entry, _ = new_invitation(deps, account_id, email, "member", [], None, {})
        entry.invitation.group_id = group_id
        return entry

    ann, bob = new("ann@x.com", group), new("bob@x.com")
    written = store.invitations.create_invitations([ann, bob, new("dev@acme.com")], now)
    assert (written.lost, written.group_gone, written.limited) == ({"dev@acme.com"}, False, {})
    assert {i.email for i in store.invitations.invitations_of(account_id)} == {"ann@x.com", "bob@x.com"}
    assert present(store.groups.get_group(account_id, group)).invitation_count == 1
    assert store.invitations.claims(account_id, ["ann@x.com"])["ann@x.com"].holder == "invitation"
    assert store.invitations.create_invitations([new("ann@x.com")], now).lost == {"ann@x.com"}
    assert store.invitations.create_invitations([new("cy@x.com", "grp_gone")], now).group_gone
    three = [new("d@x.com"), new("e@x.com"), new("f@x.com")]
    held = store.invitations.create_invitations(three, now, account_day(now, 2))
    assert held.over_account_limit == {"d@x.com", "e@x.com", "f@x.com"}
    store.outbox.record(
        [(present(ann.mail), "sent", ann.invitation.token_hash), (present(bob.mail), "sent", "stale-hash")]
    )
    read = present(store.invitations.get_invitation(account_id, ann.invitation.invitation_id))
    assert (read.email, read.delivery) == ("ann@x.com", "sent")
    assert (
        present(store.invitations.get_invitation(account_id, bob.invitation.invitation_id)).delivery != "sent"
    )
    assert store.invitations.get_invitation(account_id, "inv_missing") is None


@covers("invitations.create_invitations")
def test_an_address_takes_so_many_emails_an_hour_whichever_account_sends_them(world: FakeWorld) -> None:
    deps = world.deps
    per_hour = deps.settings.recipient_emails_per_hour
    results = []
    for n in range(per_hour + 1):
        entry, _ = new_invitation(deps, world.account(f"Account {n}"), "ann@x.com", "member", [], None, {})
        results.append(deps.store.invitations.create_invitations([entry], deps.now()))
    assert [r.limited for r in results[:per_hour]] == [{}] * per_hour
    assert [w.kind for w in results[per_hour].limited.values()] == ["hour"]
    assert results[per_hour].lost == set()


@covers("invitations.revoke")
def test_a_revoked_invitation_frees_its_email_and_its_groups_count(
    world: FakeWorld, seeded: tuple[str, str]
) -> None:
    account_id, _ = seeded
    store, deps = world.deps.store, world.deps
    group = world.group(account_id, "Support")
    entry, _ = new_invitation(deps, account_id, "ann@x.com", "member", [], None, {})
    entry.invitation.group_id = group
    assert not store.invitations.create_invitations([entry], deps.now()).lost
    assert present(store.groups.get_group(account_id, group)).invitation_count == 1
    assert store.invitations.revoke(entry.invitation)
    assert store.invitations.get_invitation(account_id, entry.invitation.invitation_id) is None
    assert store.invitations.claims(account_id, ["ann@x.com"]) == {}
    assert present(store.groups.get_group(account_id, group)).invitation_count == 0
    assert store.invitations.revoke(entry.invitation).failed == {"conflict"}


@covers("contacts.contacts_page")
def test_contacts_are_paged_by_email_from_a_cursor(world: FakeWorld, seeded: tuple[str, str]) -> None:
    account_id, _ = seeded
    store, now = world.deps.store, world.deps.now()
    for n, email in enumerate(["d@x.com", "a@x.com", "c@x.com", "b@x.com", "e@x.com"]):
        assert store.contacts.create_contact(new_contact_item(f"con_{n}", account_id, email, [], {}, now))
    first, cursor = store.contacts.contacts_page(account_id, limit=2, after=None)
    assert [c.email for c in first] == ["a@x.com", "b@x.com"] and cursor is not None
    assert store.contacts.delete_contact(
        present(store.contacts.get_contact(account_id, "con_3"))
    )  # b, the cursor's
    second, cursor = store.contacts.contacts_page(account_id, limit=2, after=cursor)
    assert [c.email for c in second] == ["c@x.com", "d@x.com"] and cursor is not None
    last, cursor = store.contacts.contacts_page(account_id, limit=2, after=cursor)
    assert ([c.email for c in last], cursor) == (["e@x.com"], None)
    assert store.contacts.contacts_page(world.account("Empty"), limit=2, after=None) == ([], None)
