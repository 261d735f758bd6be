"""Over real HTTP: `make run` delivers webhooks too, so a newcomer sees one arrive, signed."""

from __future__ import annotations

import json
import time

import pytest
from standardwebhooks import Webhook

from tests.helpers import PASSWORD
from tests.helpers.receiver import WebhookReceiver

pytestmark = pytest.mark.e2e


def test_a_change_reaches_a_local_receiver_within_seconds(live):
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
