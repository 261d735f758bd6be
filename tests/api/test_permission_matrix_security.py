"""Who gets what on the routes issue 30 added outside an account (second factors, passkeys, sessions,
security events, the sign-in steps): one table, every row asserted for anonymity, a support session and the
user; and another user's passkey or session is not found."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

import app  # noqa: F401  (registers every route in ROUTES)
from chalicelib.api.routes import ROUTES
from tests.helpers import PASSWORD
from tests.helpers.authenticator import SoftAuthenticator
from tests.helpers.seed import seed_account, seed_member, seed_user

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api

ORIGIN = "https://portal.example.com"  # tests/helpers/settings.py PORTAL_URL
PREFIXES = (
    "/me/mfa",
    "/me/passkeys",
    "/me/sessions",
    "/me/security-events",
    "/auth/login/mfa",
    "/auth/passkey",
)
CREDENTIAL = {"id": "abc", "rawId": "abc", "type": "public-key", "response": {}}
# (method, path, who: "signed_in" (a token of one's own; no support session) or "public", body,
# what anonymity gets on a public route: (status, code))
MATRIX = [
    ("POST", "/me/mfa/totp", "signed_in", {"password": "not it"}, None),
    ("POST", "/me/mfa/totp/confirm", "signed_in", {"code": "123456"}, None),
    ("POST", "/me/mfa/totp/disable", "signed_in", {"password": "not it", "code": "123456"}, None),
    ("POST", "/me/passkeys/options", "signed_in", {"password": "not it"}, None),
    ("POST", "/me/passkeys", "signed_in", {"name": "Key", "credential": CREDENTIAL}, None),
    ("GET", "/me/passkeys", "signed_in", None, None),
    ("DELETE", "/me/passkeys/pky_unknown", "signed_in", {"password": "not it"}, None),
    ("GET", "/me/sessions", "signed_in", None, None),
    ("DELETE", "/me/sessions/ses_unknown", "signed_in", None, None),
    ("DELETE", "/me/sessions", "signed_in", None, None),
    ("GET", "/me/security-events", "signed_in", None, None),
    (
        "POST",
        "/auth/login/mfa",
        "public",
        {"mfa_token": "forged", "code": "123456"},
        (401, "unauthenticated"),
    ),
    ("POST", "/auth/passkey/options", "public", None, (200, None)),
    ("POST", "/auth/passkey", "public", {"credential": CREDENTIAL}, (401, "invalid_code")),
]
TEMPLATES = {
    "/me/passkeys/pky_unknown": "/me/passkeys/{passkey_id}",
    "/me/sessions/ses_unknown": "/me/sessions/{session_id}",
}


def test_the_table_covers_every_route_issue_30_added_outside_an_account() -> None:
    added = {(r.method, r.path) for r in ROUTES if r.path.startswith(PREFIXES)}
    assert added == {(method, TEMPLATES.get(path, path)) for method, path, *_ in MATRIX}


@pytest.fixture
def people(api: Api, deps: Deps) -> tuple[str, str]:
    """A signed-in user (a token of a real session) and a support session's token for an account's owner."""
    seed_user(deps, "ann@example.com")
    ann = api.post("/auth/login", {"email": "ann@example.com", "password": PASSWORD}).body["access_token"]
    account_id = seed_account(deps, "Matrix Co")
    owner = seed_member(deps, account_id, "owner@matrix.com", "owner")
    support = api.post(
        f"/accounts/{account_id}/support-sessions",
        {"user_id": owner, "reason": "The matrix checks who may do what"},
        operator=True,
    )
    assert support.status == 201, support.body
    return ann, support.body["access_token"]


@pytest.mark.parametrize(
    ("method", "path", "who", "body", "anonymous"), MATRIX, ids=[f"{m} {p}" for m, p, *_ in MATRIX]
)
def test_each_route_answers_anonymity_a_support_session_and_the_user_as_its_row_says(
    api: Api, people: tuple[str, str], method: str, path: str, who: str, body: Any, anonymous: object
) -> None:
    ann, support = people
    nobody = api.call(method, path, body)
    if who == "public":
        assert (nobody.status, nobody.code if nobody.status >= 400 else None) == anonymous, nobody.body
        return
    assert (nobody.status, nobody.code) == (401, "unauthenticated"), nobody.body
    helper = api.call(method, path, body, token=support)
    assert (helper.status, helper.code) == (403, "forbidden"), helper.body  # not the supported user's factors
    own = api.call(method, path, body, token=ann)
    assert own.status not in (401, 403), (own.status, own.body)  # past the guard: the route's own answer


def test_another_users_passkey_and_session_are_not_found_and_stay(api: Api, deps: Deps) -> None:
    seed_user(deps, "ann@example.com")
    seed_user(deps, "bob@example.com")
    ann = api.post("/auth/login", {"email": "ann@example.com", "password": PASSWORD}).body["access_token"]
    bob = api.post("/auth/login", {"email": "bob@example.com", "password": PASSWORD}).body["access_token"]
    options = api.post("/me/passkeys/options", {"password": PASSWORD}, token=bob).body
    key = SoftAuthenticator(ORIGIN)
    added = api.post("/me/passkeys", {"name": "Bob's", "credential": key.create(options)}, token=bob)
    assert added.status == 201, added.body
    (bobs_session,) = api.get("/me/sessions", token=bob).body["items"]
    passkey_id, session_id = added.body["passkey_id"], bobs_session["session_id"]
    gone = api.call("DELETE", f"/me/passkeys/{passkey_id}", {"password": PASSWORD}, token=ann)
    assert (gone.status, gone.code) == (404, "not_found")
    ended = api.call("DELETE", f"/me/sessions/{session_id}", token=ann)
    assert (ended.status, ended.code) == (404, "not_found")
    assert [p["passkey_id"] for p in api.get("/me/passkeys", token=bob).body["items"]] == [passkey_id]
    assert [s["session_id"] for s in api.get("/me/sessions", token=bob).body["items"]] == [session_id]
