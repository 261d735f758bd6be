"""Seats (API.md "Seats"): the account's seats, the operator's limit, every way in refused past it (an
invite's emails past the free seats skipped, in input order), accepting never refused, the ways out
freeing one at once, an expired invitation's seat free from its expiry on, and the 80 % / 100 % events."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

import pytest

from chalicelib.services.webhook_delivery import run_once
from tests.helpers import PASSWORD, accept_new, create_account, invite, onboard

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock
    from tests.helpers.receiver import WebhookReceiver


def seats(api: Api, account_id: str) -> dict[str, Any]:
    reply = api.get(f"/accounts/{account_id}", operator=True)
    assert reply.status == 200, reply.body
    return cast("dict[str, Any]", reply.body["seats"])


def set_limit(api: Api, account_id: str, limit: int | None) -> dict[str, Any]:
    reply = api.put(f"/accounts/{account_id}/seats", {"limit": limit}, operator=True)
    assert reply.status == 200, reply.body
    return cast("dict[str, Any]", reply.body)


def seat_events(api: Api, account_id: str) -> list[str]:
    """The account's seat events, oldest first."""
    reply = api.get(f"/accounts/{account_id}/audit-events?limit=100", operator=True)
    assert reply.status == 200, reply.body
    return [e["type"] for e in reversed(reply.body["items"]) if e["type"].startswith("account.seats")]


def test_an_account_counts_its_owner_invitation_then_its_owner(api: Api) -> None:
    account_id, _ = create_account(api)
    assert seats(api, account_id) == {"limit": None, "used": 1, "members": 0, "pending": 1}
    accept_new(api, "owner@acme.com")
    assert seats(api, account_id) == {"limit": None, "used": 1, "members": 1, "pending": 0}


def test_the_operator_sets_and_lifts_the_limit_and_it_is_audited(api: Api) -> None:
    account_id, owner = onboard(api)
    account = set_limit(api, account_id, 10)
    assert account["seats"] == {"limit": 10, "used": 1, "members": 1, "pending": 0}
    assert account["member_count"] == 1
    assert api.get(f"/accounts/{account_id}", token=owner.token).body["seats"]["limit"] == 10
    assert set_limit(api, account_id, None)["seats"]["limit"] is None
    changes = api.get(f"/accounts/{account_id}/audit-events?type=account.seats_changed", operator=True).body[
        "items"
    ]
    assert [c["changes"]["seat_limit"] for c in changes] == [[10, None], [None, 10]]  # newest first
    assert seat_events(api, account_id) == ["account.seats_changed", "account.seats_changed"]


@pytest.mark.parametrize("limit", [0, -1, 100_001, "ten", 2.5])
def test_a_limit_out_of_range_is_a_validation_error(api: Api, limit: int | str | float) -> None:
    account_id, _ = onboard(api)
    reply = api.put(f"/accounts/{account_id}/seats", {"limit": limit}, operator=True)
    assert reply.status == 400 and reply.body["error"]["code"] == "validation_error"
    assert reply.body["error"]["details"][0]["field"] == "limit"
    assert seats(api, account_id)["limit"] is None


def test_the_limit_is_required_and_only_the_operator_sets_it(api: Api) -> None:
    account_id, owner = onboard(api)
    reply = api.put(f"/accounts/{account_id}/seats", {}, operator=True)
    assert reply.status == 400 and reply.body["error"]["details"][0]["field"] == "limit"
    reply = api.put(f"/accounts/{account_id}/seats", {"limit": 100}, token=owner.token)
    assert reply.status == 403
    other_id, other = onboard(api, "Other Co", "other@example.com")
    reply = api.put(f"/accounts/{account_id}/seats", {"limit": 100}, token=other.token)
    assert reply.status == 404  # another account's owner is told nothing of this one
    assert api.put("/accounts/acc_missing/seats", {"limit": 5}, operator=True).status == 404
    assert seats(api, account_id)["limit"] is None and seats(api, other_id)["limit"] is None


