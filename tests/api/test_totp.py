"""Two-step sign-in with an app: setup, confirmation, the login's second step, replay, drift, lockout,
recovery codes, the mfa_token's single use and lifetime, and turning it off."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pyotp
import pytest

from chalicelib.security.otp import step_of
from chalicelib.services.factor_checks import matched_step, spend_recovery_code
from tests.helpers import PASSWORD, DynamoCalls, invite, latest_link, onboard
from tests.helpers.present import present
from tests.helpers.seed import seed_user

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.schemas.sessions import LoginOut
    from chalicelib.store.models import TotpItem
    from tests.helpers import Api, Clock, Reply

EMAIL = "ann@example.com"


def login(api: Api, password: str = PASSWORD) -> Reply:
    return api.post("/auth/login", {"email": EMAIL, "password": password})


def code(secret: str, deps: Deps, steps: int = 0) -> str:
    return pyotp.TOTP(secret).generate_otp(step_of(deps.now()) + steps)


def wrong_code(secret: str, deps: Deps) -> str:
    """A code that no step within the accepted drift has."""
    near = {code(secret, deps, steps) for steps in (-1, 0, 1)}
    return next(c for c in ("000000", "000001", "000002", "000003") if c not in near)


def enrol(api: Api, deps: Deps, clock: Clock) -> tuple[str, list[str], str]:
    """TOTP on for ann: her secret, her recovery codes, and a token of the session that turned it on."""
    seed_user(deps, EMAIL)
    token = login(api).body["access_token"]
    setup = api.post("/me/mfa/totp", {"password": PASSWORD}, token=token)
    assert setup.status == 200
    secret = setup.body["secret"]
    assert setup.body["otpauth_uri"].startswith("otpauth://totp/")
    assert f"secret={secret}" in setup.body["otpauth_uri"]
    assert setup.body["qr_svg"].startswith("<svg")
    confirmed = api.post("/me/mfa/totp/confirm", {"code": code(secret, deps)}, token=token)
    assert confirmed.status == 200
    assert api.get("/me", token=token).body["user"]["second_factors"] == ["totp"]
    clock.advance(seconds=30)  # the confirming code's step is used
    return secret, confirmed.body["recovery_codes"], token


def test_setup_needs_the_password_and_confirming_gives_ten_codes_and_an_email(
    api: Api, deps: Deps, clock: Clock
) -> None:
    seed_user(deps, EMAIL)
    token = login(api).body["access_token"]
    wrong = api.post("/me/mfa/totp", {"password": "not the password"}, token=token)
    assert (wrong.status, wrong.code) == (400, "invalid_code")  # a 401 would sign the person out
    setup = api.post("/me/mfa/totp", {"password": PASSWORD}, token=token)
    bad = api.post("/me/mfa/totp/confirm", {"code": wrong_code(setup.body["secret"], deps)}, token=token)
    assert (bad.status, bad.code) == (400, "invalid_code")
    assert login(api).body.get("access_token")  # not on until confirmed
    confirmed = api.post("/me/mfa/totp/confirm", {"code": code(setup.body["secret"], deps)}, token=token)
    codes = confirmed.body["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert any("authenticator app was turned on" in m.subject for m in api.outbox() if EMAIL in m.to)
    again = api.post("/me/mfa/totp", {"password": PASSWORD}, token=token)
    assert (again.status, again.code) == (409, "conflict")


def test_login_asks_for_the_second_step_and_a_code_finishes_it_once(
    api: Api, deps: Deps, clock: Clock
) -> None:
    secret, _, _ = enrol(api, deps, clock)
    first = login(api)
    assert first.status == 200
    assert first.body["mfa_required"] is True and "access_token" not in first.body
    assert first.body["methods"] == ["totp", "recovery_code"]
    right = code(secret, deps)
    done = api.post("/auth/login/mfa", {"mfa_token": first.body["mfa_token"], "code": right})
    assert done.status == 200 and done.body["user"]["email"] == EMAIL
    me = api.get("/me", token=done.body["access_token"])
    assert me.status == 200
    used = api.post("/auth/login/mfa", {"mfa_token": first.body["mfa_token"], "code": right})
    assert (used.status, used.code) == (401, "unauthenticated")  # the token worked once
    replay = api.post("/auth/login/mfa", {"mfa_token": login(api).body["mfa_token"], "code": right})
    assert (replay.status, replay.code) == (401, "invalid_code")  # the code worked once too


def test_a_code_one_step_either_side_is_accepted_two_is_not(api: Api, deps: Deps, clock: Clock) -> None:
    secret, _, _ = enrol(api, deps, clock)
    for steps, status in ((-2, 401), (2, 401), (-1, 200), (1, 200)):
        clock.advance(seconds=90)  # a fresh step each round: replay is not what is tested here
        token = login(api).body["mfa_token"]
        answer = api.post("/auth/login/mfa", {"mfa_token": token, "code": code(secret, deps, steps)})
        assert answer.status == status, steps


def test_a_wrong_code_leaves_the_token_usable_and_five_lock_the_user(
    api: Api, deps: Deps, clock: Clock
) -> None:
    secret, recovery, _ = enrol(api, deps, clock)
    token = login(api).body["mfa_token"]
    for _ in range(3):
        assert api.post("/auth/login/mfa", {"mfa_token": token, "code": "12345"}).code == "invalid_code"
    wrong = api.post("/auth/login/mfa", {"mfa_token": token, "recovery_code": "aaaa-bbbb-cccc-dddd"})
    assert wrong.code == "invalid_code"  # recovery codes count on the same window
    other = login(api).body["mfa_token"]  # a new token does not start the count again
    assert api.post("/auth/login/mfa", {"mfa_token": other, "code": "12345"}).code == "invalid_code"
    locked = api.post("/auth/login/mfa", {"mfa_token": token, "code": code(secret, deps)})
    assert (locked.status, locked.code) == (429, "rate_limited")
    assert api.post("/auth/login/mfa", {"mfa_token": token, "recovery_code": recovery[0]}).status == 429
    clock.advance(minutes=15)
    token = login(api).body["mfa_token"]
    assert api.post("/auth/login/mfa", {"mfa_token": token, "code": code(secret, deps)}).status == 200


def test_a_recovery_code_signs_in_once(api: Api, deps: Deps, clock: Clock) -> None:
    _, recovery, _ = enrol(api, deps, clock)
    token = login(api).body["mfa_token"]
    done = api.post("/auth/login/mfa", {"mfa_token": token, "recovery_code": recovery[0].upper()})
    assert done.status == 200
    again = api.post(
        "/auth/login/mfa", {"mfa_token": login(api).body["mfa_token"], "recovery_code": recovery[0]}
    )
    assert (again.status, again.code) == (401, "invalid_code")
    other = api.post(
        "/auth/login/mfa", {"mfa_token": login(api).body["mfa_token"], "recovery_code": recovery[1]}
    )
    assert other.status == 200


def test_a_used_recovery_code_is_its_own_security_event_and_emails_how_many_are_left(
    api: Api, deps: Deps, clock: Clock
) -> None:
    """Not `factor_removed`: nothing was turned off. The email comes from the code's own use and says how
    many codes remain (10 at first); a wrong code writes neither."""
    _, recovery, token = enrol(api, deps, clock)
    before = len(api.emails_to(EMAIL))
    wrong = api.post(
        "/auth/login/mfa", {"mfa_token": login(api).body["mfa_token"], "recovery_code": "aaaa-bbbb-cccc-dddd"}
    )
    assert wrong.code == "invalid_code" and len(api.emails_to(EMAIL)) == before
    for used, left in ((recovery[0], "9"), (recovery[1], "8")):
        step = api.post("/auth/login/mfa", {"mfa_token": login(api).body["mfa_token"], "recovery_code": used})
        assert step.status == 200, step.body
        told = api.emails_to(EMAIL)[-1]
        assert f"A recovery code was used to sign in ({left} recovery codes left)" in told.subject
        assert f"{left} recovery codes left" in told.body
    assert len(api.emails_to(EMAIL)) == before + 2
    events = api.get("/me/security-events", token=token).body["items"]
    used_events = [(e["type"], e["detail"], e["via"]) for e in events if e["type"] != "signed_in"]
    assert used_events[:2] == [("recovery_code_used", "8 left", None), ("recovery_code_used", "9 left", None)]
    assert "factor_removed" not in [e["type"] for e in events]


def test_the_last_recovery_code_says_none_are_left(api: Api, deps: Deps, clock: Clock) -> None:
    _, recovery, _ = enrol(api, deps, clock)
    for used in recovery:
        step = api.post("/auth/login/mfa", {"mfa_token": login(api).body["mfa_token"], "recovery_code": used})
        assert step.status == 200, step.body
        # each step's notice as the worker sends it (one run sends what is due at once, in any order)
        told = api.emails_to(EMAIL)[-1].subject
    assert "(no recovery codes are left)" in told


def test_the_mfa_token_lives_five_minutes_and_an_unknown_one_is_refused(
    api: Api, deps: Deps, clock: Clock
) -> None:
    secret, _, _ = enrol(api, deps, clock)
    token = login(api).body["mfa_token"]
    clock.advance(minutes=5, seconds=1)
    late = api.post("/auth/login/mfa", {"mfa_token": token, "code": code(secret, deps)})
    assert (late.status, late.code) == (401, "unauthenticated")
    forged = api.post("/auth/login/mfa", {"mfa_token": "made-up", "code": code(secret, deps)})
    assert (forged.status, forged.code) == (401, "unauthenticated")


def test_turning_it_off_needs_the_password_and_a_code_and_login_is_one_step_again(
    api: Api, deps: Deps, clock: Clock
) -> None:
    secret, _, token = enrol(api, deps, clock)
    wrong = api.post(
        "/me/mfa/totp/disable", {"password": PASSWORD, "code": wrong_code(secret, deps)}, token=token
    )
    assert (wrong.status, wrong.code) == (400, "invalid_code")
    bad_password = api.post(
        "/me/mfa/totp/disable", {"password": "nope", "code": code(secret, deps)}, token=token
    )
    assert (bad_password.status, bad_password.code) == (400, "invalid_code")
    clock.advance(seconds=30)
    off = api.post("/me/mfa/totp/disable", {"password": PASSWORD, "code": code(secret, deps)}, token=token)
    assert off.status == 204
    assert "access_token" in login(api).body
    assert any("turned off" in m.subject for m in api.outbox() if EMAIL in m.to)


def test_one_code_with_two_mfa_tokens_at_once_signs_in_once_and_spends_only_the_winners_token(
    api: Api, deps: Deps, clock: Clock
) -> None:
    """The code's step and the mfa_token are used up in the sign-in's one transaction: the request that
    loses the step gets `invalid_code`, writes no session, and its mfa_token stays usable for a later code."""
    from chalicelib.schemas.factors import MfaLoginIn
    from chalicelib.services import mfa_login
    from tests.helpers.concurrency import run_together

    secret, _, token = enrol(api, deps, clock)
    tokens = [login(api).body["mfa_token"] for _ in range(2)]
    same = code(secret, deps)
    before = len(api.get("/me/sessions", token=token).body["items"])

    def attempt(mfa_token: str) -> Callable[[], str]:
        return lambda: mfa_login.finish(deps, MfaLoginIn(mfa_token=mfa_token, code=same)).user.email

    outcomes = run_together(attempt(tokens[0]), attempt(tokens[1]))
    assert sorted(outcomes) == sorted([EMAIL, "invalid_code"])
    assert len(api.get("/me/sessions", token=token).body["items"]) == before + 1
    loser = tokens[outcomes.index("invalid_code")]
    clock.advance(seconds=30)
    assert api.post("/auth/login/mfa", {"mfa_token": loser, "code": code(secret, deps)}).status == 200


def test_a_code_is_not_spent_on_an_mfa_token_another_request_used_at_the_same_moment(
    api: Api, deps: Deps, clock: Clock
) -> None:
    """One mfa_token, a TOTP code and a recovery code at once: one signs in; the other's code is still
    usable, because its use and the token's commit together or not at all (separate writes burnt it)."""
    from chalicelib.schemas.factors import MfaLoginIn
    from chalicelib.services import mfa_login
    from tests.helpers.concurrency import run_together

    secret, recovery, _ = enrol(api, deps, clock)
    token, totp_code = login(api).body["mfa_token"], code(secret, deps)
    bodies = [
        MfaLoginIn(mfa_token=token, code=totp_code),
        MfaLoginIn(mfa_token=token, recovery_code=recovery[0]),
    ]
    outcomes = run_together(*[lambda body=body: mfa_login.finish(deps, body).user.email for body in bodies])
    assert sorted(outcomes) == sorted([EMAIL, "unauthenticated"])  # the loser's step was used: sign in again
    again = bodies[outcomes.index("unauthenticated")].model_dump(exclude_none=True)
    again["mfa_token"] = login(api).body["mfa_token"]
    assert api.post("/auth/login/mfa", again).status == 200  # its code was not spent


