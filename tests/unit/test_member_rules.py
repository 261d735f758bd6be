"""More rules of the member, ownership and invitation use cases, called directly on the fakes (milliseconds)
and again on moto by tests/api/test_rules_on_moto.py. The API tier checks the same rules through HTTP;
these pin them where a change to a service shows first."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from chalicelib.domain.caller import OPERATOR, Caller, Grant
from chalicelib.domain.permissions import as_role
from chalicelib.errors import AppError
from chalicelib.schemas.invitations import InviteIn
from chalicelib.schemas.members import MemberUpdateIn
from chalicelib.services import accounts, invitation_admin, invitations, members
from chalicelib.services.invitations import new_invitation
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.store.models_people import AccountItem
    from tests.helpers import Clock
    from tests.helpers.fakes import FakeWorld


def as_member(world: FakeWorld, account_id: str, user_id: str) -> Caller:
    m = present(world.deps.store.members.get_membership(account_id, user_id))
    grant = Grant(
        as_role(m.role), frozenset(m.permissions), group_id=m.group_id, group_manager=bool(m.group_manager)
    )
    return Caller("user", user_id=user_id, email=m.email, name="Someone", grant=grant)


def code_of(call: Callable[[], object]) -> str:
    with pytest.raises(AppError) as raised:
        call()
    return raised.value.code


@pytest.fixture
def acme_co(world: FakeWorld) -> tuple[str, str, AccountItem | None]:
    account_id = world.account("Acme")
    owner = world.member(account_id, "owner@acme.com", "owner")
    return account_id, owner, world.deps.store.accounts.get_account(account_id)


def test_an_admin_with_a_grant_is_refused_never_trimmed(
    world: FakeWorld, acme_co: tuple[str, str, AccountItem | None]
) -> None:
    account_id, _, account = acme_co
    dev = world.member(account_id, "dev@acme.com", permissions=("tickets",))
    asks = MemberUpdateIn(role="admin", permissions=["tickets"])
    assert (
        code_of(lambda: members.update_member(world.deps, OPERATOR, present(account), dev, asks))
        == "validation_error"
    )
    kept = present(world.deps.store.members.get_membership(account_id, dev))
    assert (kept.role, kept.permissions) == ("member", ["tickets"])


def test_a_member_made_admin_then_member_again_gets_their_own_grant_back(
    world: FakeWorld, acme_co: tuple[str, str, AccountItem | None]
) -> None:
    account_id, _, account = acme_co
    dev = world.member(account_id, "dev@acme.com", permissions=("invoices", "tickets"))
    admin = members.update_member(world.deps, OPERATOR, present(account), dev, MemberUpdateIn(role="admin"))
    assert admin.role == "admin" and "user_management" in admin.permissions
    back = members.update_member(world.deps, OPERATOR, present(account), dev, MemberUpdateIn(role="member"))
    assert (back.role, back.permissions) == ("member", ["invoices", "tickets"])


def test_moving_into_a_custom_group_counts_and_an_unknown_group_is_refused(
    world: FakeWorld, acme_co: tuple[str, str, AccountItem | None]
) -> None:
    account_id, _, account = acme_co
    store = world.deps.store
    group = world.group(account_id, "Support", ("tickets", "domains"))
    dev = world.member(account_id, "dev@acme.com", "admin")
    moved = members.update_member(world.deps, OPERATOR, present(account), dev, MemberUpdateIn(group_id=group))
    assert (moved.role, sorted(moved.permissions)) == ("member", ["domains", "tickets"])  # the group's
    assert present(store.groups.get_group(account_id, group)).member_count == 1
    unknown = MemberUpdateIn(group_id="grp_00000000000000000000000a")
    assert code_of(lambda: members.update_member(world.deps, OPERATOR, present(account), dev, unknown)) == (
        "validation_error"
    )
    members.update_member(world.deps, OPERATOR, present(account), dev, MemberUpdateIn(group_id="default"))
    assert present(store.groups.get_group(account_id, group)).member_count == 0


def test_a_group_manager_reaches_their_own_group_only(
    world: FakeWorld, acme_co: tuple[str, str, AccountItem | None]
) -> None:
    account_id, _, account = acme_co
    group = world.group(account_id, "Support")
    manager = world.member(account_id, "lead@acme.com", group_id=group, group_manager=True)
    mate = world.member(account_id, "mate@acme.com", group_id=group)
    fellow = world.member(account_id, "other-lead@acme.com", group_id=group, group_manager=True)
    outsider = world.member(account_id, "outsider@acme.com")
    by_manager = as_member(world, account_id, manager)
    assert (
        code_of(lambda: members.remove_member(world.deps, by_manager, present(account), outsider))
        == "not_found"
    )
    assert (
        code_of(lambda: members.remove_member(world.deps, by_manager, present(account), fellow))
        == "forbidden"
    )
    members.remove_member(world.deps, by_manager, present(account), mate)
    assert world.deps.store.members.get_membership(account_id, mate) is None
    assert world.deps.store.members.get_membership(account_id, outsider) is not None


def test_a_group_member_made_owner_leaves_the_group_and_keeps_their_own_grant(
    world: FakeWorld, acme_co: tuple[str, str, AccountItem | None]
) -> None:
    account_id, owner, account = acme_co
    store = world.deps.store
    group = world.group(account_id, "Support")
    heir = world.member(account_id, "heir@acme.com", permissions=("invoices",), group_id=group)
    by_owner = as_member(world, account_id, owner)
    assert accounts.transfer_ownership(world.deps, by_owner, present(account), heir).owner_user_id == heir
    now_owner = present(store.members.get_membership(account_id, heir))
    assert (now_owner.role, now_owner.permissions) == ("owner", ["invoices"]) and now_owner.group_id is None
    assert present(store.groups.get_group(account_id, group)).member_count == 0
    old = present(store.members.get_membership(account_id, owner))
    assert old.role == "admin"


def test_an_expired_invitation_gives_way_to_a_new_one(
    world: FakeWorld, acme_co: tuple[str, str, AccountItem | None], clock: Clock
) -> None:
    account_id, owner, account = acme_co
    by_owner = as_member(world, account_id, owner)
    body = InviteIn.model_validate({"emails": ["ann@example.com"], "role": "member"})
    first = invitations.invite(world.deps, by_owner, present(account), body).results[0]
    assert (
        invitations.invite(world.deps, by_owner, present(account), body).results[0].reason
        == "already_invited"
    )
    clock.advance(days=31)  # past any invitation's validity
    again = invitations.invite(world.deps, by_owner, present(account), body).results[0]
    assert again.status == "invited"
    held = world.deps.store.invitations.invitations_of(account_id)
    assert [i.invitation_id for i in held] == [present(again.invitation).invitation_id]
    assert present(first.invitation).invitation_id != present(again.invitation).invitation_id


def test_a_revoked_invitation_frees_the_email_and_only_the_operator_revokes_the_owners(
    world: FakeWorld, acme_co: tuple[str, str, AccountItem | None]
) -> None:
    account_id, owner, account = acme_co
    by_owner = as_member(world, account_id, owner)
    body = InviteIn.model_validate({"emails": ["ann@example.com"], "role": "member"})
    first = invitations.invite(world.deps, by_owner, present(account), body).results[0].invitation
    invitation_admin.revoke(world.deps, by_owner, account_id, present(first).invitation_id)
    gone = code_of(
        lambda: invitation_admin.revoke(world.deps, by_owner, account_id, present(first).invitation_id)
    )
    assert gone == "not_found"
    assert invitations.invite(world.deps, by_owner, present(account), body).results[0].status == "invited"
    ownerless = world.account("Ownerless")
    entry, _ = new_invitation(world.deps, ownerless, "olive@x.com", "owner", [], None, {})
    assert not world.deps.store.invitations.create_invitations([entry], world.deps.now()).lost
    admin = world.member(ownerless, "admin@x.com", "admin")
    by_admin = as_member(world, ownerless, admin)
    owners = entry.invitation.invitation_id
    assert code_of(lambda: invitation_admin.revoke(world.deps, by_admin, ownerless, owners)) == "forbidden"
    invitation_admin.revoke(world.deps, OPERATOR, ownerless, owners)
    assert world.deps.store.invitations.invitations_of(ownerless) == []
