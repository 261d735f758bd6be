"""Joining without an invitation through the API (issue 29): the joinable accounts of a user's email domain,
the automatic join (a member with the domain's grant and a seat), join requests (asked once while pending,
listed, approved under the seat limit, denied, asked again after 7 days), and who is never let straight in
(deactivated members, users removed by someone else)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from tests.helpers import join, onboard
from tests.helpers.seed import seed_user, token_for

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock

DOMAIN = "corp.com"


def domain_account(api: Api, policy: str, permissions: list[str] | None = None) -> tuple[str, Any]:
    """An account (owner at acme.com) holding corp.com verified, with `policy`."""
    account_id, owner = onboard(api)
    base = f"/accounts/{account_id}/email-domains"
    assert api.post(base, {"domain": DOMAIN, "verified": True}, operator=True).status == 201
    change = {"join_policy": policy, "auto_join_permissions": permissions or []}
    changed = api.patch(f"{base}/{DOMAIN}", change, token=owner.token)
    assert changed.status == 200, changed.body
    return account_id, owner


def user(deps: Deps, email: str) -> tuple[str, str]:
    user_id = seed_user(deps, email)
    return user_id, token_for(deps, user_id)


def events_of(api: Api, account_id: str, kind: str) -> list[dict[str, Any]]:
    reply = api.get(f"/accounts/{account_id}/audit-events?type={kind}", operator=True)
    assert reply.status == 200, reply.body
    return cast("list[dict[str, Any]]", reply.body["items"])


def set_limit(api: Api, account_id: str, limit: int) -> None:
    assert api.put(f"/accounts/{account_id}/seats", {"limit": limit}, operator=True).status == 200


def test_auto_join_makes_a_member_with_the_domains_grant_once(api: Api, deps: Deps) -> None:
    account_id, owner = domain_account(api, "auto_join", ["tickets"])
    joe_id, joe = user(deps, "joe@corp.com")
    listed = api.get("/me/joinable-accounts", token=joe)
    assert listed.status == 200, listed.body
    assert listed.body == {
        "items": [{"account_id": account_id, "name": "Acme Hosting", "join_policy": "auto_join"}],
        "next_cursor": None,
    }
    joined = api.post(f"/accounts/{account_id}/join", {}, token=joe)
    assert joined.status == 201, joined.body
    assert (joined.body["user_id"], joined.body["role"]) == (joe_id, "member")
    assert joined.body["permissions"] == ["tickets"]
    again = api.post(f"/accounts/{account_id}/join", {}, token=joe)
    assert again.status == 200 and again.body["user_id"] == joe_id  # nothing changes
    assert api.get("/me/joinable-accounts", token=joe).body["items"] == []
    assert [e["target"]["id"] for e in events_of(api, account_id, "member.joined")] == [joe_id]
    seats = api.get(f"/accounts/{account_id}", token=owner.token).body["seats"]
    assert seats["used"] == 2  # the owner's and joe's
    member = api.get(f"/accounts/{account_id}/members/{joe_id}", token=owner.token)
    assert member.status == 200 and member.body["status"] == "active"


def test_an_account_not_joinable_for_the_caller_is_not_found(api: Api, deps: Deps) -> None:
    account_id, _ = domain_account(api, "auto_join")
    _, stranger = user(deps, "sam@elsewhere.com")
    assert api.get("/me/joinable-accounts", token=stranger).body["items"] == []
    refused = api.post(f"/accounts/{account_id}/join", {}, token=stranger)
    assert refused.status == 404 and refused.body["error"]["code"] == "not_found"
    closed_id, _ = onboard(api, "Closed", "boss@closed.com")
    closed = f"/accounts/{closed_id}/email-domains"
    assert api.post(closed, {"domain": "shut.com", "verified": True}, operator=True).status == 201
    _, shut = user(deps, "kim@shut.com")  # invite_only: not joinable
    assert api.get("/me/joinable-accounts", token=shut).body["items"] == []
    assert api.post(f"/accounts/{closed_id}/join", {}, token=shut).status == 404
    assert api.post(f"/accounts/{account_id}/join", {}, token=shut).status == 404  # another domain's account
    assert api.post(f"/accounts/{account_id}/join", {}).status == 401


def test_a_request_is_asked_once_listed_and_approved_with_the_domains_grant(api: Api, deps: Deps) -> None:
    account_id, owner = domain_account(api, "request", ["invoices"])
    joe_id, joe = user(deps, "joe@corp.com")
    assert api.get("/me/joinable-accounts", token=joe).body["items"][0]["join_policy"] == "request"
    asked = api.post(f"/accounts/{account_id}/join", {}, token=joe)
    assert asked.status == 202, asked.body
    body = asked.body
    assert (body["status"], body["via"], body["email"], body["account_id"]) == (
        "pending",
        "domain",
        "joe@corp.com",
        account_id,
    )
    assert body["user"] == {
        "user_id": joe_id,
        "email": "joe@corp.com",
        "first_name": "Test",
        "last_name": "User",
    }
    again = api.post(f"/accounts/{account_id}/join", {}, token=joe)
    assert again.status == 200 and again.body["join_request_id"] == body["join_request_id"]
    base = f"/accounts/{account_id}/join-requests"
    listed = api.get(base, token=owner.token)
    assert listed.status == 200 and [r["join_request_id"] for r in listed.body["items"]] == [
        body["join_request_id"]
    ]
    assert api.get(base + "?status=approved", token=owner.token).body["items"] == []
    approved = api.post(f"{base}/{body['join_request_id']}/approve", {}, token=owner.token)
    assert approved.status == 201, approved.body
    assert (approved.body["user_id"], approved.body["role"], approved.body["permissions"]) == (
        joe_id,
        "member",
        ["invoices"],
    )
    twice = api.post(f"{base}/{body['join_request_id']}/approve", {}, token=owner.token)
    assert twice.status == 409 and twice.body["error"]["code"] == "conflict"
    assert [r["status"] for r in api.get(base + "?status=approved", token=owner.token).body["items"]] == [
        "approved"
    ]
    assert len(events_of(api, account_id, "join_request.created")) == 1
    assert len(events_of(api, account_id, "join_request.approved")) == 1
    assert api.post(f"/accounts/{account_id}/join", {}, token=joe).status == 200  # a member now
    [told] = api.emails_to("joe@corp.com")  # the outcome, through the outbox
    assert told.subject == "Your request to join Acme Hosting was approved"


def test_a_denied_user_asks_again_only_after_7_days(api: Api, deps: Deps, clock: Clock) -> None:
    account_id, owner = domain_account(api, "request")
    joe_id, joe = user(deps, "joe@corp.com")
    request_id = api.post(f"/accounts/{account_id}/join", {}, token=joe).body["join_request_id"]
    base = f"/accounts/{account_id}/join-requests"
    assert api.post(f"{base}/{request_id}/deny", {}, token=owner.token).status == 204
    denied_again = api.post(f"{base}/{request_id}/deny", {}, token=owner.token)
    assert denied_again.status == 409 and denied_again.body["error"]["code"] == "conflict"
    assert len(events_of(api, account_id, "join_request.denied")) == 1
    [told] = api.emails_to("joe@corp.com")
    assert told.subject == "Your request to join Acme Hosting was denied" and "7 days" in told.body
    soon = api.post(f"/accounts/{account_id}/join", {}, token=joe)
    assert soon.status == 409 and soon.body["error"]["code"] == "conflict"
    clock.advance(days=7, seconds=1)
    later = api.post(f"/accounts/{account_id}/join", {}, token=token_for(deps, joe_id))
    assert later.status == 202 and later.body["join_request_id"] != request_id


def test_approval_needs_a_seat_and_a_pending_request_expires_after_14_days(
    api: Api, deps: Deps, clock: Clock
) -> None:
    account_id, owner = domain_account(api, "request")
    _, joe = user(deps, "joe@corp.com")
    request_id = api.post(f"/accounts/{account_id}/join", {}, token=joe).body["join_request_id"]
    set_limit(api, account_id, 1)  # the owner holds it
    base = f"/accounts/{account_id}/join-requests"
    full = api.post(f"{base}/{request_id}/approve", {}, token=owner.token)
    assert full.status == 409 and full.body["error"]["code"] == "seat_limit_reached"
    assert api.get(base, token=owner.token).body["items"][0]["status"] == "pending"  # still there
    clock.advance(days=14, seconds=1)
    owner_token = token_for(deps, owner.user_id)
    assert api.get(base, token=owner_token).body["items"] == []
    [expired] = api.get(base + "?status=expired", token=owner_token).body["items"]
    assert expired["join_request_id"] == request_id
    set_limit(api, account_id, 5)
    late = api.post(f"{base}/{request_id}/approve", {}, token=owner_token)
    assert late.status == 409 and late.body["error"]["code"] == "conflict"


def test_auto_join_takes_a_seat_under_the_limit(api: Api, deps: Deps) -> None:
    account_id, _ = domain_account(api, "auto_join")
    set_limit(api, account_id, 1)
    _, joe = user(deps, "joe@corp.com")
    full = api.post(f"/accounts/{account_id}/join", {}, token=joe)
    assert full.status == 409 and full.body["error"]["code"] == "seat_limit_reached"


def test_a_removed_user_only_asks_and_one_who_left_joins_again(api: Api, deps: Deps) -> None:
    account_id, owner = domain_account(api, "auto_join")
    removed = join(api, account_id, owner.token, "rita@corp.com")
    left = join(api, account_id, owner.token, "lou@corp.com")
    assert api.delete(f"/accounts/{account_id}/members/{removed.user_id}", token=owner.token).status == 204
    assert api.delete(f"/accounts/{account_id}/members/{left.user_id}", token=left.token).status == 204
    asked = api.post(f"/accounts/{account_id}/join", {}, token=removed.token)
    assert asked.status == 202 and asked.body["status"] == "pending"  # auto_join, yet a request
    back = api.post(f"/accounts/{account_id}/join", {}, token=left.token)
    assert back.status == 201 and back.body["user_id"] == left.user_id
    base = f"/accounts/{account_id}/join-requests"
    request_id = asked.body["join_request_id"]
    approved = api.post(f"{base}/{request_id}/approve", {}, token=owner.token)
    assert approved.status == 201, approved.body


def test_a_deactivated_member_is_never_reactivated_by_a_join(api: Api, deps: Deps) -> None:
    account_id, owner = domain_account(api, "auto_join")
    kept = join(api, account_id, owner.token, "dee@corp.com")
    member = f"/accounts/{account_id}/members/{kept.user_id}"
    assert api.post(member + "/deactivate", {}, token=owner.token).status == 200
    refused = api.post(f"/accounts/{account_id}/join", {}, token=kept.token)
    assert refused.status == 409 and refused.body["error"]["code"] == "conflict"
    assert api.get(member, token=owner.token).body["status"] == "deactivated"


def test_join_requests_are_the_accounts_own_and_need_user_management(api: Api, deps: Deps) -> None:
    account_id, owner = domain_account(api, "request")
    _, joe = user(deps, "joe@corp.com")
    request_id = api.post(f"/accounts/{account_id}/join", {}, token=joe).body["join_request_id"]
    plain = join(api, account_id, owner.token, "pat@acme.com")
    base = f"/accounts/{account_id}/join-requests"
    assert api.get(base, token=plain.token).status == 403
    assert api.post(f"{base}/{request_id}/deny", {}, token=plain.token).status == 403
    other_id, other = onboard(api, "Other", "olga@other.com")
    assert api.get(base, token=other.token).status == 404  # not their account
    other_base = f"/accounts/{other_id}/join-requests"
    assert api.get(other_base, token=other.token).body["items"] == []
    crossed = api.post(f"{other_base}/{request_id}/approve", {}, token=other.token)
    assert crossed.status == 404 and crossed.body["error"]["code"] == "not_found"
    assert api.post(f"{other_base}/{request_id}/deny", {}, token=other.token).status == 404
    assert api.get(base, token=owner.token).body["items"][0]["status"] == "pending"


def test_run_scheduled_expires_pending_requests_from_the_due_index(
    api: Api, deps: Deps, clock: Clock
) -> None:
    from chalicelib import cli
    from chalicelib.jobs.scheduled import run_scheduled

    account_id, owner = domain_account(api, "request")
    joe_id, joe = user(deps, "joe@corp.com")
    request_id = api.post(f"/accounts/{account_id}/join", {}, token=joe).body["join_request_id"]
    _, ann = user(deps, "ann@corp.com")
    decided = api.post(f"/accounts/{account_id}/join", {}, token=ann).body["join_request_id"]
    base = f"/accounts/{account_id}/join-requests"
    assert api.post(f"{base}/{decided}/deny", {}, token=owner.token).status == 204  # out of the queue
    steps = [step.name for step in run_scheduled(deps, clock(), dry_run=True)]
    assert steps[:4] == ["domains", "join_requests", "join_digests", "reminders"]
    later = clock() + timedelta(days=14, hours=1)
    [preview] = [s for s in run_scheduled(deps, later, dry_run=True) if s.name == "join_requests"]
    assert preview.line == "would expire 1 join requests"
    assert cli.main(["run-scheduled", "--now", later.strftime("%Y-%m-%dT%H:%M:%SZ")]) == 0
    stored = deps.store.join_requests.get_request(account_id, request_id)
    assert stored is not None and stored.status == "expired" and stored.gsi2pk is None
    assert deps.store.join_requests.due_requests(later, 10) == []
    clock.advance(days=14, hours=2)
    asked = api.post(f"/accounts/{account_id}/join", {}, token=token_for(deps, joe_id))
    assert asked.status == 202 and asked.body["join_request_id"] != request_id