def test_twenty_wrong_codes_at_once_check_at_most_five(
    api: Api, deps: Deps, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.errors import AppError
    from chalicelib.schemas.factors import MfaLoginIn
    from chalicelib.services import factor_checks, mfa_login
    from tests.helpers.concurrency import run_together

    secret, _, _ = enrol(api, deps, clock)
    token = login(api).body["mfa_token"]
    checked = []
    real_step = factor_checks.totp_step

    def counting_step(deps: Deps, totp: TotpItem, code: str) -> Any:
        checked.append(code)
        return real_step(deps, totp, code)

    monkeypatch.setattr(factor_checks, "totp_step", counting_step)
    wrong = wrong_code(secret, deps)

    def attempt() -> LoginOut | str:
        try:
            return mfa_login.finish(deps, MfaLoginIn(mfa_token=token, code=wrong))
        except AppError as error:
            return error.code

    outcomes = run_together(*[attempt] * 20)
    assert 1 <= len(checked) <= 5
    assert outcomes.count("invalid_code") == len(checked)
    assert outcomes.count("rate_limited") == 20 - len(checked)


def test_the_round_trips_of_a_login_with_and_without_a_second_factor(
    api: Api, deps: Deps, clock: Clock
) -> None:
    """Without a factor, login is as it was (the factor rides on the user item it reads anyway); with one,
    the password step reads as a login does and writes the mfa_token (with the login it names, on the
    user's code window) instead of the login's write, and the second step counts the check first (it hands
    back that login), reads the token with the factor and the login, then signs in as login does, the
    code's step, the check given back and the token spent riding the login's one write (a login in no
    account lists by the index: 5 round trips here either way; in an account, 3: the next test), where
    separate reads and writes made it 10."""
    from tests.helpers import DynamoCalls

    seed_user(deps, "plain@example.com")
    with DynamoCalls() as plain:
        assert (
            "access_token"
            in api.post("/auth/login", {"email": "plain@example.com", "password": PASSWORD}).body
        )
    secret, _, _ = enrol(api, deps, clock)
    with DynamoCalls() as first:
        token = login(api).body["mfa_token"]
    with DynamoCalls() as second:
        done = api.post("/auth/login/mfa", {"mfa_token": token, "code": code(secret, deps)})
    assert done.status == 200
    # no login write: the token and the login it names on the code window instead, in one transaction
    assert first.operations == [*plain.operations[:-1], "TransactWriteItems"]
    assert plain.operations[:2] == ["UpdateItem", "BatchGetItem"]
    assert (
        second.operations
        == [
            "UpdateItem",  # the check counted before anything is read: it hands back the login to read
            "BatchGetItem",  # the mfa_token's item, the TOTP, the recovery codes and the login
            *plain.operations[2:],  # the accounts' first page and the login's write, as without a factor
        ]
    )
    assert second.operations[-1] == "TransactWriteItems"  # with the step, the give-back and the token in it
    assert second.read_twice == []


def test_the_second_step_reads_the_accounts_page_with_the_factor(api: Api, deps: Deps, clock: Clock) -> None:
    """The code check counted first (on the user the signed mfa_token names; it hands back the login the
    password step named), then the token's item with the factor, the login and the page of the accounts
    the password step saw (one BatchGetItem), and the sign-in's one write: 3 round trips (was 4)."""
    account_id, owner = onboard(api, "Acme Hosting", EMAIL)  # in an account: its page is read by key
    secret = api.post("/me/mfa/totp", {"password": PASSWORD}, token=owner.token).body["secret"]
    assert api.post("/me/mfa/totp/confirm", {"code": code(secret, deps)}, token=owner.token).status == 200
    clock.advance(seconds=30)
    first = login(api).body
    with DynamoCalls() as calls:
        done = api.post("/auth/login/mfa", {"mfa_token": first["mfa_token"], "code": code(secret, deps)})
    assert done.status == 200 and [a["account_id"] for a in done.body["accounts"]] == [account_id]
    assert calls.operations == ["UpdateItem", "BatchGetItem", "TransactWriteItems"]
    assert calls.read_twice == []


def test_a_second_step_after_the_accounts_changed_reads_the_page_again(
    api: Api, deps: Deps, clock: Clock
) -> None:
    """The accounts the mfa_token names are a hint: joined meanwhile, the login's own list decides."""
    account_id, owner = onboard(api, "Acme Hosting", EMAIL)
    secret = api.post("/me/mfa/totp", {"password": PASSWORD}, token=owner.token).body["secret"]
    assert api.post("/me/mfa/totp/confirm", {"code": code(secret, deps)}, token=owner.token).status == 200
    clock.advance(seconds=30)
    first = login(api).body  # the step taken below, after ann joined another account
    signed = api.post(
        "/auth/login/mfa", {"mfa_token": login(api).body["mfa_token"], "code": code(secret, deps)}
    )
    clock.advance(seconds=30)
    other_id, other = onboard(api, "Other Co", "other@example.com")
    invite(api, other_id, other.token, [EMAIL])
    accepted = api.post(
        "/invitations/accept", {"token": latest_link(EMAIL)}, token=signed.body["access_token"]
    )
    assert accepted.status == 201, accepted.body
    with DynamoCalls() as calls:
        done = api.post("/auth/login/mfa", {"mfa_token": first["mfa_token"], "code": code(secret, deps)})
    assert done.status == 200
    assert sorted(a["account_id"] for a in done.body["accounts"]) == sorted([account_id, other_id])
    assert calls.operations == ["UpdateItem", "BatchGetItem", "BatchGetItem", "TransactWriteItems"]


def test_the_password_step_is_three_round_trips(api: Api, deps: Deps, clock: Clock) -> None:
    """The check counted (it says where the email leads: turning the factor on checked the password and
    cleared the window, not where it leads), the login with the profile and the accounts' page, and the
    mfa_token written with the login it names on the user's code window (one transaction): 3 round trips."""
    account_id, owner = onboard(api, "Acme Hosting", EMAIL)
    secret = api.post("/me/mfa/totp", {"password": PASSWORD}, token=owner.token).body["secret"]
    assert api.post("/me/mfa/totp/confirm", {"code": code(secret, deps)}, token=owner.token).status == 200
    with DynamoCalls() as calls:
        first = login(api).body
    assert first["methods"] == ["totp", "recovery_code"] and first["mfa_token"]
    assert calls.operations == ["UpdateItem", "BatchGetItem", "TransactWriteItems"]
    assert calls.read_twice == []
    clock.advance(seconds=30)
    done = api.post("/auth/login/mfa", {"mfa_token": first["mfa_token"], "code": code(secret, deps)})
    assert done.status == 200 and [a["account_id"] for a in done.body["accounts"]] == [account_id]


def test_a_forged_or_altered_mfa_token_answers_as_an_expired_one_and_counts_against_no_one(
    api: Api, deps: Deps, clock: Clock
) -> None:
    """The mfa_token is signed with its user and expiry: one we did not sign (made up, of the old unsigned
    shape, its user swapped for another's, its signature or expiry changed) is refused as an expired one
    is, before any call, so a stranger cannot spend anyone's code window (no lockout of another user's
    second step)."""
    import base64

    secret, _, _ = enrol(api, deps, clock)
    victim_id = present(deps.store.users.login_state(EMAIL)[0]).user_id
    real = login(api).body["mfa_token"]
    user_part, expiry, nonce, mac = real.split(".")
    other = base64.urlsafe_b64encode(b"usr_000000000000000000000000").rstrip(b"=").decode()
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    forged = {
        "made up": "made-up",
        "unsigned, as before": "x" * 43,
        "another user": f"{other}.{expiry}.{nonce}.{mac}",
        "signature changed": f"{user_part}.{expiry}.{nonce}.{flipped}",
        "expiry moved on": f"{user_part}.{int(expiry) + 3600}.{nonce}.{mac}",
        "no signature": f"{user_part}.{expiry}.{nonce}",
    }
    clock.advance(minutes=5, seconds=1)
    late = login(api).body["mfa_token"]  # issued now, sent below once its 5 minutes are over
    clock.advance(minutes=5, seconds=1)
    before = deps.store.factors.state(victim_id).failures  # as confirming the app left it
    answers = {}
    for name, token in {**forged, "expired": late}.items():
        for body in ({"code": "123456"}, {"recovery_code": "aaaa-bbbb-cccc-dddd"}):
            with DynamoCalls() as calls:
                answer = api.post("/auth/login/mfa", {"mfa_token": token, **body})
            answers[name, tuple(body)] = (answer.status, answer.code, answer.body["error"]["message"])
            assert calls.operations == [], name  # nothing read, nothing counted
    assert set(answers.values()) == {(401, "unauthenticated", answers["expired", ("code",)][2])}
    assert deps.store.factors.state(victim_id).failures == before  # ann's window: nothing counted
    fresh = login(api).body["mfa_token"]  # and her own step works as ever
    assert api.post("/auth/login/mfa", {"mfa_token": fresh, "code": code(secret, deps)}).status == 200


def test_a_used_mfa_token_gives_back_the_check_it_counted(api: Api, deps: Deps, clock: Clock) -> None:
    """A token we signed is counted on before its item is read; once used (or gone), its check was not
    made and is given back, so replaying one within its 5 minutes locks no one out."""
    secret, _, _ = enrol(api, deps, clock)
    token = login(api).body["mfa_token"]
    assert api.post("/auth/login/mfa", {"mfa_token": token, "code": code(secret, deps)}).status == 200
    user_id = present(deps.store.users.login_state(EMAIL)[0]).user_id
    before = deps.store.factors.state(user_id).failures
    for _ in range(8):
        replay = api.post("/auth/login/mfa", {"mfa_token": token, "code": "123456"})
        assert (replay.status, replay.code) == (401, "unauthenticated")
    assert deps.store.factors.state(user_id).failures == before
    clock.advance(seconds=30)
    fresh = login(api).body["mfa_token"]
    assert api.post("/auth/login/mfa", {"mfa_token": fresh, "code": code(secret, deps)}).status == 200


def test_wrong_codes_through_many_tokens_at_once_check_at_most_five_per_window(
    api: Api, deps: Deps, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window is the user's, not the token's: twenty wrong TOTP and recovery codes sent at once through
    four mfa_tokens check at most five between them; the rest are refused (429) unchecked, and the right
    code waits for the window to pass."""
    from chalicelib.errors import AppError
    from chalicelib.schemas.factors import MfaLoginIn
    from chalicelib.services import mfa_login
    from tests.helpers.concurrency import run_together

    secret, _, _ = enrol(api, deps, clock)
    tokens = [login(api).body["mfa_token"] for _ in range(4)]
    checked: list[str] = []
    real_step, real_recovery = matched_step, spend_recovery_code  # the ones mfa_login calls, patched below

    def counting_step(*args: Any) -> int:
        checked.append("code")
        return real_step(*args)

    def counting_recovery(*args: Any) -> Any:
        checked.append("recovery_code")
        return real_recovery(*args)

    monkeypatch.setattr(mfa_login, "matched_step", counting_step)
    monkeypatch.setattr(mfa_login, "spend_recovery_code", counting_recovery)
    wrong = wrong_code(secret, deps)

    def attempt(index: int) -> LoginOut | str:
        body: dict[str, Any] = {"code": wrong} if index % 2 else {"recovery_code": "aaaa-bbbb-cccc-dddd"}
        try:
            return mfa_login.finish(deps, MfaLoginIn(mfa_token=tokens[index % 4], **body))
        except AppError as error:
            return error.code

    outcomes = run_together(*[lambda index=index: attempt(index) for index in range(20)])
    # each request takes a number in the window before its check: those numbered 1 to 5 are checked
    assert len(checked) == 5 and outcomes.count("invalid_code") == 5
    assert outcomes.count("rate_limited") == 15
    locked = api.post("/auth/login/mfa", {"mfa_token": tokens[1], "code": code(secret, deps)})
    assert (locked.status, locked.code) == (429, "rate_limited")
    clock.advance(minutes=15)
    fresh = login(api).body["mfa_token"]
    assert api.post("/auth/login/mfa", {"mfa_token": fresh, "code": code(secret, deps)}).status == 200