def test_an_invite_skips_the_emails_past_the_free_seats_in_input_order_after_other_reasons(api: Api) -> None:
    account_id, owner = onboard(api)
    set_limit(api, account_id, 3)
    emails = [
        "a@example.com",
        "not an email",
        "owner@acme.com",
        "b@example.com",
        "a@example.com",
        "c@example.com",
    ]
    results = invite(api, account_id, owner.token, emails)["results"]
    assert [(r["status"], r.get("reason")) for r in results] == [
        ("invited", None),
        ("skipped", "invalid_email"),
        ("skipped", "already_member"),
        ("invited", None),
        ("skipped", "duplicate"),
        ("skipped", "seat_limit_reached"),
    ]
    assert seats(api, account_id) == {"limit": 3, "used": 3, "members": 1, "pending": 2}
    again = invite(api, account_id, owner.token, ["d@example.com"])["results"]
    assert again[0]["reason"] == "seat_limit_reached"


def test_accepting_never_fails_for_seats_and_keeps_the_count(api: Api) -> None:
    account_id, owner = onboard(api)
    set_limit(api, account_id, 2)
    invite(api, account_id, owner.token, ["ann@example.com"])
    set_limit(api, account_id, 1)  # below what is used: removes nobody, the invitation still holds its seat
    assert seats(api, account_id) == {"limit": 1, "used": 2, "members": 1, "pending": 1}
    accept_new(api, "ann@example.com")
    assert seats(api, account_id) == {"limit": 1, "used": 2, "members": 2, "pending": 0}


