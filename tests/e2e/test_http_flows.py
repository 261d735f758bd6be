"""Over real HTTP against the local runner: the journeys a portal goes through."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any, cast

import pytest
from standardwebhooks import Webhook

from tests.helpers import PASSWORD
from tests.helpers.receiver import WebhookReceiver

if TYPE_CHECKING:
    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e


def accept_new(live: Live, email: str) -> dict[str, Any]:
    """Accepting as a new user, keeping the whole answer."""
    body = {"token": live.latest_link(email), "password": PASSWORD, "first_name": "E2E", "last_name": "User"}
    status, accepted = live.call("POST", "/invitations/accept", body)
    assert status == 201, accepted
    return cast("dict[str, Any]", accepted)


def test_service_routes(live: Live) -> None:
    assert tuple(live.call("GET", "/health")) == (200, {"status": "ok"})
    status, body = live.call("GET", "/permissions")
    assert status == 200 and len(body["permissions"]) == 16


def test_owner_invites_two_people_one_new_one_from_another_account(live: Live) -> None:
    status, created = live.call(
        "POST", "/accounts", {"name": "E2E Hosting", "owner_email": "owner@e2e.example.com"}, operator=True
    )
    assert status == 201
    account_id = created["account"]["account_id"]
    owner = accept_new(live, "owner@e2e.example.com")
    assert owner["membership"]["role"] == "owner"

    # the designer already owns another account
    status, _ = live.call(
        "POST",
        "/accounts",
        {"name": "Designer Studio", "owner_email": "designer@e2e.example.com"},
        operator=True,
    )
    designer = accept_new(live, "designer@e2e.example.com")

    status, invited = live.call(
        "POST",
        f"/accounts/{account_id}/invitations",
        {
            "emails": ["newbie@e2e.example.com", "designer@e2e.example.com"],
            "role": "member",
            "permissions": ["tickets"],
        },
        token=owner["access_token"],
    )
    assert status == 200
    assert [r["status"] for r in invited["results"]] == ["invited", "invited"]

    newbie = accept_new(live, "newbie@e2e.example.com")
    assert newbie["account_id"] == account_id and newbie["membership"]["permissions"] == ["tickets"]

    status, lookup = live.call(
        "POST", "/invitations/lookup", {"token": live.latest_link("designer@e2e.example.com")}
    )
    assert status == 200 and lookup["existing_user"] is True
    status, joined = live.call(
        "POST",
        "/invitations/accept",
        {"token": live.latest_link("designer@e2e.example.com"), "password": PASSWORD},
    )
    assert status == 201 and joined["user"]["user_id"] == designer["user"]["user_id"]

    status, login = live.call(
        "POST", "/auth/login", {"email": "designer@e2e.example.com", "password": PASSWORD}
    )
    assert status == 200
    assert sorted(a["name"] for a in login["accounts"]) == ["Designer Studio", "E2E Hosting"]
    status, account = live.call("GET", f"/accounts/{account_id}", token=owner["access_token"])
    assert account["member_count"] == 3


def test_errors_over_http_are_json(live: Live) -> None:
    status, body = live.call("POST", "/auth/login", {"email": "nobody@e2e.example.com", "password": "x"})
    assert status == 401 and body["error"]["code"] == "invalid_credentials"
    status, body = live.call("GET", "/me")
    assert status == 401 and body["error"]["code"] == "unauthenticated"
    status, body = live.call("GET", "/no/such/path")
    assert status == 404 and body["error"]["code"] == "not_found"  # as infra/ makes API Gateway answer
    status, body = live.call("DELETE", "/permissions")
    assert status == 405 and body["error"]["code"] == "method_not_allowed"


# Here rather than in a module of its own: e2e modules share one server, and after the fuzzing and load
# modules moto's whole-state dump (how the tests read emails) grows slow.
def test_a_change_reaches_a_local_receiver_within_seconds(live: Live) -> None:
    status, created = live.call(
        "POST", "/accounts", {"name": "Hook Co", "owner_email": "owner@hook.example.com"}, operator=True
    )
    assert status == 201
    account_id = created["account"]["account_id"]
    body = {"token": live.latest_link("owner@hook.example.com"), "password": PASSWORD, "first_name": "H",
            "last_name": "K"}  # fmt: skip
    status, owner = live.call("POST", "/invitations/accept", body)
    assert status == 201
    receiver = WebhookReceiver().up()
    try:
        wanted = {"url": receiver.url, "event_types": ["contact.created"]}
        status, hook = live.call(
            "POST", f"/accounts/{account_id}/webhooks", wanted, token=owner["access_token"]
        )
        assert status == 201, hook
        status, _ = live.call(
            "POST", f"/accounts/{account_id}/contacts", {"email": "billing@hook.example.com"},
            token=owner["access_token"],
        )  # fmt: skip
        assert status == 201
        deadline = time.monotonic() + 30
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        receiver.down()
    [arrived] = receiver.received
    payload = Webhook(hook["secret"]).verify(arrived.body, arrived.headers)
    assert payload["type"] == "contact.created" and payload["data"]["account_id"] == account_id
    assert json.loads(arrived.body)["data"]["target"]["email"] == "billing@hook.example.com"
