"""The rules of the use cases, called directly. Here on in-memory fakes (milliseconds, no moto); the same
tests run on moto in tests/api/test_rules_on_moto.py, which keeps the fakes honest."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from chalicelib.domain.caller import OPERATOR, Caller, Grant
from chalicelib.domain.permissions import as_role
from chalicelib.errors import AppError
from chalicelib.schemas.contacts import ContactIn, ContactUpdateIn, RecipientsQuery
from chalicelib.schemas.invitations import InviteIn
from chalicelib.schemas.members import MemberUpdateIn
from chalicelib.services import accounts, contacts, invitations, members
from tests.helpers.mail import drain_outbox
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.schemas.invitations import InviteResult
    from chalicelib.store.models import AccountItem
    from tests.helpers import RecordingMailer
    from tests.helpers.fakes import FakeWorld


def caller_for(world: FakeWorld, account_id: str, user_id: str) -> Caller:
    membership = present(world.deps.store.members.get_membership(account_id, user_id))
    return Caller("user", user_id=user_id, email="x@example.com", name="Olive Owner",
                  grant=Grant(as_role(membership.role), frozenset(membership.permissions)))  # fmt: skip


def account(world: FakeWorld, account_id: str) -> AccountItem:
    return present(world.deps.store.accounts.get_account(account_id))


def code_of(call: Callable[[], object]) -> str:
    with pytest.raises(AppError) as raised:
        call()
    return raised.value.code


@pytest.fixture
def acme(world: FakeWorld) -> tuple[str, str]:
    account_id = world.account("Acme")
    owner = world.member(account_id, "owner@acme.com", "owner")
    return account_id, owner


def test_the_owner_cannot_be_changed_deactivated_or_removed(world: FakeWorld, acme: tuple[str, str]) -> None:
    account_id, owner = acme
    admin = world.member(account_id, "admin@acme.com", "admin")
    deps, by_admin = world.deps, caller_for(world, account_id, admin)
    assert code_of(
        lambda: members.update_member(
            deps, OPERATOR, account(world, account_id), owner, MemberUpdateIn(role="member")
        )
    ) == ("owner_immutable")
    assert code_of(
        lambda: members.set_status(deps, by_admin, account(world, account_id), owner, "deactivated")
    ) == ("owner_immutable")
    assert (
        code_of(lambda: members.remove_member(deps, OPERATOR, account(world, account_id), owner))
        == "owner_immutable"
    )


def test_nobody_deactivates_themselves(world: FakeWorld, acme: tuple[str, str]) -> None:
    account_id, _ = acme
    admin = world.member(account_id, "admin@acme.com", "admin")
    by_admin = caller_for(world, account_id, admin)
    assert (
        code_of(
            lambda: members.set_status(world.deps, by_admin, account(world, account_id), admin, "deactivated")
        )
        == "cannot_deactivate_self"
    )


def test_deactivate_then_reactivate_keeps_the_grant(world: FakeWorld, acme: tuple[str, str]) -> None:
    account_id, owner = acme
    dev = world.member(account_id, "dev@acme.com", permissions=("tickets", "domains"))
    by_owner = caller_for(world, account_id, owner)
    assert (
        members.set_status(world.deps, by_owner, account(world, account_id), dev, "deactivated").status
        == "deactivated"
    )
    back = members.set_status(world.deps, by_owner, account(world, account_id), dev, "active")
    assert (back.status, back.permissions) == ("active", ["domains", "tickets"])


def test_an_admin_holds_every_key_and_a_member_only_the_grant(
    world: FakeWorld, acme: tuple[str, str]
) -> None:
    account_id, _ = acme
    dev = world.member(account_id, "dev@acme.com", permissions=("tickets",))
    made_admin = members.update_member(
        world.deps, OPERATOR, account(world, account_id), dev, MemberUpdateIn(role="admin")
    )
    assert "user_management" in made_admin.permissions
    back = members.update_member(
        world.deps,
        OPERATOR,
        account(world, account_id),
        dev,
        MemberUpdateIn(role="member", permissions=["invoices"]),
    )
    assert (back.role, back.permissions) == ("member", ["invoices"])


def test_removing_a_member_lets_them_be_invited_again(
    world: FakeWorld, acme: tuple[str, str], mailer: RecordingMailer
) -> None:
    account_id, owner = acme
    dev = world.member(account_id, "dev@acme.com")
    account = present(world.deps.store.accounts.get_account(account_id))
    by_owner = caller_for(world, account_id, owner)
    body = InviteIn.model_validate({"emails": ["dev@acme.com"], "role": "member"})
    assert invitations.invite(world.deps, by_owner, account, body).results[0].reason == "already_member"
    members.remove_member(world.deps, OPERATOR, account, dev)
    assert invitations.invite(world.deps, by_owner, account, body).results[0].status == "invited"
    assert present(world.deps.store.accounts.get_account(account_id)).member_count == 1


def test_a_bulk_invite_screens_each_email_and_sends_one_email_each(
    world: FakeWorld, acme: tuple[str, str], mailer: RecordingMailer
) -> None:
    account_id, owner = acme
    account = present(world.deps.store.accounts.get_account(account_id))
    by_owner = caller_for(world, account_id, owner)
    first = InviteIn.model_validate({"emails": ["ann@example.com"], "role": "member"})
    invitations.invite(world.deps, by_owner, account, first)
    emails = ["bob@example.com", "not-an-email", "x@mailinator.com", "BOB@example.com", "ann@example.com",
              "owner@acme.com", "bounces@example.com"]  # fmt: skip
    results = invitations.invite(
        world.deps, by_owner, account, InviteIn.model_validate({"emails": emails, "role": "member"})
    ).results
    assert [(r.status, r.reason) for r in results] == [
        ("invited", None),
        ("skipped", "invalid_email"),
        ("skipped", "disposable_email"),
        ("skipped", "duplicate"),
        ("skipped", "already_invited"),
        ("skipped", "already_member"),
        ("invited", None),
    ]
    # the request sends nothing: each email is committed with its invitation, for the outbox's worker
    assert present(results[0].invitation).delivery == present(results[6].invitation).delivery == "queued"
    assert mailer.sent == []
    drain_outbox(world.deps)
    assert sorted(m.to for m in mailer.sent) == [("ann@example.com",), ("bob@example.com",)]
    assert all("Olive Owner" in m.body for m in mailer.sent)  # the inviter's name, as others see it

    def stored(result: InviteResult) -> str | None:
        found = present(
            world.deps.store.invitations.get_invitation(account_id, present(result.invitation).invitation_id)
        )
        return found.delivery

    # a bounced email stays in the outbox for the worker's retry: queued, not yet failed
    assert (stored(results[0]), stored(results[6])) == ("sent", "queued")


def test_one_contact_per_email_and_preferences_change_one_by_one(
    world: FakeWorld, acme: tuple[str, str]
) -> None:
    account_id, _ = acme
    deps = world.deps
    first = contacts.create_contact(
        deps,
        OPERATOR,
        account_id,
        ContactIn.model_validate({"email": "a@x.com", "email_preferences": {"invoice": True}}),
    )
    contacts.create_contact(deps, OPERATOR, account_id, ContactIn(email="b@x.com"))
    assert code_of(
        lambda: contacts.create_contact(deps, OPERATOR, account_id, ContactIn(email="a@x.com"))
    ) == ("contact_exists")
    taken = ContactUpdateIn(email="b@x.com")
    assert (
        code_of(lambda: contacts.update_contact(deps, OPERATOR, account_id, first.contact_id, taken))
        == "contact_exists"
    )
    changed = contacts.update_contact(
        deps,
        OPERATOR,
        account_id,
        first.contact_id,
        ContactUpdateIn.model_validate({"email_preferences": {"support": True}}),
    )
    assert changed.email_preferences.invoice and changed.email_preferences.support


def test_recipients_copy_opted_in_contacts_and_never_a_deactivated_member(
    world: FakeWorld, acme: tuple[str, str]
) -> None:
    account_id, _ = acme
    deps = world.deps
    world.member(account_id, "gone@acme.com", status="deactivated")
    contacts.create_contact(
        deps,
        OPERATOR,
        account_id,
        ContactIn.model_validate({"email": "billing@x.com", "email_preferences": {"invoice": True}}),
    )
    contacts.create_contact(
        deps,
        OPERATOR,
        account_id,
        ContactIn.model_validate({"email": "gone@acme.com", "email_preferences": {"invoice": True}}),
    )
    found = contacts.notification_recipients(
        deps, OPERATOR, account(world, account_id), RecipientsQuery(category="invoice")
    )
    assert (found.to, found.cc) == (["owner@acme.com"], ["billing@x.com"])


def test_ownership_moves_to_an_active_member_and_the_old_owner_stays_as_admin(
    world: FakeWorld, acme: tuple[str, str]
) -> None:
    account_id, owner = acme
    deps = world.deps
    heir = world.member(account_id, "heir@acme.com")
    asleep = world.member(account_id, "asleep@acme.com", status="deactivated")
    by_owner = caller_for(world, account_id, owner)
    account = present(deps.store.accounts.get_account(account_id))
    assert (
        code_of(lambda: accounts.transfer_ownership(deps, by_owner, account, asleep)) == "member_deactivated"
    )
    assert accounts.transfer_ownership(deps, by_owner, account, heir).owner_user_id == heir
    assert present(deps.store.members.get_membership(account_id, owner)).role == "admin"


def test_a_member_changes_their_own_contact_details_only(world: FakeWorld, acme: tuple[str, str]) -> None:
    account_id, owner = acme
    member = world.member(account_id, "member@acme.com", "member", ("tickets",))
    deps, by_self = world.deps, caller_for(world, account_id, member)
    changed = members.update_member(
        deps, by_self, account(world, account_id), member, MemberUpdateIn(title="Support", extension="7")
    )
    assert (changed.title, changed.extension, changed.permissions) == ("Support", "7", ["tickets"])
    asks_more = MemberUpdateIn(title="Lead", permissions=["tickets", "invoices"])
    assert code_of(
        lambda: members.update_member(deps, by_self, account(world, account_id), member, asks_more)
    ) == ("forbidden")
    cleared = members.update_member(
        deps, OPERATOR, account(world, account_id), member, MemberUpdateIn(title=None)
    )
    assert (cleared.title, cleared.extension) == (None, "7")
    renamed_owner = members.update_member(
        deps, OPERATOR, account(world, account_id), owner, MemberUpdateIn(title="Founder")
    )
    assert renamed_owner.title == "Founder" and renamed_owner.role == "owner"
