"""Invite links through the API (issue 29): made with a token shown once, at most 10 live, looked up before
sign-in, joined through by a signed-in person (a member with a seat and a use, or a request when approval is
required or they were removed by someone else), their domains, uses and hourly cap, and revoked at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from chalicelib.domain.caller import Caller
from chalicelib.services.link_joins import join_by_link
from tests.helpers import join, onboard
from tests.helpers.concurrency import run_together
from tests.helpers.seed import seed_user, token_for

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock


def base(account_id: str) -> str:
    return f"/accounts/{account_id}/invite-links"


def token_of(created: dict[str, Any]) -> str:
    url = created["url"]
    assert "#token=" in url
    return cast("str", url.split("#token=", 1)[1])


def make(api: Api, account_id: str, token: str, **body: Any) -> dict[str, Any]:
    reply = api.post(base(account_id), body, token=token)
    assert reply.status == 201, reply.body
    return cast("dict[str, Any]", reply.body)


def user(deps: Deps, email: str) -> tuple[str, str]:
    user_id = seed_user(deps, email)
    return user_id, token_for(deps, user_id)


def events_of(api: Api, account_id: str, kind: str) -> list[dict[str, Any]]:
    reply = api.get(f"/accounts/{account_id}/audit-events?type={kind}", operator=True)
    assert reply.status == 200, reply.body
    return cast("list[dict[str, Any]]", reply.body["items"])


def test_a_link_shows_its_token_once_and_joins_a_confirmed_member_with_its_grant(
    api: Api, deps: Deps
) -> None:
    account_id, owner = onboard(api)
    created = make(api, account_id, owner.token, permissions=["tickets"], require_approval=False, max_uses=3)
    assert (created["max_uses"], created["uses"], created["require_approval"]) == (3, 0, False)
    assert created["allowed_domains"] is None and created["revoked_at"] is None
    token = token_of(created)
    listed = api.get(base(account_id), token=owner.token)
    assert listed.status == 200 and [link["invite_link_id"] for link in listed.body["items"]] == [
        created["invite_link_id"]
    ]
    assert token not in str(listed.body) and "url" not in listed.body["items"][0]
    looked = api.post("/invite-links/lookup", {"token": token})
    assert looked.status == 200, looked.body
    assert (looked.body["account_name"], looked.body["require_approval"]) == ("Acme Hosting", False)
    joe_id, joe = user(deps, "joe@anywhere.com")
    joined = api.post("/invite-links/join", {"token": token}, token=joe)
    assert joined.status == 201, joined.body
    assert (joined.body["user_id"], joined.body["account_id"], joined.body["permissions"]) == (
        joe_id,
        account_id,
        ["tickets"],
    )
    again = api.post("/invite-links/join", {"token": token}, token=joe)
    assert again.status == 200 and again.body["user_id"] == joe_id  # a member: nothing changes
    assert api.get(base(account_id), token=owner.token).body["items"][0]["uses"] == 1
    assert [e["target"]["id"] for e in events_of(api, account_id, "invite_link.used")] == [
        created["invite_link_id"]
    ]
    assert len(events_of(api, account_id, "invite_link.created")) == 1
    assert api.post("/invite-links/join", {"token": token}).status == 401


def test_unknown_revoked_expired_and_used_up_links(api: Api, deps: Deps, clock: Clock) -> None:
    account_id, owner = onboard(api)
    unknown = api.post("/invite-links/lookup", {"token": "x" * 43})
    assert unknown.status == 404 and unknown.body["error"]["code"] == "not_found"
    once = make(api, account_id, owner.token, require_approval=False, max_uses=1)
    _, ann = user(deps, "ann@a.com")
    assert api.post("/invite-links/join", {"token": token_of(once)}, token=ann).status == 201
    _, bob = user(deps, "bob@b.com")
    used_up = api.post("/invite-links/join", {"token": token_of(once)}, token=bob)
    assert used_up.status == 410 and used_up.body["error"]["code"] == "invite_link_expired"
    assert api.post("/invite-links/lookup", {"token": token_of(once)}).status == 410
    revoked = make(api, account_id, owner.token, require_approval=False)
    link = f"{base(account_id)}/{revoked['invite_link_id']}"
    assert api.delete(link, token=owner.token).status == 204
    assert len(events_of(api, account_id, "invite_link.revoked")) == 1
    gone = api.post("/invite-links/join", {"token": token_of(revoked)}, token=bob)
    assert gone.status == 404 and gone.body["error"]["code"] == "not_found"
    assert api.post("/invite-links/lookup", {"token": token_of(revoked)}).status == 404
    assert api.delete(link, token=owner.token).status == 404
    short = make(api, account_id, owner.token, require_approval=False, expires_in_days=1)
    clock.advance(days=1, seconds=1)
    late = api.post(
        "/invite-links/join", {"token": token_of(short)}, token=token_for(deps, seed_user(deps, "c@c.com"))
    )
    assert late.status == 410 and late.body["error"]["code"] == "invite_link_expired"


def test_allowed_domains_and_approval(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    created = make(api, account_id, owner.token, allowed_domains=["Corp.COM"])
    assert created["allowed_domains"] == ["corp.com"] and created["require_approval"] is True
    token = token_of(created)
    _, outside = user(deps, "sam@elsewhere.com")
    refused = api.post("/invite-links/join", {"token": token}, token=outside)
    assert refused.status == 403 and refused.body["error"]["code"] == "domain_not_allowed"
    joe_id, joe = user(deps, "joe@corp.com")
    asked = api.post("/invite-links/join", {"token": token}, token=joe)
    assert asked.status == 202, asked.body
    assert (asked.body["via"], asked.body["invite_link_id"], asked.body["user"]["user_id"]) == (
        "invite_link",
        created["invite_link_id"],
        joe_id,
    )
    again = api.post("/invite-links/join", {"token": token}, token=joe)
    assert again.status == 200 and again.body["join_request_id"] == asked.body["join_request_id"]
    requests = f"/accounts/{account_id}/join-requests"
    approved = api.post(f"{requests}/{asked.body['join_request_id']}/approve", {}, token=owner.token)
    assert approved.status == 201 and approved.body["user_id"] == joe_id


def test_the_eleventh_live_link_is_refused_until_one_is_revoked(api: Api) -> None:
    account_id, owner = onboard(api)
    made = [make(api, account_id, owner.token) for _ in range(10)]
    eleventh = api.post(base(account_id), {}, token=owner.token)
    assert eleventh.status == 409 and eleventh.body["error"]["code"] == "conflict"
    assert api.delete(f"{base(account_id)}/{made[0]['invite_link_id']}", token=owner.token).status == 204
    assert api.post(base(account_id), {}, token=owner.token).status == 201


def test_a_removed_user_only_asks_through_a_link_without_approval(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    rita = join(api, account_id, owner.token, "rita@x.com")
    assert api.delete(f"/accounts/{account_id}/members/{rita.user_id}", token=owner.token).status == 204
    created = make(api, account_id, owner.token, require_approval=False)
    asked = api.post("/invite-links/join", {"token": token_of(created)}, token=rita.token)
    assert asked.status == 202 and asked.body["status"] == "pending"


def test_a_link_is_used_at_most_10_times_an_hour(api: Api, deps: Deps, clock: Clock) -> None:
    account_id, owner = onboard(api)
    token = token_of(make(api, account_id, owner.token, require_approval=False))
    answers = []
    for n in range(11):
        _, joiner = user(deps, f"u{n}@x.com")
        answers.append(api.post("/invite-links/join", {"token": token}, token=joiner).status)
    assert answers == [201] * 10 + [429]
    clock.advance(hours=1)
    _, later = user(deps, "later@x.com")
    assert api.post("/invite-links/join", {"token": token}, token=later).status == 201


def test_twenty_joins_at_once_through_a_link_of_five_uses_make_five_members(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    token = token_of(make(api, account_id, owner.token, require_approval=False, max_uses=5))
    callers = [Caller("user", user_id=seed_user(deps, f"r{n}@x.com"), email=f"r{n}@x.com") for n in range(20)]

    def joining(caller: Caller) -> Callable[[], int]:
        return lambda: join_by_link(deps, caller, token).status

    results = run_together(*[joining(caller) for caller in callers])
    assert sorted(r for r in results if r == 201) == [201] * 5
    assert all(r in (201, "invite_link_expired", "changed_meanwhile") for r in results), results
    members = api.get(f"/accounts/{account_id}/members", token=owner.token).body["items"]
    assert len(members) == 6  # the owner and the five
    assert api.get(base(account_id), token=owner.token).body["items"][0]["uses"] == 5
