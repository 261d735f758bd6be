"""Contract cases (as tests/unit/test_fake_contracts.py) for an invitation after it is written: listed by
expiry, opened, accepted once (a new login or an existing one), resent with a new link, purged expired."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.permissions import as_role
from chalicelib.services.invitation_admin import RESEND_INTERVAL
from chalicelib.services.invitations import new_invitation
from chalicelib.store.invitation_items import set_expiry_keys
from chalicelib.store.invitations import ended_link, link_item
from chalicelib.store.members import new_membership_item
from chalicelib.store.users import new_user_items
from tests.helpers.present import present
from tests.unit.test_fake_contracts import covers

if TYPE_CHECKING:
    from chalicelib.domain.permissions import Role
    from chalicelib.store.models import InvitationItem, MembershipItem, UserItem
    from tests.helpers import Clock
    from tests.helpers.fakes import FakeWorld


def invite(
    world: FakeWorld, account_id: str, email: str, group_id: str | None = None, role: Role = "member"
) -> InvitationItem:
    deps = world.deps
    entry, _ = new_invitation(deps, account_id, email, role, [], None, {})
    entry.invitation.group_id = entry.link.group_id = group_id
    set_expiry_keys(entry.invitation)  # its group's list key too
    assert deps.store.invitations.create_invitations([entry], deps.now()).lost == set()
    return entry.invitation


@covers("invitations.listed")
def test_invitations_are_listed_latest_expiry_first_pending_or_expired(
    world: FakeWorld, clock: Clock
) -> None:
    store = world.deps.store
    account_id = world.account("Acme")
    group = world.group(account_id, "Support")
    made = []
    for email, group_id in [("a@x.com", None), ("b@x.com", group), ("c@x.com", None)]:
        made.append(invite(world, account_id, email, group_id).invitation_id)
        clock.advance(seconds=10)
    now = clock()
    page, cursor = store.invitations.listed(account_id, None, True, now, limit=2, after=None)
    assert [i.invitation_id for i in page] == made[:0:-1] and cursor is not None
    rest, cursor = store.invitations.listed(account_id, None, True, now, limit=2, after=cursor)
    assert ([i.invitation_id for i in rest], cursor) == ([made[0]], None)
    grouped, _ = store.invitations.listed(account_id, group, True, now, limit=5, after=None)
    assert [i.invitation_id for i in grouped] == [made[1]]
    later = page[0].expires_at - timedelta(seconds=5)  # the first two expired, the last not yet
    expired, _ = store.invitations.listed(account_id, None, False, later, limit=5, after=None)
    assert [i.invitation_id for i in expired] == [made[1], made[0]]
    pending, _ = store.invitations.listed(account_id, None, True, later, limit=5, after=None)
    assert [i.invitation_id for i in pending] == [made[2]]


def membership_for(world: FakeWorld, invitation: InvitationItem, user: UserItem) -> MembershipItem:
    role = as_role(invitation.role)
    return new_membership_item(invitation.account_id, user.user_id, role, [], world.deps.now(),
                               group_id=invitation.group_id, user=user,
                               account_name=world.account_name(invitation.account_id))  # fmt: skip


@covers("invitations.invitation_context", "invitations.accept")
def test_an_invitation_is_accepted_once_with_a_new_login(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    account_id = world.account("Acme")
    group = world.group(account_id, "Support")
    invitation = invite(world, account_id, "ann@x.com", group)
    link = present(store.links.get_link(invitation.token_hash))
    context = store.invitations.invitation_context(link)
    read = (present(context.invitation).email, present(context.account).name, present(context.group).name)
    assert read == ("ann@x.com", "Acme", "Support")
    assert (context.login, context.failures, context.user) == (None, None, None)
    user, login = new_user_items("usr_ann", "ann@x.com", "h", {"first_name": "Ann", "last_name": "A"}, now)
    membership = membership_for(world, invitation, user)
    before = present(store.accounts.get_account(account_id))
    active = int(before.active_count or 0)
    assert store.invitations.accept(invitation, membership, now, (user, login), None)
    # the counts as every read of the account that shows them has them (the real store adds its counter
    # shards in; authorization reads them only for the routes that show counts)
    authorized = store.users.auth_context("usr_ann", "t", account_id, counts=True).account
    opened = store.invitations.invitation_context(link).account
    for shown in (store.accounts.get_account(account_id), authorized, opened):
        assert (present(shown).member_count, present(shown).active_count) == (1, active + 1)
    assert store.invitations.get_invitation(account_id, invitation.invitation_id) is None
    assert present(store.links.get_link(invitation.token_hash)).ended == "accepted"
    assert present(store.members.get_membership(account_id, "usr_ann")).group_id == group
    assert present(store.users.login_state("ann@x.com")[0]).account_ids == {account_id}
    counts = present(store.groups.get_group(account_id, group))
    assert (counts.member_count, counts.invitation_count) == (1, 0)
    assert present(store.accounts.get_account(account_id)).member_count == 1
    assert store.invitations.claims(account_id, ["ann@x.com"])["ann@x.com"].holder == "member"
    again = store.invitations.accept(invitation, membership, now, (user, login), None)
    assert again.failed == {"used", "already_member", "email_taken"}


@covers("invitations.accept")
def test_an_existing_login_accepts_as_it_is_named_now(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    home, account_id = world.account("Home"), world.account("Acme")
    dev = world.member(home, "dev@acme.com")
    invitation = invite(world, account_id, "dev@acme.com", role="owner")
    user = present(store.users.get_user(dev))
    stale = membership_for(world, invitation, user)
    stale.first_name = "Old name"
    assert store.invitations.accept(invitation, stale, now, None, dev).failed == {"renamed"}
    membership = membership_for(world, invitation, user)
    late = now + timedelta(days=400)
    assert store.invitations.accept(invitation, membership, late, None, dev).failed == {"used"}
    assert store.invitations.accept(invitation, membership, now, None, dev)
    assert present(store.users.login_state("dev@acme.com")[0]).account_ids == {home, account_id}
    assert present(store.accounts.get_account(account_id)).owner_user_id == dev
    assert present(store.users.get_user(dev)).last_login_at == now
    second = invite(world, account_id, "boss@x.com", role="owner")
    boss = new_user_items("usr_boss", "boss@x.com", "h", {"first_name": "B", "last_name": "B"}, now)
    outcome = store.invitations.accept(second, membership_for(world, second, boss[0]), now, boss, None)
    assert outcome.failed == {"owner_taken"}


@covers("invitations.resend")
def test_a_resend_replaces_the_link_once(world: FakeWorld, clock: Clock) -> None:
    deps, store = world.deps, world.deps.store
    account_id = world.account("Acme")
    invitation = invite(world, account_id, "ann@x.com")
    clock.advance(seconds=RESEND_INTERVAL.total_seconds() + 1)
    old_hash, now = invitation.token_hash, clock()
    replaced = ended_link(old_hash, invitation, "replaced")
    invitation.token_hash, invitation.last_sent_at = "hash-new", now
    invitation.expires_at = now + timedelta(days=7)
    links = (replaced, link_item("hash-new", invitation))
    assert store.invitations.resend(invitation, old_hash, links, now - RESEND_INTERVAL)
    stored = present(store.invitations.get_invitation(account_id, invitation.invitation_id))
    assert (stored.token_hash, stored.expires_at) == ("hash-new", now + timedelta(days=7))
    assert present(store.links.get_link(old_hash)).ended == "replaced"
    assert present(store.links.get_link("hash-new")).ended is None
    claim = store.invitations.claims(account_id, ["ann@x.com"])["ann@x.com"]
    assert claim.expires_at == now + timedelta(days=7)
    assert store.invitations.resend(invitation, old_hash, links, now).failed == {"conflict"}
    assert store.invitations.revoke(stored)
    assert deps.store.invitations.resend(stored, "hash-new", links, now).failed == {"conflict"}


@covers("invitations.expired_pages", "invitations.delete_expired")
def test_expired_invitations_are_read_a_page_at_a_time_and_purged_once(
    world: FakeWorld, clock: Clock
) -> None:
    store = world.deps.store
    account_id = world.account("Acme")
    group = world.group(account_id, "Support")
    expired = [invite(world, account_id, f"{n}@x.com", group if n % 2 else None) for n in range(5)]
    clock.advance(days=400)
    fresh = invite(world, account_id, "fresh@x.com")
    now = clock()
    pages = list(store.invitations.expired_pages(now, size=2))
    assert [len(p) for p in pages] == [2, 2, 1]
    found = {i.invitation_id for p in pages for i in p}
    assert found == {i.invitation_id for i in expired}
    assert store.invitations.delete_expired([*expired, fresh], now) == 5  # the fresh one is not expired
    assert store.invitations.invitations_of(account_id)[0].invitation_id == fresh.invitation_id
    assert present(store.groups.get_group(account_id, group)).invitation_count == 0
    assert store.invitations.claims(account_id, ["0@x.com"]) == {}
    assert store.links.get_link(expired[0].token_hash) is None
    assert list(store.invitations.expired_pages(now)) == []
    assert store.invitations.delete_expired(expired, now) == 0


@covers("invitations.accept", "groups.groups_of", "groups.get_group", "groups.delete")
def test_a_group_counts_its_accepted_members_and_goes_only_once_they_are_gone(world: FakeWorld) -> None:
    # The real store puts an accept's group counts on the group's shards: every read adds them in, and the
    # delete sums them with the group item's own.
    store, now = world.deps.store, world.deps.now()
    account_id = world.account("Acme")
    group = world.group(account_id, "Support")
    emails = ["ann@x.com", "bob@x.com", "cat@x.com"]
    invitations = [invite(world, account_id, email, group) for email in emails]
    joined = []
    for n, invitation in enumerate(invitations[:2]):
        user, login = new_user_items(
            f"usr_{n}", invitation.email, "h", {"first_name": "A", "last_name": "B"}, now
        )
        membership = membership_for(world, invitation, user)
        assert store.invitations.accept(invitation, membership, now, (user, login), None)
        joined.append(membership)
    listed = {g.group_id: g for g in store.groups.groups_of(account_id)}[group]
    for read in (listed, store.groups.get_group(account_id, group)):
        assert (present(read).member_count, present(read).invitation_count) == (2, 1)
    assert store.groups.delete(present(store.groups.get_group(account_id, group))).failed == {"not_empty"}
    assert store.invitations.revoke(invitations[2])
    assert store.groups.delete(present(store.groups.get_group(account_id, group))).failed == {"not_empty"}
    for membership in joined:
        assert store.members.remove_member(membership, membership.email)
    emptied = present(store.groups.get_group(account_id, group))
    assert (emptied.member_count, emptied.invitation_count) == (0, 0)
    assert store.groups.delete(emptied)
    assert store.groups.get_group(account_id, group) is None
    assert group not in {g.group_id for g in store.groups.groups_of(account_id)}
