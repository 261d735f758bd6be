"""Support sessions among the member's own sessions: `GET /me/sessions` of the member support acts as lists
each live one (`via: "support"`) until the operator ends it or its hour is up; the member cannot end it, one
by one or with "every other session"; nobody else's list shows it (services/session_list.py says why)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import pytest

from chalicelib.store.models import format_time
from tests.helpers import DynamoCalls, join, onboard

if TYPE_CHECKING:
    from tests.helpers import Api, Clock, Joined

REASON = "Customer asked us to tidy their contacts"


def sessions(api: Api, token: str) -> list[dict[str, Any]]:
    reply = api.get("/me/sessions", token=token)
    assert reply.status == 200, reply.body
    return cast("list[dict[str, Any]]", reply.body["items"])


def support_rows(api: Api, token: str) -> list[dict[str, Any]]:
    return [s for s in sessions(api, token) if s["via"] == "support"]


@pytest.fixture
def acted(api: Api) -> tuple[str, Joined, Joined, dict[str, Any]]:
    """Acme with Dave, and a support session acting as Dave: (account id, owner, dave, the session)."""
    account_id, owner = onboard(api)
    dave = join(api, account_id, owner.token, "dave@acme.com", permissions=["tickets", "contacts"])
    body = {"user_id": dave.user_id, "reason": REASON}
    started = api.post(f"/accounts/{account_id}/support-sessions", body, operator=True)
    assert started.status == 201, started.body
    return account_id, owner, dave, started.body


def test_the_member_acted_as_sees_it_and_nobody_else_does(
    api: Api, clock: Clock, acted: tuple[str, Joined, Joined, dict[str, Any]]
) -> None:
    _, owner, dave, support = acted
    (row,) = support_rows(api, dave.token)
    assert row == {
        "session_id": support["support_session_id"],
        "created_at": format_time(clock()),
        "last_seen_at": format_time(clock()),
        "ip": None,  # the operator's system's, not the member's: not shown
        "user_agent": None,
        "via": "support",
        "current": False,
    }
    assert len(sessions(api, dave.token)) == 2  # beside the member's own sign-in
    assert support_rows(api, owner.token) == []
    assert api.get("/me/sessions", token=support["access_token"]).code == "forbidden"  # support has no list


def test_the_member_cannot_end_it_alone_or_with_every_other_session(
    api: Api, acted: tuple[str, Joined, Joined, dict[str, Any]]
) -> None:
    account_id, _, dave, support = acted
    session_id = support["support_session_id"]
    refused = api.delete(f"/me/sessions/{session_id}", token=dave.token)
    assert (refused.status, refused.code) == (403, "forbidden")
    assert api.delete("/me/sessions/ses_unknown", token=dave.token).status == 404  # still a 404
    assert api.delete("/me/sessions", token=dave.token).status == 204
    assert [s["session_id"] for s in support_rows(api, dave.token)] == [session_id]
    assert api.get(f"/accounts/{account_id}", token=support["access_token"]).status == 200  # still live
    assert [s["via"] for s in sessions(api, dave.token) if s["via"] != "support"] == ["invitation"]


def test_it_leaves_the_list_when_the_operator_ends_it_or_its_hour_is_up(
    api: Api, clock: Clock, acted: tuple[str, Joined, Joined, dict[str, Any]]
) -> None:
    account_id, owner, dave, support = acted
    ended = api.delete(
        f"/accounts/{account_id}/support-sessions/{support['support_session_id']}", operator=True
    )
    assert ended.status == 204
    assert support_rows(api, dave.token) == []
    again = api.post(
        f"/accounts/{account_id}/support-sessions", {"user_id": dave.user_id, "reason": REASON}, operator=True
    )
    assert len(support_rows(api, dave.token)) == 1
    clock.advance(hours=1, seconds=1)
    assert support_rows(api, dave.token) == []
    assert api.get(f"/accounts/{account_id}", token=again.body["access_token"]).status == 401


def test_its_last_seen_is_kept_as_a_sign_ins_with_no_extra_round_trip(
    api: Api, clock: Clock, acted: tuple[str, Joined, Joined, dict[str, Any]]
) -> None:
    account_id, _, dave, support = acted
    with DynamoCalls() as fresh:
        assert api.get(f"/accounts/{account_id}", token=support["access_token"]).status == 200
    clock.advance(minutes=6)
    with DynamoCalls() as due:
        assert api.get(f"/accounts/{account_id}", token=support["access_token"]).status == 200
    assert fresh.operations == ["BatchGetItem"]  # the row comes with the authorizing read
    assert due.operations == ["BatchGetItem", "UpdateItem"]  # once per 5 minutes, as a sign-in's
    (row,) = support_rows(api, dave.token)
    assert row["last_seen_at"] == format_time(clock())
