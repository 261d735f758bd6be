"""The rules of second factors, called directly (as tests/unit/test_rules.py): TOTP, recovery codes, the
mfa_token and passkeys on the fakes here, again on moto in tests/api/test_rules_on_moto.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

import pyotp
import pytest

from chalicelib.domain.lockout import MAX_FAILURES, WINDOW
from chalicelib.errors import AppError
from chalicelib.schemas.factors import MfaLoginIn, MfaRequiredOut
from chalicelib.schemas.sessions import LoginOut
from chalicelib.security.otp import step_of
from chalicelib.services import mfa_login, passkey_admin, sessions, totp
from tests.helpers.authenticator import SoftAuthenticator
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.store.models import UserItem
    from tests.helpers import Clock
    from tests.helpers.seed import Seeder

PASSWORD = "correct horse battery"
EMAIL = "dev@acme.com"


def code_of(call: Callable[[], object]) -> str:
    with pytest.raises(AppError) as raised:
        call()
    return raised.value.code


class DevWorld:
    """The world's deps (in memory here, on moto in tests/api/test_rules_on_moto.py) with its member `dev`
    and, once TOTP is on, their recovery codes."""

    def __init__(self, world: Seeder, dev: str) -> None:
        self.deps = world.deps
        self.dev = dev
        self.recovery: list[str] = []


def user(world: DevWorld) -> UserItem:
    return present(world.deps.store.users.get_user(world.dev))


@pytest.fixture
def dev(world: Seeder) -> DevWorld:
    """A member whose password is PASSWORD (set through the store, as a password change sets it)."""
    store = world.deps.store
    member = DevWorld(world, world.member(world.account("Acme"), EMAIL))
    assert store.users.change_password(
        present(store.users.get_user(member.dev)), world.deps.passwords.hash(PASSWORD)
    )
    return member


@pytest.fixture
def secret(dev: DevWorld, clock: Clock) -> str:
    """TOTP on for dev, its confirming code's step behind it."""
    deps = dev.deps
    setup = totp.start(deps, user(dev), PASSWORD, None, None)
    dev.recovery = totp.confirm(deps, user(dev), now_code(deps, setup.secret)).recovery_codes
    clock.advance(seconds=30)
    return setup.secret


def now_code(deps: Deps, secret: str, steps: int = 0) -> str:
    return pyotp.TOTP(secret).generate_otp(step_of(deps.now()) + steps)


def second_step(deps: Deps) -> MfaRequiredOut:
    answer = sessions.login(deps, EMAIL, PASSWORD)
    assert isinstance(answer, MfaRequiredOut)
    return answer