def test_revoke_deactivate_and_remove_free_a_seat_at_once(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    set_limit(api, account_id, 3)
    invite(api, account_id, owner.token, ["ann@example.com", "bob@example.com"])
    ann = accept_new(api, "ann@example.com")
    assert invite(api, account_id, owner.token, ["carl@example.com"])["results"][0]["status"] == "skipped"
    [bob] = api.get(f"/accounts/{account_id}/invitations", token=owner.token).body["items"]
    assert (
        api.delete(f"/accounts/{account_id}/invitations/{bob['invitation_id']}", token=owner.token).status
        == 204
    )
    assert seats(api, account_id) == {"limit": 3, "used": 2, "members": 2, "pending": 0}
    assert invite(api, account_id, owner.token, ["carl@example.com"])["results"][0]["status"] == "invited"
    member = f"/accounts/{account_id}/members/{ann.user_id}"
    assert api.post(member + "/deactivate", token=owner.token).status == 200
    assert seats(api, account_id) == {"limit": 3, "used": 2, "members": 1, "pending": 1}
    assert invite(api, account_id, owner.token, ["dan@example.com"])["results"][0]["status"] == "invited"
    refused = api.post(member + "/reactivate", token=owner.token)
    assert refused.status == 409 and refused.body["error"]["code"] == "seat_limit_reached"
    assert "3 seats" in refused.body["error"]["message"]
    assert api.get(member, token=owner.token).body["status"] == "deactivated"
    assert api.delete(member, token=owner.token).status == 204  # a deactivated member held no seat
    assert seats(api, account_id) == {"limit": 3, "used": 3, "members": 1, "pending": 2}
    dan = accept_new(api, "dan@example.com")
    assert api.delete(f"/accounts/{account_id}/members/{dan.user_id}", token=owner.token).status == 204
    assert seats(api, account_id) == {"limit": 3, "used": 2, "members": 1, "pending": 1}


def test_a_reactivation_takes_a_seat_when_one_is_free(api: Api) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com"])
    ann = accept_new(api, "ann@example.com")
    member = f"/accounts/{account_id}/members/{ann.user_id}"
    api.post(member + "/deactivate", token=owner.token)
    set_limit(api, account_id, 2)
    assert api.post(member + "/reactivate", token=owner.token).body["status"] == "active"
    assert seats(api, account_id) == {"limit": 2, "used": 2, "members": 2, "pending": 0}


def test_an_expired_invitation_frees_its_seat_without_the_purge(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    set_limit(api, account_id, 2)
    invite(api, account_id, owner.token, ["ann@example.com"])
    clock.advance(days=7, seconds=1)
    assert seats(api, account_id) == {"limit": 2, "used": 1, "members": 1, "pending": 0}
    token = api.post("/auth/login", {"email": owner.email, "password": PASSWORD}).body["access_token"]
    assert invite(api, account_id, token, ["bob@example.com"])["results"][0]["status"] == "invited"
    [ann] = api.get(f"/accounts/{account_id}/invitations?status=expired", token=token).body["items"]
    refused = api.post(f"/accounts/{account_id}/invitations/{ann['invitation_id']}/resend", token=token)
    assert refused.status == 409 and refused.body["error"]["code"] == "seat_limit_reached"
    assert seats(api, account_id) == {"limit": 2, "used": 2, "members": 1, "pending": 1}
    set_limit(api, account_id, 3)
    resent = api.post(f"/accounts/{account_id}/invitations/{ann['invitation_id']}/resend", token=token)
    assert resent.status == 200 and resent.body["status"] == "pending"
    assert seats(api, account_id) == {"limit": 3, "used": 3, "members": 1, "pending": 2}


def test_an_expired_invitation_is_replaced_by_a_new_one_for_the_same_address(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    set_limit(api, account_id, 2)
    invite(api, account_id, owner.token, ["ann@example.com"])
    clock.advance(days=7, seconds=1)
    token = api.post("/auth/login", {"email": owner.email, "password": PASSWORD}).body["access_token"]
    assert invite(api, account_id, token, ["ann@example.com"])["results"][0]["status"] == "invited"
    assert seats(api, account_id) == {"limit": 2, "used": 2, "members": 1, "pending": 1}
    clock.advance(days=1)
    assert seats(api, account_id)["used"] == 2  # the new invitation holds its seat; the old one none


def test_the_owner_invitation_of_an_account_without_owner_is_never_refused(api: Api, clock: Clock) -> None:
    account_id, owner_invitation = create_account(api)
    set_limit(api, account_id, 1)
    path = f"/accounts/{account_id}/invitations/{owner_invitation['invitation_id']}"
    assert api.delete(path, operator=True).status == 204
    body = {"emails": ["ann@example.com"], "permissions": ["tickets"]}
    assert api.post(f"/accounts/{account_id}/invitations", body, operator=True).status == 200
    assert seats(api, account_id)["used"] == 1
    reply = api.post(f"/accounts/{account_id}/owner-invitation", {"email": "olive@acme.com"}, operator=True)
    assert reply.status == 201
    assert seats(api, account_id) == {"limit": 1, "used": 2, "members": 0, "pending": 2}
    clock.advance(days=8)  # both lapse; the owner's is resent, still never refused
    body = {"emails": ["bob@example.com"], "permissions": ["tickets"]}
    assert api.post(f"/accounts/{account_id}/invitations", body, operator=True).status == 200
    resent = api.post(
        f"/accounts/{account_id}/invitations/{reply.body['invitation_id']}/resend", operator=True
    )
    assert resent.status == 200
    assert seats(api, account_id) == {"limit": 1, "used": 2, "members": 0, "pending": 2}


def test_warning_and_full_are_emitted_at_each_upward_crossing_and_never_for_a_limit(
    api: Api, clock: Clock
) -> None:
    account_id, owner = onboard(api)
    set_limit(api, account_id, 5)  # the warning at 4
    invite(api, account_id, owner.token, ["a@example.com", "b@example.com"])  # 3
    assert seat_events(api, account_id) == ["account.seats_changed"]
    invite(api, account_id, owner.token, ["c@example.com"])  # 4
    invite(api, account_id, owner.token, ["d@example.com"])  # 5
    assert seat_events(api, account_id)[1:] == ["account.seats_warning", "account.seats_full"]
    [d] = [i for i in api.get(f"/accounts/{account_id}/invitations", token=owner.token).body["items"]
           if i["email"] == "d@example.com"]  # fmt: skip
    api.delete(f"/accounts/{account_id}/invitations/{d['invitation_id']}", token=owner.token)  # 4
    set_limit(api, account_id, 4)  # full again by the limit: no event
    set_limit(api, account_id, 5)
    invite(api, account_id, owner.token, ["e@example.com"])  # 5: full crossed again, the warning not
    assert seat_events(api, account_id)[3:] == [
        "account.seats_changed",
        "account.seats_changed",
        "account.seats_full",
    ]


def test_one_step_that_crosses_both_emits_both_in_order_with_the_seats(api: Api) -> None:
    account_id, owner = onboard(api)
    set_limit(api, account_id, 3)  # the warning at 3 too (80 % of 3 is 2.4)
    invite(api, account_id, owner.token, ["a@example.com", "b@example.com"])
    reply = api.get(f"/accounts/{account_id}/audit-events?limit=10", operator=True).body["items"]
    full, warning = [
        e for e in reply if e["type"].startswith("account.seats_") and e["type"] != "account.seats_changed"
    ]
    assert (warning["type"], full["type"]) == ("account.seats_warning", "account.seats_full")
    assert full["changes"] == {"seats_used": [None, 3], "seat_limit": [None, 3]}
    assert full["target"]["id"] == account_id


def test_the_events_go_out_as_webhooks(api: Api, loopback: Deps, receiver: WebhookReceiver) -> None:
    account_id, owner = onboard(api)
    reply = api.post(
        f"/accounts/{account_id}/webhooks",
        {"url": receiver.url, "event_types": ["account.seats_full"]},
        token=owner.token,
    )
    assert reply.status == 201, reply.body
    set_limit(api, account_id, 2)
    invite(api, account_id, owner.token, ["a@example.com"])
    assert run_once(loopback).succeeded == 1
    [arrived] = [json.loads(r.body) for r in receiver.received]
    assert (arrived["type"], arrived["data"]["account_id"]) == ("account.seats_full", account_id)


def test_an_expired_invitation_counts_again_once_the_purge_ran(api: Api, deps: Deps, clock: Clock) -> None:
    from chalicelib.jobs.purge import purge_expired

    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com", "bob@example.com"])
    clock.advance(days=8)
    assert seats(api, account_id)["used"] == 1
    assert purge_expired(deps.store, clock() + timedelta(seconds=1)).deleted == 2
    assert seats(api, account_id) == {"limit": None, "used": 1, "members": 1, "pending": 0}


def test_reading_an_account_costs_a_query_only_once_a_seat_holder_may_have_expired(
    api: Api, clock: Clock
) -> None:
    from tests.helpers import DynamoCalls

    account_id, owner = onboard(api)
    with DynamoCalls() as calls:
        assert api.get(f"/accounts/{account_id}", token=owner.token).status == 200
    assert calls.operations == ["BatchGetItem"]  # nobody pending: no expired invitation can hold a seat
    invite(api, account_id, owner.token, ["ann@example.com"])
    with DynamoCalls() as calls:
        assert api.get(f"/accounts/{account_id}", token=owner.token).body["seats"]["pending"] == 1
    assert calls.operations == ["BatchGetItem"]  # ann's expiry is the account's bound: not passed yet
    clock.advance(days=8)
    token = api.post("/auth/login", {"email": owner.email, "password": PASSWORD}).body["access_token"]
    with DynamoCalls() as calls:
        found = api.get(f"/accounts/{account_id}", token=token).body["seats"]
    assert calls.operations == ["BatchGetItem", "Query"]  # the bound passed: the expired ones counted
    assert found["used"] == 1 and found["pending"] == 0


def test_expired_invitations_count_in_no_crossing(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    set_limit(api, account_id, 10)  # the warning at 8
    invite(api, account_id, owner.token, [f"p{n}@example.com" for n in range(6)])  # 7 used
    clock.advance(days=8)  # the six lapse: 1 used, though the counter still holds 7
    token = api.post("/auth/login", {"email": owner.email, "password": PASSWORD}).body["access_token"]
    invite(api, account_id, token, ["late@example.com"])  # 2 used: the counter's 8 would have been 80 %
    assert seats(api, account_id) == {"limit": 10, "used": 2, "members": 1, "pending": 1}
    assert seat_events(api, account_id) == ["account.seats_changed"]


def test_a_whole_number_sent_as_3_0_is_taken_and_a_fraction_refused() -> None:
    """JSON Schema counts 363.0 as an integer (schemathesis sent it): the API takes it as 363."""
    from chalicelib.schemas.account_changes import SeatsIn

    assert SeatsIn.model_validate_json('{"limit": 363.0}').limit == 363
    with pytest.raises(ValueError):
        SeatsIn.model_validate_json('{"limit": 3.5}')
    with pytest.raises(ValueError):
        SeatsIn.model_validate_json('{"limit": true}')
