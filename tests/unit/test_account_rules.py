"""The rules of accounts and their owners' invitations, called directly on the fakes and again on moto
(tests/api/test_rules_on_moto.py): an account is created with its owner's invitation, an account without an
owner gets a new one only once the pending one has lapsed (never to a member), and a rename shows at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from chalicelib.domain.caller import OPERATOR
from chalicelib.errors import AppError
from chalicelib.schemas.account_changes import AccountCreateIn, OwnerInvitationIn
from chalicelib.services import accounts, owner_invitations
from tests.helpers.mail import drain_outbox
from tests.helpers.present import present

if TYPE_CHECKING:
    from tests.helpers import Clock, RecordingMailer
    from tests.helpers.fakes import FakeWorld


def raised(call: Callable[[], object]) -> AppError:
    with pytest.raises(AppError) as caught:
        call()
    return caught.value


def test_an_account_comes_with_its_owners_invitation_and_its_email(
    world: FakeWorld, mailer: RecordingMailer
) -> None:
    deps = world.deps
    body = AccountCreateIn(name="Acme Hosting", owner_email="olive@acme.com", owner_first_name="Olive")
    created = owner_invitations.create_account(deps, OPERATOR, body)
    account_id = created.account.account_id
    assert (created.account.name, created.owner_invitation.email) == ("Acme Hosting", "olive@acme.com")
    held = deps.store.invitations.invitations_of(account_id)
    assert [(i.role, i.email, i.first_name) for i in held] == [("owner", "olive@acme.com", "Olive")]
    assert mailer.sent == []  # the request commits the email; the outbox's worker sends it
    drain_outbox(deps)
    assert [m.to for m in mailer.sent] == [("olive@acme.com",)]
    assert present(deps.store.accounts.get_account(account_id)).owner_user_id is None


def test_an_ownerless_account_gets_a_new_owner_invitation_once_the_last_has_lapsed(
    world: FakeWorld, clock: Clock
) -> None:
    deps = world.deps
    body = AccountCreateIn(name="Acme", owner_email="olive@acme.com")
    account_id = owner_invitations.create_account(deps, OPERATOR, body).account.account_id
    account = present(deps.store.accounts.get_account(account_id))
    again = OwnerInvitationIn(email="olive@acme.com")
    pending = raised(lambda: owner_invitations.invite_owner(deps, OPERATOR, account, again))
    assert pending.message == "The owner invitation is still pending: resend it instead."
    clock.advance(days=31)
    fresh = owner_invitations.invite_owner(deps, OPERATOR, account, again)
    held = deps.store.invitations.invitations_of(account_id)
    assert [i.invitation_id for i in held] == [fresh.invitation_id]  # the lapsed one taken over
    world.member(account_id, "heir@acme.com")
    clock.advance(days=31)
    member = OwnerInvitationIn(email="heir@acme.com")
    refused = raised(lambda: owner_invitations.invite_owner(deps, OPERATOR, account, member))
    assert refused.message == "This address is a member or invited already: transfer ownership to them."


def test_an_account_with_an_owner_is_transferred_not_reinvited_and_renamed_in_place(world: FakeWorld) -> None:
    deps = world.deps
    account_id = world.account("Acme")
    world.member(account_id, "owner@acme.com", "owner")
    account = present(deps.store.accounts.get_account(account_id))
    owned = raised(
        lambda: owner_invitations.invite_owner(deps, OPERATOR, account, OwnerInvitationIn(email="x@acme.com"))
    )
    assert owned.message == "This account has an owner: transfer ownership instead."
    assert accounts.rename_account(deps, OPERATOR, account, "Acme Hosting").name == "Acme Hosting"
    assert present(deps.store.accounts.get_account(account_id)).name == "Acme Hosting"
    assert accounts.rename_account(deps, OPERATOR, account, "Acme Hosting").name == "Acme Hosting"
