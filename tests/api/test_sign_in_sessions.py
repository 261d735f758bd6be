"""Sign-in sessions (issue 30): every way in starts one, /me/sessions lists and ends them, an ended session's
token is refused at once without any extra round trip, and the user's security events say so."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from tests.helpers import PASSWORD, DynamoCalls, invite, latest_link, onboard
from tests.helpers.flows import accept_new

if TYPE_CHECKING:
    from tests.helpers import Api, Clock


def login(api: Api, email: str, agent: str = "Firefox/130") -> dict[str, Any]:
    reply = api.call(
        "POST", "/auth/login", {"email": email, "password": PASSWORD}, headers={"User-Agent": agent}
    )
    assert reply.status == 200, reply.body
    return cast("dict[str, Any]", reply.body)


def sessions_of(api: Api, token: str) -> list[dict[str, Any]]:
    reply = api.get("/me/sessions", token=token)
    assert reply.status == 200, reply.body
    return cast("list[dict[str, Any]]", reply.body["items"])


def test_each_sign_in_starts_a_session_listed_newest_first_with_the_current_one_marked(
    api: Api, clock: Clock
) -> None:
    account_id, owner = onboard(api)  # accepting the owner invitation signed in: a session "invitation"
    clock.advance(minutes=1)
    laptop = login(api, owner.email, "Firefox/130")["access_token"]
    clock.advance(minutes=1)
    phone = login(api, owner.email, "Mobile Safari\x00/17")["access_token"]
    listed = sessions_of(api, phone)
    assert [(s["via"], s["user_agent"], s["current"]) for s in listed] == [
        ("password", "Mobile Safari/17", True),
        ("password", "Firefox/130", False),
        ("invitation", None, False),
    ]
    assert listed[0]["created_at"] == listed[0]["last_seen_at"] == "2026-11-23T09:02:00Z"
    assert [s["current"] for s in sessions_of(api, laptop)] == [False, True, False]
    first, rest = api.get("/me/sessions?limit=2", token=phone).body, None
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = api.get(f"/me/sessions?limit=2&cursor={first['next_cursor']}", token=phone).body
    assert [s["via"] for s in rest["items"]] == ["invitation"] and rest["next_cursor"] is None
    assert api.get(f"/accounts/{account_id}", token=laptop).status == 200


def test_ending_another_session_refuses_its_token_at_once_and_leaves_this_one(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    laptop = login(api, owner.email)["access_token"]
    phone = login(api, owner.email)["access_token"]
    laptop_id = next(
        s["session_id"] for s in sessions_of(api, phone) if not s["current"] and s["via"] == "password"
    )
    assert api.delete(f"/me/sessions/{laptop_id}", token=phone).status == 204
    for path in ("/me", f"/accounts/{account_id}"):
        assert api.get(path, token=laptop).code == "unauthenticated"
    refused = api.post("/authorize", {"account_id": account_id, "permission": "tickets"}, token=laptop)
    assert (refused.status, refused.code) == (401, "unauthenticated")
    assert api.get(f"/accounts/{account_id}", token=phone).status == 200
    again = api.delete(f"/me/sessions/{laptop_id}", token=phone)
    assert (again.status, again.code) == (404, "not_found")
    assert laptop_id not in {s["session_id"] for s in sessions_of(api, phone)}


def test_a_session_of_another_user_cannot_be_ended_or_seen(api: Api) -> None:
    account_id, owner = onboard(api)
    _, other = onboard(api, "Other Co", "other@example.com")
    theirs = sessions_of(api, other.token)[0]["session_id"]
    reply = api.delete(f"/me/sessions/{theirs}", token=owner.token)
    assert (reply.status, reply.code) == (404, "not_found")
    assert api.get("/me", token=other.token).status == 200
    assert theirs not in {s["session_id"] for s in sessions_of(api, owner.token)}


def test_signing_out_everywhere_else_keeps_only_this_session(api: Api) -> None:
    account_id, owner = onboard(api)
    others = [login(api, owner.email)["access_token"] for _ in range(3)]
    keep = login(api, owner.email)["access_token"]
    assert api.delete("/me/sessions", token=keep).status == 204
    assert [s["current"] for s in sessions_of(api, keep)] == [True]
    assert all(api.get("/me", token=token).status == 401 for token in [owner.token, *others])
    assert api.delete("/me/sessions", token=keep).status == 204  # nothing else left: still fine


def test_logout_ends_its_session_and_a_password_change_keeps_it_with_a_new_token(api: Api) -> None:
    account_id, owner = onboard(api)
    token = login(api, owner.email)["access_token"]
    before = {s["session_id"] for s in sessions_of(api, token) if s["current"]}
    change = {"current_password": PASSWORD, "new_password": "another long secret"}
    changed = api.post("/me/password", change, token=token)
    assert changed.status == 200
    new_token = changed.body["access_token"]
    assert api.get("/me", token=token).status == 401  # the old token of the same session
    assert {s["session_id"] for s in sessions_of(api, new_token) if s["current"]} == before
    assert api.post("/auth/logout", token=new_token).status == 204
    assert api.get("/me", token=new_token).status == 401
    fresh = api.post("/auth/login", {"email": owner.email, "password": "another long secret"}).body
    assert before.isdisjoint(s["session_id"] for s in sessions_of(api, fresh["access_token"]))


def test_accepting_an_invitation_starts_an_invitation_session(api: Api) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["dev@example.com"])
    dev = accept_new(api, "dev@example.com")
    assert [(s["via"], s["current"]) for s in sessions_of(api, dev.token)] == [("invitation", True)]


def test_last_seen_is_written_at_most_once_per_five_minutes_and_costs_no_read(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    with DynamoCalls() as calls:
        assert api.get(f"/accounts/{account_id}", token=owner.token).status == 200
    assert calls.operations == ["BatchGetItem"]  # the session is read with the caller: no extra round trip
    clock.advance(minutes=4)
    with DynamoCalls() as calls:
        assert api.get(f"/accounts/{account_id}", token=owner.token).status == 200
    assert calls.operations == ["BatchGetItem"]
    clock.advance(minutes=2)
    with DynamoCalls() as calls:
        assert api.get(f"/accounts/{account_id}", token=owner.token).status == 200
    assert calls.operations == ["BatchGetItem", "UpdateItem"]  # six minutes since: kept to within five
    seen = sessions_of(api, owner.token)[0]
    assert (seen["created_at"], seen["last_seen_at"]) == ("2026-11-23T09:00:00Z", "2026-11-23T09:06:00Z")


def test_security_events_list_sign_ins_and_sessions_ended_newest_first(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    clock.advance(minutes=1)
    other = login(api, owner.email)["access_token"]
    clock.advance(minutes=1)
    assert api.delete("/me/sessions", token=other).status == 204
    events = api.get("/me/security-events", token=other).body["items"]
    assert [(e["type"], e["via"]) for e in events] == [
        ("sessions_ended", None),
        ("signed_in", "password"),
        ("signed_in", "invitation"),
    ]
    page = api.get("/me/security-events?limit=1", token=other).body
    assert len(page["items"]) == 1 and page["next_cursor"]
    bad = api.get("/me/security-events?cursor=forged", token=other)
    assert (bad.status, bad.code) == (400, "validation_error")


def test_the_session_routes_need_a_token(api: Api) -> None:
    routes = [("GET", "/me/sessions"), ("DELETE", "/me/sessions"), ("DELETE", "/me/sessions/ses_x")]
    for method, path in [*routes, ("GET", "/me/security-events")]:
        reply = api.call(method, path)
        assert (reply.status, reply.code) == (401, "unauthenticated")


def test_accepting_with_a_bearer_token_starts_a_session_of_its_own(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    other_id, boss = onboard(api, "Other Co", "boss@other.com")
    invite(api, other_id, boss.token, [owner.email])
    clock.advance(seconds=1)
    reply = api.post("/invitations/accept", {"token": latest_link(owner.email)}, token=owner.token)
    assert reply.status == 201
    listed = sessions_of(api, reply.body["access_token"])
    assert [(s["via"], s["current"]) for s in listed] == [("invitation", True), ("invitation", False)]
    assert api.get(f"/accounts/{other_id}", token=reply.body["access_token"]).status == 200
