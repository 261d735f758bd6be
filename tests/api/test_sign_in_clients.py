"""The sessions started by the second step (/auth/login/mfa) and by a passkey alone (/auth/passkey) record
the client's address and user agent as the password login's do, and their sign-in events say where from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyotp

from chalicelib.security.otp import step_of
from tests.helpers import PASSWORD
from tests.helpers.authenticator import SoftAuthenticator
from tests.helpers.seed import seed_user

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock

EMAIL = "ann@example.com"
ORIGIN, RP_ID = "https://portal.example.com", "portal.example.com"  # tests/helpers/settings.py PORTAL_URL


def _as(agent: str) -> dict[str, str]:
    return {"User-Agent": agent}


def _password_login(api: Api, agent: str) -> Any:
    reply = api.call("POST", "/auth/login", {"email": EMAIL, "password": PASSWORD}, headers=_as(agent))
    assert reply.status == 200, reply.body
    return reply.body


def _newest(api: Api, token: str) -> tuple[Any, Any]:
    """The token's own session and the newest sign-in event, as listed."""
    sessions = api.get("/me/sessions", token=token).body["items"]
    (mine,) = [s for s in sessions if s["current"]]
    events = api.get("/me/security-events", token=token).body["items"]
    return mine, next(e for e in events if e["type"] == "signed_in")


def test_the_second_step_records_where_the_client_signed_in_from(api: Api, deps: Deps, clock: Clock) -> None:
    seed_user(deps, EMAIL)
    token = _password_login(api, "Firefox/130")["access_token"]
    password = _newest(api, token)[0]
    secret = api.post("/me/mfa/totp", {"password": PASSWORD}, token=token).body["secret"]
    code = pyotp.TOTP(secret).generate_otp(step_of(deps.now()))
    assert api.post("/me/mfa/totp/confirm", {"code": code}, token=token).status == 200
    clock.advance(seconds=30)
    first = _password_login(api, "Mobile Safari/17")
    code = pyotp.TOTP(secret).generate_otp(step_of(deps.now()))
    body = {"mfa_token": first["mfa_token"], "code": code}
    done = api.call("POST", "/auth/login/mfa", body, headers=_as("Mobile Safari/17"))
    assert done.status == 200, done.body
    session, event = _newest(api, done.body["access_token"])
    assert (session["via"], session["user_agent"]) == ("password+totp", "Mobile Safari/17")
    assert session["ip"] == password["ip"]  # the address the password login records, however the gateway
    assert (event["via"], event["user_agent"], event["ip"]) == (
        "password+totp",
        "Mobile Safari/17",
        session["ip"],
    )


def test_a_passkey_sign_in_records_where_the_client_signed_in_from(api: Api, deps: Deps) -> None:
    seed_user(deps, EMAIL)
    token = _password_login(api, "Firefox/130")["access_token"]
    password = _newest(api, token)[0]
    key = SoftAuthenticator(ORIGIN)
    options = api.post("/me/passkeys/options", {"password": PASSWORD}, token=token).body
    assert (
        api.post("/me/passkeys", {"name": "Laptop", "credential": key.create(options)}, token=token).status
        == 201
    )
    answer = key.get(api.post("/auth/passkey/options").body, RP_ID)
    done = api.call("POST", "/auth/passkey", {"credential": answer}, headers=_as("Chrome/131"))
    assert done.status == 200, done.body
    session, event = _newest(api, done.body["access_token"])
    assert (session["via"], session["user_agent"], session["ip"]) == ("passkey", "Chrome/131", password["ip"])
    assert (event["via"], event["user_agent"]) == ("passkey", "Chrome/131")
