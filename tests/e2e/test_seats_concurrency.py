"""Seats under concurrency, over real HTTP against the local runner (moto applies one transaction at a time,
so what decides is each way in's condition, never a read before its write): 50 parallel single-email
invitations into an account with one free seat invite exactly one; 50 parallel reactivations with one free
seat reactivate exactly one; the account's seats afterwards are what the lists show."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, cast

import pytest

from tests.helpers.flows import accept_new, create_account
from tests.helpers.http import Api, Reply

if TYPE_CHECKING:
    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e

PARALLEL = 50


def _fresh_account(live: Api) -> tuple[str, str, str]:
    """An account of its own (addresses unique to this run), its owner signed in."""
    tag = uuid.uuid4().hex[:8]
    owner_email = f"owner-{tag}@seats.example.com"
    account_id, _ = create_account(live, f"Seats {tag}", owner_email)
    return account_id, accept_new(live, owner_email).token, tag


def _all_at_once(calls: list[Any]) -> list[Reply]:
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(lambda call: call(), calls))


def _listed(live: Api, account_id: str, token: str, path: str) -> int:
    reply = live.get(f"/accounts/{account_id}/{path}&limit=100", token=token)
    assert reply.status == 200, reply.body
    return len(reply.body["items"])


def _seats_match_the_lists(live: Api, account_id: str, token: str) -> dict[str, Any]:
    seats = live.get(f"/accounts/{account_id}", token=token).body["seats"]
    members = _listed(live, account_id, token, "members?status=active")
    pending = _listed(live, account_id, token, "invitations?status=pending")
    assert (seats["members"], seats["pending"], seats["used"]) == (members, pending, members + pending)
    return cast("dict[str, Any]", seats)


def test_fifty_parallel_invitations_for_one_free_seat_invite_exactly_one(live: Live) -> None:
    account_id, token, tag = _fresh_account(live)
    assert live.put(f"/accounts/{account_id}/seats", {"limit": 2}, operator=True).status == 200

    def invite(n: int) -> Callable[[], Reply]:
        body = {"emails": [f"p{n}-{tag}@seats.example.com"], "permissions": ["tickets"]}
        return lambda: live.post(f"/accounts/{account_id}/invitations", body, token=token)

    replies = _all_at_once([invite(n) for n in range(PARALLEL)])
    assert {r.status for r in replies} == {200}, [r.body for r in replies if r.status != 200][:3]
    results = [r.body["results"][0] for r in replies]
    assert sum(r["status"] == "invited" for r in results) == 1
    assert sorted(r.get("reason") for r in results if r["status"] == "skipped") == ["seat_limit_reached"] * 49
    assert _seats_match_the_lists(live, account_id, token) == {
        "limit": 2,
        "used": 2,
        "members": 1,
        "pending": 1,
    }


def test_fifty_parallel_reactivations_for_one_free_seat_reactivate_exactly_one(live: Live) -> None:
    account_id, token, tag = _fresh_account(live)
    emails = [f"r{n}-{tag}@seats.example.com" for n in range(PARALLEL)]
    invited = live.post(
        f"/accounts/{account_id}/invitations", {"emails": emails, "permissions": ["tickets"]}, token=token
    )
    assert invited.status == 200 and all(r["status"] == "invited" for r in invited.body["results"])
    with ThreadPoolExecutor(max_workers=8) as pool:
        user_ids = list(pool.map(lambda email: accept_new(live, email).user_id, emails))
    member = f"/accounts/{account_id}/members/{{}}"
    deactivated = _all_at_once(
        [lambda uid=uid: live.post(member.format(uid) + "/deactivate", token=token) for uid in user_ids]
    )
    assert {r.status for r in deactivated} == {200}
    assert live.put(f"/accounts/{account_id}/seats", {"limit": 2}, operator=True).status == 200

    replies = _all_at_once(
        [lambda uid=uid: live.post(member.format(uid) + "/reactivate", token=token) for uid in user_ids]
    )
    assert sorted(r.status for r in replies) == [200] + [409] * 49
    refused = [r.body["error"] for r in replies if r.status == 409]
    assert {e["code"] for e in refused} == {"seat_limit_reached"}
    assert all("2 seats" in e["message"] for e in refused)
    assert _seats_match_the_lists(live, account_id, token) == {
        "limit": 2,
        "used": 2,
        "members": 2,
        "pending": 0,
    }
