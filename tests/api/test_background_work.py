"""Background work that no account can stop, slow down or undo: caps that hold under any race, one account's
poisoned event or slow receivers never delaying another's, a delivery that never reverts an owner's change,
and events held (not lost) for an endpoint that is off."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

import pytest

from chalicelib.schemas import audit as audit_schemas
from chalicelib.services import email_worker
from chalicelib.services.webhook_delivery import run_once
from chalicelib.services.worker_loop import Limits
from chalicelib.store import groups as group_store
from chalicelib.store.models import AuditEventItem, WebhookItem
from tests.helpers import emails_to, onboard
from tests.helpers.concurrency import replies_together
from tests.helpers.receiver import WebhookReceiver
from tests.helpers.webhooks import PUBLIC_URL, add_contact, hooks, subscribe

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.services.outbox import Ready
    from chalicelib.store.models import MailItem
    from tests.helpers import Api, Clock, Reply


def test_140_concurrent_webhook_creates_leave_at_most_20_endpoints(api: Api) -> None:
    account_id, owner = onboard(api)
    body = {"url": PUBLIC_URL, "event_types": ["*"]}
    answers = replies_together(
        *[lambda: api.post(hooks(account_id), body, token=owner.token) for _ in range(140)]
    )
    statuses = [answer.status for answer in answers]
    assert statuses.count(201) == 20 and set(statuses) == {201, 409}
    listed: list[Any] = []
    cursor, pages = None, 0
    while True:
        page = api.get(
            hooks(account_id) + (f"?limit=8&cursor={cursor}" if cursor else "?limit=8"), token=owner.token
        )
        listed += page.body["items"]
        pages, cursor = pages + 1, page.body["next_cursor"]
        if cursor is None:
            break
    assert len(listed) == 20 and pages == 3 and len({w["webhook_id"] for w in listed}) == 20
    deleted = api.delete(f"{hooks(account_id)}/{listed[0]['webhook_id']}", token=owner.token)
    assert deleted.status == 204 and api.post(hooks(account_id), body, token=owner.token).status == 201


def test_concurrent_group_creates_never_pass_the_accounts_cap(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(group_store, "MAX_GROUPS", 5)
    account_id, owner = onboard(api)

    def create(n: int) -> Callable[[], Reply]:
        return lambda: api.post(f"/accounts/{account_id}/groups", {"name": f"Team {n}"}, token=owner.token)

    answers = replies_together(*[create(n) for n in range(16)])
    assert [a.status for a in answers].count(201) == 5
    listed = api.get(f"/accounts/{account_id}/groups?limit=50", token=owner.token).body["items"]
    assert len([g for g in listed if g["group_id"] != "default"]) == 5


def test_an_event_that_cannot_be_fanned_out_holds_up_nothing_and_is_parked(
    api: Api, loopback: Deps, receiver: WebhookReceiver, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad_id, bad_owner = onboard(api, "Broken Co", "owner@broken.com")
    good_id, good_owner = onboard(api)
    subscribe(api, bad_id, bad_owner.token, receiver.url)
    subscribe(api, good_id, good_owner.token, receiver.url)
    run_once(loopback)
    made = audit_schemas.AuditEvent.of

    def poisoned(item: AuditEventItem) -> audit_schemas.AuditEvent:
        if item.account_id == bad_id:
            raise ValueError("bad data in this account's event")
        return made(item)

    monkeypatch.setattr(audit_schemas.AuditEvent, "of", staticmethod(poisoned))
    add_contact(api, bad_id, bad_owner.token, "a@broken.com")
    add_contact(api, good_id, good_owner.token, "a@good.com")
    assert api.post("/auth/password-reset", {"email": good_owner.email}).status in (202, 204)
    report = run_once(loopback)
    assert report.succeeded == 1 and [r for r in receiver.received if b"a@good.com" in r.body]
    emails = email_worker.run_once(loopback, clock() + timedelta(minutes=2))  # past any lease
    assert emails.errored == 0 and any("password" in m.subject.lower() for m in emails_to(good_owner.email))
    for _ in range(6):  # its own schedule: 1 m, 10 m, 1 h, 1 h, then parked
        clock.advance(hours=2)
        run_once(loopback)
    [event] = [e for e in AuditEventItem.query(f"AUDIT#{bad_id}") if e.type == "contact.created"]
    assert event.gsi2pk is None and int(event.fan_out_attempts) == 5
    assert "bad data" in (event.fan_out_error or "")


def test_another_accounts_event_goes_out_in_the_same_run_as_one_accounts_slow_endpoints(
    api: Api, loopback: Deps
) -> None:
    slow, fast = WebhookReceiver(delay=1.5).up(), WebhookReceiver().up()
    try:
        slow_id, slow_owner = onboard(api, "Slow Co", "owner@slow.com")
        fast_id, fast_owner = onboard(api)
        for _ in range(20):
            subscribe(api, slow_id, slow_owner.token, slow.url)
        subscribe(api, fast_id, fast_owner.token, fast.url)
        run_once(loopback)
        add_contact(api, slow_id, slow_owner.token, "x@slow.com")
        add_contact(api, fast_id, fast_owner.token, "x@fast.com")
        report = run_once(loopback, limits=Limits(workers=8, per_account=4, share=50, budget_seconds=1.0))
        assert len(fast.received) == 1  # the other account's event: delivered in this very run
        assert report.deferred > 0 and report.attempted < 21  # the slow account got its share, not the run
        assert report.seconds < 1.0 + 1.5 + 1.0  # the budget, one slow attempt, and the records
        slow.delay = 0  # what is left is about every event arriving in the end, not about slowness
        while run_once(loopback, limits=Limits(budget_seconds=5.0)).attempted:
            pass
        assert len(slow.received) == 20  # all of it, over later runs
    finally:
        slow.down()
        fast.down()


def test_a_rotation_and_a_disable_during_a_send_stand_and_nothing_more_goes_to_the_old_url(
    api: Api, loopback: Deps, receiver: WebhookReceiver
) -> None:
    account_id, owner = onboard(api)
    created = subscribe(api, account_id, owner.token, receiver.url)
    webhook = f"{hooks(account_id)}/{created['webhook_id']}"
    run_once(loopback)
    add_contact(api, account_id, owner.token, "first@x.com")
    receiver.gate = threading.Event()
    worker = threading.Thread(target=run_once, args=(loopback,))
    worker.start()
    assert receiver.arrived.wait(10)  # the send is under way
    rotated = api.post(webhook + "/rotate-secret", token=owner.token).body["secret"]
    moved = api.patch(webhook, {"url": "https://93.184.216.34/new", "enabled": False}, token=owner.token)
    assert moved.status == 200
    receiver.gate.set()
    worker.join(10)
    stored = WebhookItem.get(f"ACCOUNT#{account_id}", f"WEBHOOK#{created['webhook_id']}")
    assert (stored.url, stored.enabled, stored.secret) == ("https://93.184.216.34/new", False, rotated)
    assert stored.last_delivery_at is not None  # the worker's own mark, beside the owner's change
    add_contact(api, account_id, owner.token, "second@x.com")
    run_once(loopback)
    assert len(receiver.received) == 1  # nothing more to the old URL
    held = api.get(webhook + "/deliveries?status=pending", token=owner.token).body["items"]
    assert [(d["status"], d["attempts"]) for d in held] == [("pending", 0)]  # held, not lost
    log = api.get(f"/accounts/{account_id}/audit-events?target_id={created['webhook_id']}", token=owner.token)
    assert [e["type"] for e in log.body["items"]][:2] == ["webhook.updated", "webhook.secret_rotated"]


def test_events_are_held_for_an_endpoint_that_is_off_and_go_out_when_it_is_on_again(
    api: Api, loopback: Deps, receiver: WebhookReceiver
) -> None:
    account_id, owner = onboard(api)
    created = subscribe(api, account_id, owner.token, receiver.url)
    webhook = f"{hooks(account_id)}/{created['webhook_id']}"
    assert api.patch(webhook, {"enabled": False}, token=owner.token).status == 200
    for n in range(3):
        add_contact(api, account_id, owner.token, f"c{n}@x.com")
    run_once(loopback)
    assert receiver.received == []
    assert len(api.get(webhook + "/deliveries", token=owner.token).body["items"]) == 3  # every event recorded
    assert api.patch(webhook, {"enabled": True}, token=owner.token).status == 200
    run_once(loopback)
    arrived = sorted(
        next(f"c{n}" for n in range(3) if f"c{n}@x.com".encode() in r.body) for r in receiver.received
    )
    assert arrived == ["c0", "c1", "c2"]  # each held event once, once the endpoint is on
    statuses = [d["status"] for d in api.get(webhook + "/deliveries", token=owner.token).body["items"]]
    assert statuses == ["succeeded"] * 3
    types = [e["type"] for e in api.get(f"/accounts/{account_id}/audit-events?type=webhook.disabled",
                                        token=owner.token).body["items"]]  # fmt: skip
    assert types == ["webhook.disabled"]  # turning it off by hand is recorded as such


def test_an_endpoint_is_failing_since_its_first_failure(
    api: Api, loopback: Deps, receiver: WebhookReceiver, clock: Clock
) -> None:
    receiver.status = 500
    account_id, owner = onboard(api)
    created = subscribe(api, account_id, owner.token, receiver.url)
    add_contact(api, account_id, owner.token, "a@x.com")
    run_once(loopback)
    shown = api.get(f"{hooks(account_id)}/{created['webhook_id']}", token=owner.token).body
    assert shown["failing_since"] == "2026-11-23T09:00:00Z"  # at once, not after the 27 h schedule
    receiver.status = 204
    clock.advance(minutes=1)
    run_once(loopback)
    assert (
        api.get(f"{hooks(account_id)}/{created['webhook_id']}", token=owner.token).body["failing_since"]
        is None
    )


def test_an_account_without_endpoints_puts_nothing_in_the_outbox(
    api: Api, loopback: Deps, receiver: WebhookReceiver
) -> None:
    quiet_id, quiet_owner = onboard(api, "Quiet Co", "owner@quiet.com")
    loud_id, loud_owner = onboard(api)
    subscribe(api, loud_id, loud_owner.token, receiver.url)
    run_once(loopback)  # onboarding's events (read no account: queued, to be safe) handed on
    add_contact(api, quiet_id, quiet_owner.token, "q@x.com")
    add_contact(api, loud_id, loud_owner.token, "l@x.com")
    queued = {cast(AuditEventItem, e).account_id for e in AuditEventItem.by_expiry.query("OUTBOX#0")}
    for shard in range(1, 16):
        queued |= {
            cast(AuditEventItem, e).account_id for e in AuditEventItem.by_expiry.query(f"OUTBOX#{shard}")
        }
    assert loud_id in queued and quiet_id not in queued
    feed = api.post("/webhooks", {"url": receiver.url, "event_types": ["contact.created"]}, operator=True)
    assert feed.status == 201  # the operator hears every account: now the quiet one's events are queued
    add_contact(api, quiet_id, quiet_owner.token, "q2@x.com")
    run_once(loopback)
    assert any(b"q2@x.com" in r.body for r in receiver.received)


def test_an_expired_invitation_replaced_by_a_new_one_leaves_its_group_and_the_log_right(
    api: Api, clock: Clock
) -> None:
    from tests.helpers import invite, sign_in

    account_id, owner = onboard(api)
    group = api.post(f"/accounts/{account_id}/groups", {"name": "Billing"}, token=owner.token).body
    body = {"emails": ["late@x.com"], "group_id": group["group_id"]}
    assert api.post(f"/accounts/{account_id}/invitations", body, token=owner.token).status == 200
    clock.advance(days=8)  # expired, and the hourly purge has not come by yet
    token = sign_in(api, owner.email)
    invite(api, account_id, token, ["late@x.com"])  # the same address again, outside the group
    assert api.delete(f"/accounts/{account_id}/groups/{group['group_id']}", token=token).status == 204
    log = api.get(f"/accounts/{account_id}/audit-events?type=invitation.expired", token=token).body["items"]
    assert [(e["target"]["email"], e["actor"]["kind"]) for e in log] == [("late@x.com", "system")]


def test_the_cli_purge_looking_ahead_records_the_real_time(
    api: Api, deps: Deps, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime

    from chalicelib import cli
    from tests.helpers import invite

    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["a@x.com"])
    monkeypatch.setenv("TABLE_NAME", deps.settings.table_name)
    later = (clock() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    before = datetime.now(UTC).replace(microsecond=0)
    assert cli.main(["purge-invitations", "--now", later]) == 0
    log = api.get(f"/accounts/{account_id}/audit-events?type=invitation.expired", token=owner.token).body[
        "items"
    ]
    occurred = datetime.fromisoformat(log[0]["occurred_at"].replace("Z", "+00:00"))
    assert before <= occurred <= datetime.now(UTC)  # not the --now of 30 days ahead


def test_an_email_that_cannot_be_prepared_fails_on_its_own(
    api: Api, deps: Deps, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.services import email_worker as worker
    from chalicelib.services.password_reset import reset_email_for

    first_id, first_owner = onboard(api, "One", "owner@one.com")
    second_id, second_owner = onboard(api, "Two", "owner@two.com")
    for email in (first_owner.email, second_owner.email):
        api.post("/auth/password-reset", {"email": email})
    made = reset_email_for  # the one the worker calls, patched below

    def broken(deps_: Deps, mail: MailItem) -> Ready | None:
        if mail.to == first_owner.email:
            raise KeyError("a template value went missing")
        return made(deps_, mail)

    monkeypatch.setattr(worker, "reset_email_for", broken)
    report = worker.run_once(deps, clock() + timedelta(minutes=2))
    assert report.sent == 1 and report.tally.failed == 1 and report.errored == 0
    assert [m for m in emails_to(second_owner.email) if "password" in m.subject.lower()]
    clock.advance(days=2)  # past its whole schedule: given up, not retried for ever
    for _ in range(3):
        worker.run_once(deps, clock())
        clock.advance(hours=7)
    assert worker.run_once(deps, clock()).started == 0
