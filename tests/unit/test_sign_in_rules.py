"""The rules of signing in, out and resetting a password, called directly (as tests/unit/test_rules.py): on
the fakes here, again on moto in tests/api/test_rules_on_moto.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from chalicelib.domain.caller import OPERATOR
from chalicelib.domain.lockout import MAX_FAILURES, WINDOW
from chalicelib.errors import AppError
from chalicelib.schemas.sessions import LoginOut
from chalicelib.services import authentication, members, password_reset, sessions
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
def dev_id(world: FakeWorld) -> str:
    """A member whose password is PASSWORD (set through the store, as a password change sets it)."""
    store = world.deps.store
    user_id = world.member(world.account("Acme"), "dev@acme.com")
    assert store.users.change_password(
        present(store.users.get_user(user_id)), world.deps.passwords.hash(PASSWORD)
    )
    return user_id


def test_five_wrong_passwords_lock_the_email_until_the_window_passes(
    world: FakeWorld, dev_id: str, clock: Clock
) -> None:
    deps = world.deps
    for _ in range(MAX_FAILURES):
        assert code_of(lambda: sessions.login(deps, "dev@acme.com", "wrong")) == "invalid_credentials"
    with pytest.raises(AppError) as raised:
        sessions.login(deps, "dev@acme.com", PASSWORD)  # even the right one, while locked
    assert (raised.value.code, raised.value.retry_after) == ("rate_limited", int(WINDOW.total_seconds()))
    clock.advance(seconds=WINDOW.total_seconds() - 60)
    assert code_of(lambda: sessions.login(deps, "dev@acme.com", PASSWORD)) == "rate_limited"
    clock.advance(seconds=61)
    assert of_type(sessions.login(deps, "dev@acme.com", PASSWORD), LoginOut).user.email == "dev@acme.com"


def test_an_unknown_email_is_counted_and_answered_as_a_wrong_password(world: FakeWorld, dev_id: str) -> None:
    deps = world.deps
    for _ in range(MAX_FAILURES):
        assert code_of(lambda: sessions.login(deps, "nobody@acme.com", PASSWORD)) == "invalid_credentials"
    assert code_of(lambda: sessions.login(deps, "nobody@acme.com", PASSWORD)) == "rate_limited"
    assert sessions.login(deps, "dev@acme.com", PASSWORD)  # another email's window is its own


def test_a_right_password_gives_its_check_back_and_records_the_login(
    world: FakeWorld, dev_id: str, clock: Clock
) -> None:
    deps = world.deps
    for _ in range(MAX_FAILURES - 1):
        assert code_of(lambda: sessions.login(deps, "dev@acme.com", "wrong")) == "invalid_credentials"
    out = of_type(sessions.login(deps, "dev@acme.com", PASSWORD), LoginOut)
    assert [(a.name, a.role) for a in out.accounts] == [("Acme", "member")]
    assert present(deps.store.users.get_user(dev_id)).last_login_at == clock()
    assert code_of(lambda: sessions.login(deps, "dev@acme.com", "wrong")) == "invalid_credentials"
    assert code_of(lambda: sessions.login(deps, "dev@acme.com", PASSWORD)) == "rate_limited"


def test_logout_revokes_the_token_and_a_password_change_every_older_one(
    world: FakeWorld, dev_id: str
) -> None:
    deps = world.deps
    first = of_type(sessions.login(deps, "dev@acme.com", PASSWORD), LoginOut).access_token
    second = of_type(sessions.login(deps, "dev@acme.com", PASSWORD), LoginOut).access_token
    assert authentication.signed_in(deps, first).caller.user_id == dev_id
    sessions.logout(deps, authentication.read_token(deps, first))
    assert code_of(lambda: authentication.signed_in(deps, first)) == "unauthenticated"
    assert authentication.signed_in(deps, second).caller.user_id == dev_id
    assert code_of(lambda: sessions.logout(deps, None)) == "unauthenticated"
    user = present(deps.store.users.get_user(dev_id))
    changed = sessions.change_password(deps, user, PASSWORD, "a new passphrase")
    assert code_of(lambda: authentication.signed_in(deps, second)) == "unauthenticated"
    assert authentication.signed_in(deps, changed.access_token).caller.user_id == dev_id
    assert code_of(lambda: sessions.change_password(deps, user, PASSWORD, "x" * 12)) == "invalid_credentials"


def reset_token(world: FakeWorld, mailer: RecordingMailer, user_id: str) -> str:
    user = present(world.deps.store.users.get_user(user_id))
    password_reset.send_reset_link(world.deps, user, "Olive Owner")
    drain_outbox(world.deps)  # the outbox's worker sends it, not the request
    return mailer.to(user.email)[-1].link_token


def test_a_reset_link_works_once(world: FakeWorld, dev_id: str, mailer: RecordingMailer) -> None:
    deps = world.deps
    token = reset_token(world, mailer, dev_id)
    password_reset.confirm_reset(deps, token, "a new passphrase")
    assert sessions.login(deps, "dev@acme.com", "a new passphrase")
    assert code_of(lambda: password_reset.confirm_reset(deps, token, "another one")) == "not_found"
    assert code_of(lambda: sessions.login(deps, "dev@acme.com", "another one")) == "invalid_credentials"
    assert code_of(lambda: password_reset.confirm_reset(deps, "not-a-token", "x" * 12)) == "not_found"


def test_a_reset_password_change_or_removal_ends_every_older_reset_link(
    world: FakeWorld, dev_id: str, mailer: RecordingMailer
) -> None:
    deps = world.deps
    older, newer = reset_token(world, mailer, dev_id), reset_token(world, mailer, dev_id)
    password_reset.confirm_reset(deps, newer, "a new passphrase")
    assert code_of(lambda: password_reset.confirm_reset(deps, older, "x" * 12)) == "not_found"
    before_change = reset_token(world, mailer, dev_id)
    user = present(deps.store.users.get_user(dev_id))
    sessions.change_password(deps, user, "a new passphrase", "yet another one")
    assert code_of(lambda: password_reset.confirm_reset(deps, before_change, "x" * 12)) == "not_found"
    assert sessions.login(deps, "dev@acme.com", "yet another one")
    before_removal = reset_token(world, mailer, dev_id)
    account_id = deps.store.member_copies.memberships_of_user(dev_id)[0].account_id
    members.remove_member(deps, OPERATOR, present(deps.store.accounts.get_account(account_id)), dev_id)
    assert code_of(lambda: password_reset.confirm_reset(deps, before_removal, "x" * 12)) == "not_found"


def test_a_reset_link_expires(world: FakeWorld, dev_id: str, mailer: RecordingMailer, clock: Clock) -> None:
    token = reset_token(world, mailer, dev_id)
    clock.advance(seconds=world.deps.settings.password_reset_ttl_seconds)
    assert code_of(lambda: password_reset.confirm_reset(world.deps, token, "x" * 12)) == "token_expired"


def test_a_reset_clears_the_emails_lockout(world: FakeWorld, dev_id: str, mailer: RecordingMailer) -> None:
    deps = world.deps
    for _ in range(MAX_FAILURES):
        assert code_of(lambda: sessions.login(deps, "dev@acme.com", "wrong")) == "invalid_credentials"
    password_reset.confirm_reset(deps, reset_token(world, mailer, dev_id), "a new passphrase")
    assert (
        of_type(sessions.login(deps, "dev@acme.com", "a new passphrase"), LoginOut).user.email
        == "dev@acme.com"
    )