def test_the_rfc_6238_vectors_hold_for_the_steps_we_compute() -> None:
    """RFC 6238 Appendix B (SHA-1, the 20-byte ASCII secret), at 6 digits: the last six of its 8."""
    import base64

    from chalicelib.security import otp

    secret = base64.b32encode(b"12345678901234567890").decode()
    vectors = {59: "94287082", 1111111109: "07081804", 1234567890: "89005924", 2000000000: "69279037"}
    for seconds, code in vectors.items():
        assert otp.code_at(secret, seconds // otp.STEP_SECONDS) == code[-6:]


def test_a_code_signs_in_once_and_a_replay_is_refused(dev: DevWorld, secret: str, clock: Clock) -> None:
    deps = dev.deps
    step = second_step(deps)
    code = now_code(deps, secret)
    done = mfa_login.finish(deps, MfaLoginIn(mfa_token=step.mfa_token, code=code))
    assert (
        isinstance(done, LoginOut) and deps.tokens.read(done.access_token, deps.now()).via == "password+totp"
    )
    again = second_step(deps)
    assert code_of(lambda: mfa_login.finish(deps, MfaLoginIn(mfa_token=again.mfa_token, code=code))) == (
        "invalid_code"
    )
    assert code_of(lambda: mfa_login.finish(deps, MfaLoginIn(mfa_token=step.mfa_token, code=code))) == (
        "unauthenticated"
    )  # the token was spent


@pytest.mark.parametrize(("steps", "accepted"), [(-2, False), (-1, True), (1, True), (2, False)])
def test_one_step_either_side_is_accepted(
    dev: DevWorld, secret: str, clock: Clock, steps: int, accepted: bool
) -> None:
    deps = dev.deps
    clock.advance(seconds=90)
    token = second_step(deps).mfa_token

    def finish() -> LoginOut:
        return mfa_login.finish(deps, MfaLoginIn(mfa_token=token, code=now_code(deps, secret, steps)))

    if accepted:
        assert isinstance(finish(), LoginOut)
    else:
        assert code_of(finish) == "invalid_code"


def test_wrong_codes_and_recovery_codes_share_one_window(dev: DevWorld, secret: str, clock: Clock) -> None:
    deps = dev.deps
    token = second_step(deps).mfa_token
    for attempt in range(MAX_FAILURES):
        wrong = (
            MfaLoginIn(mfa_token=token, code="99999")
            if attempt % 2
            else MfaLoginIn(mfa_token=token, recovery_code="zzzz-zzzz-zzzz-zzzz")
        )
        assert code_of(partial(mfa_login.finish, deps, wrong)) == "invalid_code"
    right = MfaLoginIn(mfa_token=token, code=now_code(deps, secret))
    with pytest.raises(AppError) as raised:
        mfa_login.finish(deps, right)
    # the window opened with the confirming code's check (given back, not cleared), 30 seconds before
    assert (raised.value.code, raised.value.retry_after) == ("rate_limited", int(WINDOW.total_seconds()) - 30)
    clock.advance(seconds=WINDOW.total_seconds())
    token = second_step(deps).mfa_token  # the first one lived 5 minutes only
    assert isinstance(
        mfa_login.finish(deps, MfaLoginIn(mfa_token=token, code=now_code(deps, secret))), LoginOut
    )


def test_a_recovery_code_works_once(dev: DevWorld, secret: str) -> None:
    deps = dev.deps
    first = MfaLoginIn(mfa_token=second_step(deps).mfa_token, recovery_code=dev.recovery[0])
    done = mfa_login.finish(deps, first)
    assert deps.tokens.read(done.access_token, deps.now()).via == "recovery_code"
    again = MfaLoginIn(mfa_token=second_step(deps).mfa_token, recovery_code=dev.recovery[0])
    assert code_of(lambda: mfa_login.finish(deps, again)) == "invalid_code"


def test_the_mfa_token_expires_after_five_minutes(dev: DevWorld, secret: str, clock: Clock) -> None:
    deps = dev.deps
    token = second_step(deps).mfa_token
    clock.advance(seconds=timedelta(minutes=5).total_seconds())
    late = MfaLoginIn(mfa_token=token, code=now_code(deps, secret))
    assert code_of(lambda: mfa_login.finish(deps, late)) == "unauthenticated"


def test_a_passkey_registers_and_signs_in_alone_and_as_the_second_step(dev: DevWorld) -> None:
    deps = dev.deps
    key = SoftAuthenticator("https://portal.example.com")
    options = passkey_admin.options(deps, user(dev), PASSWORD, None, None)
    added = passkey_admin.register(deps, user(dev), "Laptop", key.create(options))
    assert [p.passkey_id for p in passkey_admin.listing(deps, user(dev)).items] == [added.passkey_id]
    assert user(dev).factors == {"passkey"}
    step = second_step(deps)
    assert step.methods == ["passkey"] and step.passkey_options is not None
    answer = key.get(step.passkey_options, "portal.example.com")
    done = mfa_login.finish(deps, MfaLoginIn(mfa_token=step.mfa_token, credential=answer))
    assert deps.tokens.read(done.access_token, deps.now()).via == "password+passkey"
    alone = mfa_login.passkey_sign_in(deps, key.get(mfa_login.passkey_options(deps), "portal.example.com"))
    assert deps.tokens.read(alone.access_token, deps.now()).via == "passkey"
    replayed = key.clone()
    replayed.sign_count -= 1  # the counter the last assertion used, again
    stale = replayed.get(mfa_login.passkey_options(deps), "portal.example.com")
    assert code_of(lambda: mfa_login.passkey_sign_in(deps, stale)) == "invalid_code"
