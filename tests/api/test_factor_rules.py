"""No way around a second factor: accepting an invitation with the password alone, changing the password in
a session not started with the factor, and a password reset that would sign someone in."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import pyotp

from chalicelib.security.otp import step_of
from tests.helpers import PASSWORD
from tests.helpers.flows import invite, onboard
from tests.helpers.mail import link_token

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock, Joined

EMAIL = "ann@example.com"
NEW = "a brand new passphrase"


def with_totp(api: Api, deps: Deps, clock: Clock) -> tuple[Joined, str, str]:
    """An account's owner, and ann (a member there) with TOTP on: ann's secret and her password token."""
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, [EMAIL])
    accepted = api.post(
        "/invitations/accept",
        {"token": api.latest_link(EMAIL), "password": PASSWORD, "first_name": "Ann", "last_name": "A"},
    )
    token = accepted.body["access_token"]
    secret = api.post("/me/mfa/totp", {"password": PASSWORD}, token=token).body["secret"]
    code = pyotp.TOTP(secret).generate_otp(step_of(deps.now()))
    assert api.post("/me/mfa/totp/confirm", {"code": code}, token=token).status == 200
    clock.advance(seconds=30)
    return owner, secret, token


def mfa_token_login(api: Api, deps: Deps, secret: str) -> str:
    first = api.post("/auth/login", {"email": EMAIL, "password": PASSWORD}).body
    code = pyotp.TOTP(secret).generate_otp(step_of(deps.now()))
    reply = api.post("/auth/login/mfa", {"mfa_token": first["mfa_token"], "code": code})
    return cast("str", reply.body["access_token"])


def test_accepting_with_the_password_alone_is_refused_and_the_invitation_stays_usable(
    api: Api, deps: Deps, clock: Clock
) -> None:
    owner, secret, _ = with_totp(api, deps, clock)
    other_id, other_owner = onboard(api, "Beta Hosting", "owner@beta.com")
    invite(api, other_id, other_owner.token, [EMAIL])
    link = api.latest_link(EMAIL)
    refused = api.post("/invitations/accept", {"token": link, "password": PASSWORD})
    assert (refused.status, refused.code) == (403, "mfa_required")
    assert "access_token" not in refused.body
    token = mfa_token_login(api, deps, secret)
    accepted = api.post("/invitations/accept", {"token": link}, token=token)
    assert accepted.status == 201 and accepted.body["account_id"] == other_id


def test_a_password_change_needs_a_session_started_with_the_factor(
    api: Api, deps: Deps, clock: Clock
) -> None:
    _, secret, password_only = with_totp(api, deps, clock)  # signed in by accepting, before TOTP was on
    change = {"current_password": PASSWORD, "new_password": NEW}
    refused = api.post("/me/password", change, token=password_only)
    assert (refused.status, refused.code) == (403, "mfa_required")
    changed = api.post("/me/password", change, token=mfa_token_login(api, deps, secret))
    assert changed.status == 200
    again = api.post(
        "/me/password",
        {"current_password": NEW, "new_password": PASSWORD},
        token=changed.body["access_token"],
    )
    assert again.status == 200  # the new token goes on as the session was made: with the factor


def test_a_password_reset_signs_no_one_in_and_leaves_the_factor(api: Api, deps: Deps, clock: Clock) -> None:
    _, secret, _ = with_totp(api, deps, clock)
    assert api.post("/auth/password-reset", {"email": EMAIL}).status == 202
    reset = [m for m in api.outbox() if EMAIL in m.to and "password-reset#token=" in m.body][-1]
    confirmed = api.post("/auth/password-reset/confirm", {"token": link_token(reset), "new_password": NEW})
    assert confirmed.status == 204 and confirmed.body is None  # no token in the answer
    first = api.post("/auth/login", {"email": EMAIL, "password": NEW}).body
    assert first["mfa_required"] is True and "access_token" not in first
