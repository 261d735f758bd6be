"""The rules of an invitation after it is sent, called directly (as tests/unit/test_rules.py): accepted with
a new login or an existing one, resent, revoked. On the fakes here, again on moto in
tests/api/test_rules_on_moto.py. (The hourly purge job reads the operator's endpoint count itself, outside
the repositories: it runs on moto only; its store methods have contract cases.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from chalicelib.domain.caller import OPERATOR
from chalicelib.domain.lockout import MAX_FAILURES
from chalicelib.errors import AppError
from chalicelib.schemas.invitations import AcceptIn, InviteIn
from chalicelib.schemas.sessions import LoginOut
from chalicelib.services import acceptance, invitation_admin, invitations, sessions
from chalicelib.services.invitation_admin import RESEND_INTERVAL
from tests.helpers.mail import drain_outbox
from tests.helpers.present import of_type, present

if TYPE_CHECKING:
    from tests.helpers import Clock, RecordingMailer
    from tests.helpers.fakes import FakeWorld

PASSWORD = "correct horse battery"


def code_of(call: Callable[[], object]) -> str:
    with pytest.raises(AppError) as raised:
        call()
    return raised.value.code


@pytest.fixture
def invited_to(world: FakeWorld) -> str:
    account_id = world.account("Acme")
    world.member(account_id, "owner@acme.com", "owner")
    return account_id


def invite(world: FakeWorld, mailer: RecordingMailer, account_id: str, email: str) -> tuple[str, str]:
    """The invitation's id and the raw token its email carries (the outbox's worker sends it, not the
    request)."""
    account = present(world.deps.store.accounts.get_account(account_id))
    before = len(mailer.to(email))
    result = invitations.invite(
        world.deps, OPERATOR, account, InviteIn.model_validate({"emails": [email]})
    ).results[0]
    assert result.status == "invited" and result.invitation is not None
    assert len(mailer.to(email)) == before
    drain_outbox(world.deps)
    return result.invitation.invitation_id, mailer.to(email)[-1].link_token


def new_login(token: str) -> AcceptIn:
    return AcceptIn(token=token, password=PASSWORD, first_name="Ann", last_name="Lee")


def test_a_new_login_accepts_once_and_signs_in(
    world: FakeWorld, invited_to: str, mailer: RecordingMailer
) -> None:
    deps = world.deps
    _, token = invite(world, mailer, invited_to, "ann@x.com")
    looked = acceptance.lookup(deps, token)
    assert (looked.email, looked.account_name, looked.existing_user) == ("ann@x.com", "Acme", False)
    assert code_of(lambda: acceptance.accept(deps, None, AcceptIn(token=token, password=PASSWORD))) == (
        "validation_error"
    )  # a new login needs a name
    out = acceptance.accept(deps, None, new_login(token))
    assert (out.account_id, out.membership.role, out.user.first_name) == (invited_to, "member", "Ann")
    assert present(deps.store.accounts.get_account(invited_to)).member_count == 2
    assert code_of(lambda: acceptance.accept(deps, None, new_login(token))) == "not_found"
    assert [
        a.account_id for a in of_type(sessions.login(deps, "ann@x.com", PASSWORD), LoginOut).accounts
    ] == [invited_to]


def test_an_existing_login_accepts_with_its_password_and_keeps_its_name(
    world: FakeWorld, invited_to: str, mailer: RecordingMailer
) -> None:
    deps = world.deps
    home = world.account("Home")
    _, first = invite(world, mailer, home, "ann@x.com")
    acceptance.accept(deps, None, new_login(first))
    _, token = invite(world, mailer, invited_to, "ann@x.com")
    assert acceptance.lookup(deps, token).existing_user
    asked = AcceptIn(token=token, password="wrong password", first_name="Other")
    assert code_of(lambda: acceptance.accept(deps, None, asked)) == "invalid_credentials"
    out = acceptance.accept(deps, None, AcceptIn(token=token, password=PASSWORD))
    assert (out.account_id, out.user.first_name) == (invited_to, "Ann")
    names = sorted(a.name for a in of_type(sessions.login(deps, "ann@x.com", PASSWORD), LoginOut).accounts)
    assert names == ["Acme", "Home"]


def test_wrong_passwords_through_a_link_are_counted_on_it(
    world: FakeWorld, invited_to: str, mailer: RecordingMailer
) -> None:
    deps = world.deps
    _, first = invite(world, mailer, world.account("Home"), "ann@x.com")
    acceptance.accept(deps, None, new_login(first))
    _, token = invite(world, mailer, invited_to, "ann@x.com")
    for _ in range(MAX_FAILURES):
        wrong = AcceptIn(token=token, password="wrong password")
        assert code_of(lambda: acceptance.accept(deps, None, wrong)) == "invalid_credentials"  # noqa: B023
    assert code_of(lambda: acceptance.accept(deps, None, AcceptIn(token=token, password=PASSWORD))) == (
        "rate_limited"
    )


def test_a_resend_ends_the_old_link_and_waits_a_minute(
    world: FakeWorld, invited_to: str, mailer: RecordingMailer, clock: Clock
) -> None:
    deps = world.deps
    account = present(deps.store.accounts.get_account(invited_to))
    invitation_id, old = invite(world, mailer, invited_to, "ann@x.com")
    assert code_of(lambda: invitation_admin.resend(deps, OPERATOR, account, invitation_id)) == "rate_limited"
    clock.advance(seconds=RESEND_INTERVAL.total_seconds())
    resent = invitation_admin.resend(deps, OPERATOR, account, invitation_id)
    assert resent.expires_at > clock() and len(mailer.to("ann@x.com")) == 1  # the worker sends it
    drain_outbox(deps)
    assert len(mailer.to("ann@x.com")) == 2
    new = mailer.to("ann@x.com")[-1].link_token
    assert new != old
    with pytest.raises(AppError) as raised:
        acceptance.lookup(deps, old)
    assert raised.value.code == "not_found" and "newer" in raised.value.message.lower()
    assert acceptance.accept(deps, None, new_login(new)).account_id == invited_to


def test_a_revoked_invitation_opens_nothing_and_frees_the_email(
    world: FakeWorld, invited_to: str, mailer: RecordingMailer
) -> None:
    deps = world.deps
    invitation_id, token = invite(world, mailer, invited_to, "ann@x.com")
    invitation_admin.revoke(deps, OPERATOR, invited_to, invitation_id)
    assert code_of(lambda: acceptance.accept(deps, None, new_login(token))) == "not_found"
    assert code_of(lambda: invitation_admin.revoke(deps, OPERATOR, invited_to, invitation_id)) == "not_found"
    assert invite(world, mailer, invited_to, "ann@x.com")[0] != invitation_id
