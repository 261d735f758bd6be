"""Webhooks: endpoints (an account's, the operator's), their secrets, and deliveries to a real receiver on
127.0.0.1, verified with the Standard Webhooks library, through a receiver that is down, failing, or fine."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from standardwebhooks import Webhook

from chalicelib.services.webhook_delivery import run_once
from tests.helpers import emails_to, join, onboard
from tests.helpers.receiver import WebhookReceiver
from tests.helpers.webhooks import PUBLIC_URL, add_contact, hooks

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock
    from tests.helpers.receiver import Received


def test_an_endpoint_is_created_with_its_secret_shown_once(api: Api) -> None:
    account_id, owner = onboard(api)
    created = api.post(
        hooks(account_id), {"url": PUBLIC_URL, "event_types": ["member.removed"]}, token=owner.token
    )
    assert created.status == 201 and created.body["secret"].startswith("whsec_")
    webhook_id = created.body["webhook_id"]
    shown = api.get(f"{hooks(account_id)}/{webhook_id}", token=owner.token).body
    assert "secret" not in shown and shown["enabled"] is True and shown["failing_since"] is None
    assert [w["webhook_id"] for w in api.get(hooks(account_id), token=owner.token).body["items"]] == [
        webhook_id
    ]
    rotated = api.post(f"{hooks(account_id)}/{webhook_id}/rotate-secret", token=owner.token).body
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created.body["secret"]
    changed = api.patch(f"{hooks(account_id)}/{webhook_id}", {"event_types": ["*"]}, token=owner.token)
    assert changed.body["event_types"] == ["*"]
    assert api.delete(f"{hooks(account_id)}/{webhook_id}", token=owner.token).status == 204
    assert api.get(f"{hooks(account_id)}/{webhook_id}", token=owner.token).code == "not_found"
    log = api.get(f"/accounts/{account_id}/audit-events?target_id={webhook_id}", token=owner.token).body
    assert [e["type"] for e in log["items"]] == [
        "webhook.deleted",
        "webhook.updated",
        "webhook.secret_rotated",
        "webhook.created",
    ]  # every change to where an account's events go leaves a trace
    assert log["items"][1]["changes"] == {"event_types": [["member.removed"], ["*"]]}
    assert "whsec_" not in json.dumps(log)  # never a secret in an event


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.216.34/hooks",  # not https
        "https://127.0.0.1/hooks",
        "https://10.1.2.3/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::ffff:192.168.0.1]/hooks",
        "https://2130706433/hooks",  # 127.0.0.1 as one number
        "https://user:pass@93.184.216.34/hooks",
        "http://127.0.0.1:9/hooks",  # loopback only where the local stage allows it
    ],
)
def test_unsafe_urls_are_refused_when_saved(api: Api, url: str) -> None:
    account_id, owner = onboard(api)
    reply = api.post(hooks(account_id), {"url": url, "event_types": ["*"]}, token=owner.token)
    assert reply.code == "validation_error" and reply.body["error"]["details"][0]["field"] == "url"
    created = api.post(hooks(account_id), {"url": PUBLIC_URL, "event_types": ["*"]}, token=owner.token).body
    patched = api.patch(f"{hooks(account_id)}/{created['webhook_id']}", {"url": url}, token=owner.token)
    assert patched.code == "validation_error"


def test_only_the_owner_and_the_operator_manage_an_accounts_endpoints(api: Api) -> None:
    account_id, owner = onboard(api)
    admin = join(api, account_id, owner.token, "admin@acme.com", role="admin", permissions=[])
    other_id, other_owner = onboard(api, "Elsewhere", "owner@elsewhere.com")
    body = {"url": PUBLIC_URL, "event_types": ["*"]}
    assert api.post(hooks(account_id), body, token=admin.token).code == "forbidden"
    assert api.get(hooks(account_id), token=admin.token).code == "forbidden"
    assert api.post(hooks(account_id), body, token=other_owner.token).code == "not_found"
    assert api.post(hooks(account_id), body, operator=True).status == 201
    assert api.post("/webhooks", body, token=owner.token).status in (401, 403)
    mine = api.post(hooks(other_id), body, token=other_owner.token).body["webhook_id"]
    assert api.get(f"{hooks(account_id)}/{mine}", token=owner.token).code == "not_found"
    assert (
        api.post(hooks(account_id), {**body, "event_types": ["member.exploded"]}, token=owner.token).status
        == 400
    )


def test_deliveries_reach_a_real_receiver_signed_as_standard_webhooks_say(
    api: Api, loopback: Deps, receiver: WebhookReceiver
) -> None:
    account_id, owner = onboard(api)
    other_id, other_owner = onboard(api, "Elsewhere", "owner@elsewhere.com")
    created = api.post(
        hooks(account_id), {"url": receiver.url, "event_types": ["contact.created"]}, token=owner.token
    )
    feed = api.post("/webhooks", {"url": receiver.url, "event_types": ["contact.created"]}, operator=True)
    assert feed.status == 201
    run_once(loopback)  # the accounts' own setup events: none of these types
    contact = add_contact(api, account_id, owner.token)
    add_contact(api, other_id, other_owner.token, "someone@else.com")
    report = run_once(loopback)
    assert (report.attempted, report.succeeded) == (3, 3)  # Acme's endpoint once, the feed twice
    secrets = {created.body["secret"]: "account", feed.body["secret"]: "feed"}
    seen = []
    for arrived in receiver.received:
        verified = [name for secret, name in secrets.items() if _verifies(secret, arrived)]
        payload = json.loads(arrived.body)
        seen.append((verified, payload["type"], payload["data"]["account_id"]))
        assert arrived.headers["webhook-id"] == payload["data"]["event_id"]
    assert sorted(seen) == sorted(
        [(["account"], "contact.created", account_id), (["feed"], "contact.created", account_id),
         (["feed"], "contact.created", other_id)]
    )  # fmt: skip
    mine = next(json.loads(r.body) for r in receiver.received if _verifies(created.body["secret"], r))
    assert mine["data"]["target"] == {"kind": "contact", "id": contact["contact_id"], "email": "bill@x.com"}
    assert run_once(loopback).attempted == 0  # delivered once: nothing due
    log = api.get(f"{hooks(account_id)}/{created.body['webhook_id']}/deliveries", token=owner.token).body[
        "items"
    ]
    assert [(d["status"], d["attempts"], d["last_status_code"]) for d in log] == [("succeeded", 1, 204)]


def _verifies(secret: str, arrived: Received) -> bool:
    try:
        Webhook(secret).verify(arrived.body, arrived.headers)
    except Exception:
        return False
    return True


def test_a_receiver_down_for_the_first_three_attempts_still_gets_the_event(
    api: Api, loopback: Deps, clock: Clock
) -> None:
    receiver = WebhookReceiver()  # not listening yet
    account_id, owner = onboard(api)
    created = api.post(
        hooks(account_id), {"url": receiver.url, "event_types": ["contact.created"]}, token=owner.token
    )
    add_contact(api, account_id, owner.token)
    waits = [{"minutes": 0}, {"minutes": 1}, {"minutes": 5}]
    for wait in waits:
        clock.advance(**wait)
        assert run_once(loopback).succeeded == 0
    path = f"{hooks(account_id)}/{created.body['webhook_id']}/deliveries"
    token = owner.token
    [pending] = api.get(path, token=token).body["items"]
    assert (pending["status"], pending["attempts"], pending["last_status_code"]) == ("pending", 3, None)
    assert pending["next_attempt_at"] == "2026-11-23T09:36:00Z"  # 30 minutes after the third
    receiver.up()
    try:
        clock.advance(minutes=29)
        assert run_once(loopback).attempted == 0  # not due yet
        clock.advance(minutes=1)
        assert run_once(loopback).succeeded == 1
    finally:
        receiver.down()
    assert len(receiver.received) == 1 and _verifies(created.body["secret"], receiver.received[0])
    [done] = api.get(path, operator=True).body["items"]
    assert (done["status"], done["attempts"]) == ("succeeded", 4)


def test_an_endpoint_failing_for_five_days_is_turned_off_and_its_owner_told(
    api: Api, loopback: Deps, clock: Clock, receiver: WebhookReceiver
) -> None:
    receiver.status = 500
    account_id, owner = onboard(api)
    created = api.post(
        hooks(account_id), {"url": receiver.url, "event_types": ["contact.created"]}, token=owner.token
    )
    webhook = f"{hooks(account_id)}/{created.body['webhook_id']}"
    add_contact(api, account_id, owner.token)
    for _ in range(12):  # past the whole schedule (27 h 36 min)
        run_once(loopback)
        clock.advance(hours=3)
    [given_up] = api.get(webhook + "/deliveries", operator=True).body["items"]
    assert (given_up["status"], given_up["attempts"], given_up["last_status_code"]) == ("failed", 8, 500)
    shown = api.get(webhook, operator=True).body
    assert shown["failing_since"] == "2026-11-23T09:00:00Z" and shown["enabled"] is True
    assert emails_to(owner.email)[-1].subject != "A webhook of Acme Hosting was turned off"
    clock.advance(days=4)
    add_contact(api, account_id, sign_in_again(api, owner.email), "second@x.com")
    run_once(loopback)
    off = api.get(webhook, operator=True).body
    assert off["enabled"] is False
    assert emails_to(owner.email)[-1].subject == "A webhook of Acme Hosting was turned off"
    # a manual retry once it is back on, and a receiver that works again
    receiver.status = 200
    assert api.patch(webhook, {"enabled": True}, operator=True).body["failing_since"] is None
    retried = api.post(f"{webhook}/deliveries/{given_up['delivery_id']}/retry", operator=True)
    assert retried.status == 202
    run_once(loopback)
    statuses = {
        d["delivery_id"]: d["status"] for d in api.get(webhook + "/deliveries", operator=True).body["items"]
    }
    assert statuses[given_up["delivery_id"]] == "succeeded"
    again = api.post(f"{webhook}/deliveries/{given_up['delivery_id']}/retry", operator=True)
    assert (again.status, again.code) == (409, "delivery_succeeded")


def sign_in_again(api: Api, email: str) -> str:
    from tests.helpers import sign_in

    return sign_in(api, email)


def test_a_worker_dying_between_sending_and_recording_sends_again_never_zero_times(
    api: Api, loopback: Deps, clock: Clock, receiver: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id, owner = onboard(api)
    api.post(hooks(account_id), {"url": receiver.url, "event_types": ["contact.created"]}, token=owner.token)
    add_contact(api, account_id, owner.token)
    store = loopback.store.deliveries
    recorded = store.record

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the worker's process ended here")

    monkeypatch.setattr(store, "record", crash)
    assert run_once(loopback).succeeded == 0  # logged; the other deliveries would go on
    assert len(receiver.received) == 1  # sent, but not recorded
    monkeypatch.setattr(store, "record", recorded)
    assert run_once(loopback).attempted == 0  # leased: no second worker sends it meanwhile
    clock.advance(minutes=2)  # the lease lapses
    assert run_once(loopback).succeeded == 1
    assert len(receiver.received) == 2 and receiver.received[0].body == receiver.received[1].body
    assert receiver.received[0].headers["webhook-id"] == receiver.received[1].headers["webhook-id"]
    assert run_once(loopback).attempted == 0  # recorded now: done
