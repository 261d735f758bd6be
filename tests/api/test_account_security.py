"""Each account's security (issue 30): an admin's sign-out of a member at this account only, and the
second-factor policy (off / admins / all, a grace, 403 mfa_required after 401 and 404, before forbidden),
with their audit events; other accounts of the same login are not affected."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from tests.helpers import PASSWORD, join, onboard
from tests.helpers.flows import accept_new
from tests.helpers.seed import token_for

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock, Joined, Reply

SECURITY = "/accounts/{}/security"


def sign_out(api: Api, account_id: str, user_id: str, **who: Any) -> Reply:
    return api.post(f"/accounts/{account_id}/members/{user_id}/sign-out", **who)


def authorize(api: Api, token: str, account_id: str, permission: str = "tickets") -> dict[str, Any]:
    reply = api.post("/authorize", {"account_id": account_id, "permission": permission}, token=token)
    assert reply.status == 200, reply.body
    return cast("dict[str, Any]", reply.body)


def events(api: Api, account_id: str, kind: str) -> list[dict[str, Any]]:
    return cast(
        "list[dict[str, Any]]",
        api.get(f"/accounts/{account_id}/audit-events?type={kind}", operator=True).body["items"],
    )


def put_policy(api: Api, account_id: str, body: dict[str, Any], **who: Any) -> Reply:
    return api.call("PUT", SECURITY.format(account_id), body, **who)


def login(api: Api, email: str) -> dict[str, Any]:
    reply = api.post("/auth/login", {"email": email, "password": PASSWORD})
    assert reply.status == 200, reply.body
    return cast("dict[str, Any]", reply.body)


def test_an_admins_sign_out_ends_access_to_this_account_only(api: Api, clock: Clock) -> None:
    acme, owner = onboard(api)
    other, other_owner = onboard(api, "Other Co", "boss@other.com")
    dev = join(api, acme, owner.token, "dev@example.com")
    clock.advance(seconds=1)
    api.post(f"/accounts/{other}/invitations", {"emails": [dev.email], "permissions": ["tickets"]},
             token=other_owner.token)  # fmt: skip
    joined = api.post("/invitations/accept", {"token": api.latest_link(dev.email)}, token=dev.token)
    assert joined.status == 201
    token = joined.body["access_token"]
    assert sign_out(api, acme, dev.user_id, token=owner.token).status == 204
    for path in (f"/accounts/{acme}", f"/accounts/{acme}/members/{dev.user_id}"):
        refused = api.get(path, token=token)
        assert (refused.status, refused.code) == (401, "unauthenticated")
    assert authorize(api, token, acme) == {"allowed": False, "role": "member", "reason": "signed_out"}
    assert api.get(f"/accounts/{other}", token=token).status == 200  # their other account: untouched
    assert authorize(api, token, other)["allowed"] is True
    assert api.get("/me", token=token).status == 200
    clock.advance(seconds=1)
    fresh = login(api, dev.email)["access_token"]  # a token issued after the sign-out works there again
    assert api.get(f"/accounts/{acme}", token=fresh).status == 200
    [event] = events(api, acme, "member.signed_out")
    assert (event["actor"]["user_id"], event["target"]) == (
        owner.user_id, {"kind": "member", "id": dev.user_id, "email": dev.email}
    )  # fmt: skip
    assert events(api, other, "member.signed_out") == []


def test_the_owner_is_signed_out_only_by_themselves_or_the_operator(api: Api, clock: Clock) -> None:
    acme, owner = onboard(api)
    admin = join(api, acme, owner.token, "admin@example.com", "admin")
    refused = sign_out(api, acme, owner.user_id, token=admin.token)
    assert (refused.status, refused.code) == (409, "owner_immutable")
    assert api.get(f"/accounts/{acme}", token=owner.token).status == 200
    assert sign_out(api, acme, owner.user_id, operator=True).status == 204
    assert api.get(f"/accounts/{acme}", token=owner.token).status == 401
    clock.advance(seconds=1)
    again = login(api, owner.email)["access_token"]
    assert sign_out(api, acme, owner.user_id, token=again).status == 204  # themselves
    assert api.get(f"/accounts/{acme}", token=again).status == 401


def test_a_group_manager_signs_out_their_non_manager_members_only(api: Api) -> None:
    acme, owner = onboard(api)
    group = api.post(f"/accounts/{acme}/groups", {"name": "Billing", "permissions": ["invoices"]},
                     token=owner.token).body["group_id"]  # fmt: skip

    def join_group(email: str, manager: bool = False) -> Joined:
        body = {"emails": [email], "group_id": group, "group_manager": manager}
        assert api.post(f"/accounts/{acme}/invitations", body, token=owner.token).status == 200
        return accept_new(api, email)

    lead, peer = join_group("lead@example.com", True), join_group("peer@example.com", True)
    clerk = join_group("clerk@example.com")
    outsider = join(api, acme, owner.token, "dev@example.com")
    assert sign_out(api, acme, clerk.user_id, token=lead.token).status == 204
    assert api.get(f"/accounts/{acme}", token=clerk.token).status == 401
    assert sign_out(api, acme, peer.user_id, token=lead.token).status == 403  # another manager
    assert sign_out(api, acme, outsider.user_id, token=lead.token).status == 404  # outside their group
    plain = sign_out(api, acme, lead.user_id, token=outsider.token)  # no user_management
    assert (plain.status, plain.code) == (403, "forbidden")
    missing = sign_out(api, acme, "usr_" + "0" * 24, token=owner.token)
    assert (missing.status, missing.code) == (404, "not_found")


def test_the_policy_is_the_owners_to_read_and_set(api: Api, clock: Clock) -> None:
    acme, owner = onboard(api)
    admin = join(api, acme, owner.token, "admin@example.com", "admin")
    assert api.get(SECURITY.format(acme), token=owner.token).body == {
        "mfa_required": "off", "grace_days": 0, "enforced_from": None
    }  # fmt: skip
    body = {"mfa_required": "admins", "grace_days": 7}
    assert put_policy(api, acme, body, token=admin.token).code == "forbidden"
    set_ = put_policy(api, acme, body, token=owner.token)
    assert set_.body == {"mfa_required": "admins", "grace_days": 7, "enforced_from": "2026-11-30T09:00:00Z"}
    clock.advance(days=2)
    fresh = login(api, owner.email)["access_token"]  # tokens last hours: sign in again
    longer = put_policy(api, acme, {"mfa_required": "admins", "grace_days": 10}, token=fresh)
    assert longer.body["enforced_from"] == "2026-12-03T09:00:00Z"  # counted from when the level was set
    same = put_policy(api, acme, {"mfa_required": "admins", "grace_days": 10}, operator=True)
    assert same.status == 200
    changes = [e["changes"] for e in events(api, acme, "account.security_updated")]
    assert changes == [{"grace_days": [7, 10]}, {"mfa_required": ["off", "admins"], "grace_days": [0, 7]}]
    for bad in ({"mfa_required": "some"}, {"mfa_required": "all", "grace_days": 31},
                {"mfa_required": "all", "grace_days": -1}, {"mfa_required": "all", "extra": 1}):  # fmt: skip
        reply = put_policy(api, acme, bad, token=fresh)
        assert (reply.status, reply.code) == (400, "validation_error")


def test_past_the_grace_a_member_without_a_second_factor_is_refused_here_only(
    api: Api, deps: Deps, clock: Clock
) -> None:
    acme, owner = onboard(api)
    other, other_owner = onboard(api, "Other Co", "boss@other.com")
    dev = join(api, acme, owner.token, "dev@example.com")
    api.post(f"/accounts/{other}/invitations", {"emails": [dev.email], "permissions": ["tickets"]},
             token=other_owner.token)  # fmt: skip
    assert (
        api.post("/invitations/accept", {"token": api.latest_link(dev.email)}, token=dev.token).status == 201
    )
    token = login(api, dev.email)["access_token"]
    assert put_policy(api, acme, {"mfa_required": "all", "grace_days": 3}, token=owner.token).status == 200
    assert api.get(f"/accounts/{acme}", token=token).status == 200  # within the grace
    assert all("mfa_required" not in a for a in api.get("/me", token=token).body["accounts"])
    clock.advance(days=3)
    token = login(api, dev.email)["access_token"]  # the last one expired meanwhile
    refused = api.get(f"/accounts/{acme}/members/{dev.user_id}", token=token)
    assert (refused.status, refused.code) == (403, "mfa_required")
    assert authorize(api, token, acme) == {"allowed": False, "role": "member", "reason": "mfa_required"}
    assert api.get(f"/accounts/{other}", token=token).status == 200  # their other account answers them
    me = api.get("/me", token=token)
    assert me.status == 200 and {a["account_id"]: a.get("mfa_required") for a in me.body["accounts"]} == {
        acme: True,
        other: None,
    }  # fmt: skip  (present, true, exactly when so)
    assert api.get("/me/sessions", token=token).status == 200  # the /me routes work, to add a factor
    listed = login(api, dev.email)["accounts"]
    assert {a["account_id"]: a.get("mfa_required") for a in listed} == {acme: True, other: None}
    with_factor = deps.tokens.issue(dev.user_id, 0, deps.now(), via="password+totp").token
    assert api.get(f"/accounts/{acme}", token=with_factor).status == 200
    owners = login(api, owner.email)["access_token"]
    assert api.get(f"/accounts/{acme}", token=owners).code == "mfa_required"  # the owner is covered too


def test_admins_covers_only_the_owner_and_admins_and_a_later_joiner_gets_their_own_grace(
    api: Api, clock: Clock
) -> None:
    acme, owner = onboard(api)
    admin = join(api, acme, owner.token, "admin@example.com", "admin")
    dev = join(api, acme, owner.token, "dev@example.com")
    assert put_policy(api, acme, {"mfa_required": "admins", "grace_days": 0}, token=owner.token).status == 200
    assert api.get(f"/accounts/{acme}", token=admin.token).code == "mfa_required"
    assert api.get(f"/accounts/{acme}", token=dev.token).status == 200
    assert put_policy(api, acme, {"mfa_required": "all", "grace_days": 2}, operator=True).status == 200
    clock.advance(days=1)
    late = join(api, acme, login(api, owner.email)["access_token"], "late@example.com")
    clock.advance(days=1, seconds=1)
    assert api.get(f"/accounts/{acme}", token=login(api, dev.email)["access_token"]).code == "mfa_required"
    late_token = login(api, late.email)["access_token"]
    assert api.get(f"/accounts/{acme}", token=late_token).status == 200  # joined a day later: a day left
    clock.advance(days=1)
    late_token = login(api, late.email)["access_token"]
    assert api.get(f"/accounts/{acme}", token=late_token).code == "mfa_required"


def test_refusals_come_in_the_contracts_order_and_support_sessions_are_exempt(
    api: Api, deps: Deps, clock: Clock
) -> None:
    acme, owner = onboard(api)
    dev = join(api, acme, owner.token, "dev@example.com")
    off = join(api, acme, owner.token, "off@example.com")
    assert api.post(f"/accounts/{acme}/members/{off.user_id}/deactivate", token=owner.token).status == 200
    assert put_policy(api, acme, {"mfa_required": "all", "grace_days": 0}, token=owner.token).status == 200
    assert api.get(f"/accounts/{acme}", token=off.token).code == "not_found"  # 404 before mfa_required
    no_permission = api.get(f"/accounts/{acme}/audit-events", token=dev.token)
    assert no_permission.code == "mfa_required"  # before forbidden
    assert api.get(f"/accounts/{acme}", token="not-a-token").code == "unauthenticated"
    started = {"user_id": dev.user_id, "reason": "Checking the invoices page"}
    support = api.post(f"/accounts/{acme}/support-sessions", started, operator=True)
    assert support.status == 201
    assert api.get(f"/accounts/{acme}", token=support.body["access_token"]).status == 200
    assert api.get(f"/accounts/{acme}", operator=True).status == 200
    seeded = token_for(deps, dev.user_id)  # an older token without "amr": a password sign-in
    assert api.get(f"/accounts/{acme}", token=seeded).code == "mfa_required"
