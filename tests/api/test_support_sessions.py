"""Support sessions: a token that acts as one active member of one account, no more than that member may,
minus passwords, ownership, webhooks and support sessions; for an hour at most, ended at once on request;
every change it makes recorded as the operator's, and the owner told."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

import pytest

from chalicelib.api.route_guards import member_of
from chalicelib.api.routes import ROUTES, Route
from chalicelib.domain.support import SUPPORT_BARRED_SEGMENTS
from chalicelib.domain.wording import date_in_words
from chalicelib.store.models import format_time
from tests.helpers import PASSWORD, DynamoCalls, emails_to, invite, join, latest_link, onboard
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock, Joined, Reply

REASON = "Customer asked us to tidy their contacts"


def start(api: Api, account_id: str, user_id: str, reason: str = REASON) -> Reply:
    return api.post(
        f"/accounts/{account_id}/support-sessions", {"user_id": user_id, "reason": reason}, operator=True
    )


def events(api: Api, account_id: str, query: str = "") -> list[dict[str, Any]]:
    reply = api.get(f"/accounts/{account_id}/audit-events{query}", operator=True)
    assert reply.status == 200, reply.body
    return cast("list[dict[str, Any]]", reply.body["items"])


@pytest.fixture
def acme(api: Api) -> tuple[str, Joined, Joined]:
    account_id, owner = onboard(api)
    dave = join(api, account_id, owner.token, "dave@acme.com", permissions=["tickets", "contacts"])
    return account_id, owner, dave


@pytest.fixture
def session(api: Api, acme: tuple[str, Joined, Joined]) -> dict[str, Any]:
    account_id, _, dave = acme
    reply = start(api, account_id, dave.user_id)
    assert reply.status == 201, reply.body
    return cast("dict[str, Any]", reply.body)


def test_a_session_lasts_an_hour_emails_the_owner_and_is_recorded(
    api: Api, deps: Deps, clock: Clock, acme: tuple[str, Joined, Joined], session: dict[str, Any]
) -> None:
    account_id, owner, dave = acme
    assert session["expires_at"] == format_time(clock() + timedelta(hours=1))
    assert set(session) == {"access_token", "expires_at", "support_session_id"}
    told = emails_to(owner.email)[-1]
    assert "Support signed in" in told.subject and "Acme Hosting" in told.subject
    words = date_in_words(clock() + timedelta(hours=1))
    assert REASON in told.body and words in told.body and "New Person" in told.body
    assert emails_to(dave.email)[-1].subject != told.subject  # the member acted as is not the one told
    (started,) = events(api, account_id, "?type=support_session.started")
    assert started["actor"] == {
        "kind": "operator", "user_id": None, "email": None,
        "support_session_id": session["support_session_id"], "reason": REASON, "acting_as": dave.user_id,
    }  # fmt: skip
    assert started["target"] == {
        "kind": "support_session",
        "id": session["support_session_id"],
        "email": None,
    }
    stored = present(deps.store.support_sessions.get(account_id, session["support_session_id"]))
    assert stored.user_id == dave.user_id and stored.reason == REASON and stored.ended_at is None
    assert stored.ttl == stored.expires_at == clock() + timedelta(hours=1)
    assert session["access_token"] not in json.dumps(stored.attribute_values, default=str)  # never stored


def test_a_support_request_costs_the_one_authorizing_read(
    api: Api, acme: tuple[str, Joined, Joined], session: dict[str, Any]
) -> None:
    account_id, _, _ = acme
    with DynamoCalls() as calls:
        reply = api.get(f"/accounts/{account_id}", token=session["access_token"])
    assert reply.status == 200 and calls.operations == ["BatchGetItem"]


def test_the_token_does_what_the_member_can_and_no_more(
    api: Api, acme: tuple[str, Joined, Joined], session: dict[str, Any]
) -> None:
    account_id, owner, dave = acme
    token = session["access_token"]
    assert api.get(f"/accounts/{account_id}/contacts", token=token).status == 200
    assert api.get(f"/accounts/{account_id}/members/{dave.user_id}", token=token).status == 200  # self
    # dave holds neither user_management nor profile: nor does support acting as him
    assert api.get(f"/accounts/{account_id}/members", token=token).status == 403
    assert api.get(f"/accounts/{account_id}/members/{owner.user_id}", token=token).status == 403
    assert api.get(f"/accounts/{account_id}/audit-events", token=token).status == 403
    assert api.patch(f"/accounts/{account_id}", {"name": "Hijacked"}, token=token).status == 403
    assert api.post(f"/accounts/{account_id}/sub-accounts", {"name": "Shop"}, token=token).status == 403
    authorize = {"account_id": account_id, "permission": "tickets"}
    assert api.post("/authorize", authorize, token=token).body["allowed"] is True
    authorize["permission"] = "invoices"
    assert api.post("/authorize", authorize, token=token).body["reason"] == "missing_permission"


def test_a_change_made_with_it_is_the_operators_naming_the_session(
    api: Api, acme: tuple[str, Joined, Joined], session: dict[str, Any]
) -> None:
    account_id, _, dave = acme
    reply = api.post(
        f"/accounts/{account_id}/contacts", {"email": "bill@x.com"}, token=session["access_token"]
    )
    assert reply.status == 201, reply.body
    (created,) = events(api, account_id, "?type=contact.created")
    assert created["actor"] == {
        "kind": "operator", "user_id": None, "email": None,
        "support_session_id": session["support_session_id"], "reason": REASON, "acting_as": dave.user_id,
    }  # fmt: skip
    assert created["target"]["id"] == reply.body["contact_id"]
    # dave's own changes stay his: the support fields appear on the support session's alone
    api.post(f"/accounts/{account_id}/contacts", {"email": "ann@x.com"}, token=dave.token)
    mine = events(api, account_id, f"?actor_user_id={dave.user_id}&type=contact.created")
    assert [e["actor"] for e in mine] == [{"kind": "user", "user_id": dave.user_id, "email": dave.email}]


def test_passwords_ownership_and_support_sessions_are_refused(
    api: Api, acme: tuple[str, Joined, Joined]
) -> None:
    account_id, owner, _ = acme
    as_owner = start(api, account_id, owner.user_id).body
    token = as_owner["access_token"]
    assert api.get(f"/accounts/{account_id}/members", token=token).status == 200  # the owner's powers...
    change = {"current_password": PASSWORD, "new_password": "another-long-password"}
    refused = [
        api.post("/me/password", change, token=token),
        api.post(f"/accounts/{account_id}/ownership", {"user_id": owner.user_id}, token=token),
        api.post(
            f"/accounts/{account_id}/support-sessions",
            {"user_id": owner.user_id, "reason": REASON},
            token=token,
        ),
        api.delete(f"/accounts/{account_id}/support-sessions/{as_owner['support_session_id']}", token=token),
        api.patch("/me", {"first_name": "Support"}, token=token),  # the person's own, beyond the account
        api.post("/auth/logout", token=token),
        api.post("/invitations/accept", {"token": "x" * 43}, token=token),
    ]
    assert [(r.status, r.code) for r in refused] == [(403, "forbidden")] * len(refused)
    me = api.get("/me", token=token)
    assert me.status == 200 and me.body["user"]["user_id"] == owner.user_id  # reading /me is allowed
    assert api.post("/auth/login", {"email": owner.email, "password": PASSWORD}).status == 200  # unchanged


def test_which_routes_refuse_a_support_token() -> None:
    """Every route a support token is refused (403) on: the rule of the access layer, so routes added under
    a barred path (webhooks) inherit it."""
    import app  # noqa: F401  (the routes register as their modules load: this test may run first)

    refused = {(r.method, r.path) for r in ROUTES if r.access.security() is not None and not r.admits_support}
    barred = {
        (r.method, r.path)
        for r in ROUTES
        if r.access.security() is not None and SUPPORT_BARRED_SEGMENTS & set(r.path.split("/"))
    }  # a public route (the reset form) takes no token to refuse
    assert {
        ("POST", "/auth/logout"), ("PATCH", "/me"), ("POST", "/me/password"), ("POST", "/invitations/accept"),
        ("POST", "/accounts/{account_id}/ownership"), ("POST", "/accounts/{account_id}/owner-invitation"),
        ("POST", "/accounts/{account_id}/support-sessions"), ("POST", "/accounts"),
        ("DELETE", "/accounts/{account_id}/support-sessions/{support_session_id}"),
        ("GET", "/me/security-events"),
        # the member's own second factors: support never sees or changes them
        ("POST", "/me/mfa/totp"), ("POST", "/me/mfa/totp/confirm"), ("POST", "/me/mfa/totp/disable"),
        ("POST", "/me/passkeys/options"), ("POST", "/me/passkeys"), ("GET", "/me/passkeys"),
        ("DELETE", "/me/passkeys/{passkey_id}"),
        ("PUT", "/accounts/{account_id}/seats"),  # the plan is the operator's, not the customer's
        # brands are the operator's (issue 32)
        ("POST", "/brands"), ("GET", "/brands/{brand_id}"), ("PATCH", "/brands/{brand_id}"),
        ("DELETE", "/brands/{brand_id}"), ("PUT", "/brands/{brand_id}/logo"),
        # joining is the person's own act: a support session acts inside its account, never joins one
        ("GET", "/me/joinable-accounts"), ("POST", "/accounts/{account_id}/join"),
    } | barred == refused  # fmt: skip
    assert {("GET", "/me/sessions"), ("DELETE", "/me/sessions"), ("GET", "/accounts/{account_id}/security"),
            ("POST", "/accounts/{account_id}/members/{user_id}/sign-out")} <= barred  # fmt: skip
    webhook_like = "/accounts/{account_id}/webhooks/{webhook_id}/rotate-secret"
    route = Route("POST", webhook_like, "w", "w", member_of(), None, None, None, 200, ())
    assert not route.admits_support


def test_other_accounts_do_not_exist_for_it(
    api: Api, acme: tuple[str, Joined, Joined], session: dict[str, Any]
) -> None:
    account_id, _, _ = acme
    other_id, _ = onboard(api, "Elsewhere", "owner@elsewhere.com")
    token = session["access_token"]
    assert api.get(f"/accounts/{other_id}", token=token).status == 404
    assert api.get(f"/accounts/{other_id}/contacts", token=token).status == 404
    assert api.get(f"/accounts/{'acc_' + '0' * 24}", token=token).status == 404
    assert api.get("/accounts/nonsense", token=token).status == 404
    assert api.get("/accounts/nonsense/contacts", token=token).status == 404
    reply = api.post("/authorize", {"account_id": other_id, "permission": "tickets"}, token=token)
    assert reply.body == {"allowed": False, "role": None, "reason": "not_member"}
    assert api.get(f"/accounts/{account_id}", token=token).status == 200


def test_me_shows_only_its_account(
    api: Api, acme: tuple[str, Joined, Joined], session: dict[str, Any]
) -> None:
    account_id, owner, dave = acme
    other_id, stranger = onboard(api, "Elsewhere", "owner@elsewhere.com")
    invite(api, other_id, stranger.token, [dave.email])
    assert api.post("/invitations/accept", {"token": latest_link(dave.email)}, token=dave.token).status == 201
    assert {a["account_id"] for a in api.get("/me", token=dave.token).body["accounts"]} == {
        account_id,
        other_id,
    }
    with DynamoCalls() as calls:
        me = api.get("/me", token=session["access_token"])
    assert [a["account_id"] for a in me.body["accounts"]] == [account_id]
    assert me.body["user"]["user_id"] == dave.user_id and calls.operations == ["BatchGetItem"]


def test_it_stops_at_its_expiry(
    api: Api, clock: Clock, acme: tuple[str, Joined, Joined], session: dict[str, Any]
) -> None:
    account_id, _, _ = acme
    token = session["access_token"]
    clock.advance(minutes=59, seconds=59)
    assert api.get(f"/accounts/{account_id}", token=token).status == 200
    clock.advance(seconds=1)
    assert api.get(f"/accounts/{account_id}", token=token).status == 401
    assert api.get("/me", token=token).status == 401


def test_ending_it_stops_the_token_at_once(
    api: Api, acme: tuple[str, Joined, Joined], session: dict[str, Any]
) -> None:
    account_id, _, dave = acme
    token, session_id = session["access_token"], session["support_session_id"]
    path = f"/accounts/{account_id}/support-sessions/{session_id}"
    assert api.get(f"/accounts/{account_id}", token=token).status == 200
    assert api.delete(path, operator=True).status == 204
    assert api.get(f"/accounts/{account_id}", token=token).status == 401
    assert api.get("/me", token=token).status == 401
    assert (
        api.post("/authorize", {"account_id": account_id, "permission": "tickets"}, token=token).status == 401
    )
    assert api.delete(path, operator=True).status == 204  # ended already: nothing more happens
    (ended,) = events(api, account_id, "?type=support_session.ended")
    assert ended["actor"]["support_session_id"] == session_id and ended["actor"]["acting_as"] == dave.user_id
    assert api.get(f"/accounts/{account_id}", token=dave.token).status == 200  # dave's own token is his


def test_ending_needs_the_session_at_that_account(
    api: Api, acme: tuple[str, Joined, Joined], session: dict[str, Any]
) -> None:
    account_id, _, _ = acme
    other_id, _ = onboard(api, "Elsewhere", "owner@elsewhere.com")
    session_id = session["support_session_id"]
    assert api.delete(f"/accounts/{other_id}/support-sessions/{session_id}", operator=True).status == 404
    assert api.delete(f"/accounts/{account_id}/support-sessions/sup_{'0' * 24}", operator=True).status == 404
    assert api.delete(f"/accounts/{account_id}/support-sessions/nonsense", operator=True).status == 404
    assert api.get(f"/accounts/{account_id}", token=session["access_token"]).status == 200


def test_only_an_active_member_can_be_acted_as(api: Api, acme: tuple[str, Joined, Joined]) -> None:
    account_id, owner, dave = acme
    other_id, stranger = onboard(api, "Elsewhere", "owner@elsewhere.com")
    assert start(api, account_id, stranger.user_id).status == 404  # a member elsewhere
    assert start(api, account_id, f"usr_{'0' * 24}").status == 404
    assert start(api, account_id, "nonsense").status == 404
    assert start(api, f"acc_{'0' * 24}", dave.user_id).status == 404
    assert start(api, account_id, dave.user_id, "too short").status == 400
    assert start(api, account_id, dave.user_id, "x" * 501).status == 400
    assert (
        api.post(f"/accounts/{account_id}/members/{dave.user_id}/deactivate", token=owner.token).status == 200
    )
    reply = start(api, account_id, dave.user_id)
    assert (reply.status, reply.code) == (409, "member_deactivated")
    assert events(api, account_id, "?type=support_session.started") == []
    missing = api.post(f"/accounts/{account_id}/support-sessions", {"user_id": dave.user_id}, operator=True)
    assert missing.status == 400


def test_deactivating_the_member_ends_what_it_can_do(
    api: Api, acme: tuple[str, Joined, Joined], session: dict[str, Any]
) -> None:
    account_id, owner, dave = acme
    token = session["access_token"]
    assert (
        api.post(f"/accounts/{account_id}/members/{dave.user_id}/deactivate", token=owner.token).status == 200
    )
    assert api.get(f"/accounts/{account_id}", token=token).status == 401
    assert api.get("/me", token=token).status == 401
    assert (
        api.post(f"/accounts/{account_id}/members/{dave.user_id}/reactivate", token=owner.token).status == 200
    )
    assert api.get(f"/accounts/{account_id}", token=token).status == 200  # still within its hour


def test_a_member_cannot_start_one(api: Api, acme: tuple[str, Joined, Joined]) -> None:
    account_id, owner, dave = acme
    body = {"user_id": dave.user_id, "reason": REASON}
    assert api.post(f"/accounts/{account_id}/support-sessions", body, token=owner.token).status == 403
    assert api.post(f"/accounts/{account_id}/support-sessions", body).status == 401


def test_the_members_password_change_ends_it(
    api: Api, acme: tuple[str, Joined, Joined], session: dict[str, Any]
) -> None:
    account_id, _, dave = acme
    change = {"current_password": PASSWORD, "new_password": "another-long-password"}
    assert api.post("/me/password", change, token=dave.token).status == 200
    assert api.get(f"/accounts/{account_id}", token=session["access_token"]).status == 401


def test_starting_and_ending_cost(api: Api, acme: tuple[str, Joined, Joined]) -> None:
    account_id, _, dave = acme
    with DynamoCalls() as calls:
        started = start(api, account_id, dave.user_id)
    assert started.status == 201
    # the account with its member-count shards (operator), the member, their user and the owner, then the
    # session with its event and the owner's email in the outbox (its worker sends it: no write after)
    assert calls.operations == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]
    with DynamoCalls() as calls:
        path = f"/accounts/{account_id}/support-sessions/{started.body['support_session_id']}"
        assert api.delete(path, operator=True).status == 204
    assert calls.operations == ["BatchGetItem", "GetItem", "TransactWriteItems"]


def test_a_session_hands_out_no_power_that_outlives_it(api: Api, acme: tuple[str, Joined, Joined]) -> None:
    """Issue 25, item 5: acting as the owner, a session may invite and edit plain members, but may not make
    an admin (by invitation or by a change of role) nor send a member a password reset link."""
    account_id, owner, dave = acme
    token = start(api, account_id, owner.user_id).body["access_token"]
    invitations = f"/accounts/{account_id}/invitations"
    as_admin = api.post(invitations, {"emails": ["boss@acme.com"], "role": "admin"}, token=token)
    assert as_admin.status == 403 and as_admin.code == "forbidden"
    plain = api.post(invitations, {"emails": ["new@acme.com"], "permissions": ["tickets"]}, token=token)
    assert plain.status == 200 and plain.body["results"][0]["status"] == "invited"
    member = f"/accounts/{account_id}/members/{dave.user_id}"
    promoted = api.patch(member, {"role": "admin"}, token=token)
    assert promoted.status == 403 and promoted.code == "forbidden"
    assert api.patch(member, {"permissions": ["tickets"]}, token=token).status == 200
    reset = api.post(f"{member}/password-reset", token=token)
    assert reset.status == 403 and reset.code == "forbidden"
    assert api.get(member, token=owner.token).body["role"] == "member"
    assert api.post(f"{member}/password-reset", token=owner.token).status == 202
