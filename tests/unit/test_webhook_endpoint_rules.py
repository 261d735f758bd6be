"""The rules of webhook endpoints and their deliveries' state (services/webhooks.py) and of Idempotency-Key's
hold (api/idempotency.py), called directly: on the fakes here, again on moto in
tests/api/test_rules_on_moto.py. The delivery worker's attempts (real HTTP) are tests/api's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

import pytest
from chalice.app import Response

from chalicelib.api import idempotency
from chalicelib.domain.audit import Target
from chalicelib.domain.caller import OPERATOR
from chalicelib.errors import AppError
from chalicelib.ids import new_sortable_id
from chalicelib.schemas.common import ListQuery
from chalicelib.schemas.webhooks import DeliveryQuery, WebhookIn, WebhookUpdateIn
from chalicelib.services import webhooks
from chalicelib.services.audit_record import record
from chalicelib.store.audit import OUTBOX, AuditFilter
from chalicelib.store.deliveries import new_delivery_item, set_due, set_held
from chalicelib.store.due import mark
from chalicelib.store.idempotency import LEASE, KeyHold
from chalicelib.store.webhooks import MAX_WEBHOOKS
from tests.helpers.present import of_type, present

if TYPE_CHECKING:
    from chalicelib.domain.audit import EventType
    from chalicelib.schemas.webhooks import DeliveryStatus, WebhookWithSecret
    from tests.helpers import Clock
    from tests.helpers.fakes import FakeWorld

URL = "https://93.184.216.34/hook"  # a public address: checked without a DNS lookup


def code_of(call: Callable[[], object]) -> str:
    with pytest.raises(AppError) as raised:
        call()
    return raised.value.code


def new(
    world: FakeWorld,
    account_id: str | None,
    url: str = URL,
    types: tuple[EventType | Literal["*"], ...] = ("*",),
) -> WebhookWithSecret:
    body = WebhookIn(url=url, event_types=list(types))
    return webhooks.create_webhook(world.deps, OPERATOR, account_id, body)


def kinds(world: FakeWorld, account_id: str) -> list[str]:
    events, _ = world.deps.store.audit.events(account_id, AuditFilter(), 50, None)
    return sorted(e.type for e in events)


def test_an_endpoint_is_created_read_listed_and_capped(world: FakeWorld) -> None:
    deps, account_id = world.deps, world.account("Acme")
    made = new(world, account_id, types=("member.updated", "invitation.created", "member.updated"))
    assert made.secret and made.event_types == ["invitation.created", "member.updated"]
    assert webhooks.get_webhook(deps, account_id, made.webhook_id).url == URL
    assert code_of(lambda: webhooks.get_webhook(deps, None, made.webhook_id)) == "not_found"
    assert code_of(lambda: new(world, account_id, url="https://10.0.0.1/hook")) == "validation_error"
    for _ in range(MAX_WEBHOOKS - 1):
        new(world, account_id)
    assert code_of(lambda: new(world, account_id)) == "conflict"
    assert len(new(world, None).secret) > 20  # the operator's own are counted apart
    assert kinds(world, account_id) == ["webhook.created"] * MAX_WEBHOOKS


def test_endpoints_are_listed_each_once_in_id_order_a_page_at_a_time(world: FakeWorld, clock: Clock) -> None:
    """In id order: webhook ids are random (ids.new_id), so that is not the order they were made in."""
    deps, account_id = world.deps, world.account("Acme")
    made = []
    for _ in range(5):
        made.append(new(world, account_id).webhook_id)
        clock.advance(seconds=1)
    seen, cursor = [], None
    while True:
        page = webhooks.list_webhooks(deps, account_id, ListQuery(limit=2, cursor=cursor))
        seen += [w.webhook_id for w in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == sorted(made)
    other = webhooks.list_webhooks(deps, None, ListQuery(limit=2))
    assert (other.items, other.next_cursor) == ([], None)


def test_an_update_changes_what_differs_and_turning_on_clears_the_failing_mark(world: FakeWorld) -> None:
    deps, account_id = world.deps, world.account("Acme")
    hook_id = new(world, account_id).webhook_id
    same = webhooks.update_webhook(deps, OPERATOR, account_id, hook_id, WebhookUpdateIn(url=URL))
    assert same.url == URL and kinds(world, account_id) == ["webhook.created"]  # nothing changed
    off = webhooks.update_webhook(deps, OPERATOR, account_id, hook_id, WebhookUpdateIn(enabled=False))
    assert off.enabled is False and "webhook.disabled" in kinds(world, account_id)
    stored = present(deps.store.webhooks.get_webhook(account_id, hook_id))
    assert deps.store.webhooks.update(stored, {"failing_since": deps.now()}, None, deps.now())  # a worker's
    body = WebhookUpdateIn(enabled=True, description="Billing")
    on = webhooks.update_webhook(deps, OPERATOR, account_id, hook_id, body)
    assert (on.enabled, on.failing_since, on.description) == (True, None, "Billing")
    assert kinds(world, account_id).count("webhook.updated") == 1


def test_a_rotated_secret_signs_a_day_longer_and_a_deleted_endpoint_is_gone(world: FakeWorld) -> None:
    deps, account_id = world.deps, world.account("Acme")
    made = new(world, account_id)
    rotated = webhooks.rotate_secret(deps, OPERATOR, account_id, made.webhook_id)
    stored = present(deps.store.webhooks.get_webhook(account_id, made.webhook_id))
    assert rotated.secret != made.secret and stored.secret == rotated.secret
    assert (stored.previous_secret, stored.previous_secret_until) == (made.secret, deps.now() + timedelta(1))
    webhooks.delete_webhook(deps, OPERATOR, account_id, made.webhook_id)
    assert code_of(lambda: webhooks.get_webhook(deps, account_id, made.webhook_id)) == "not_found"
    assert code_of(lambda: webhooks.delete_webhook(deps, OPERATOR, account_id, made.webhook_id)) == (
        "not_found"
    )
    assert present(deps.store.accounts.get_account(account_id)).webhook_count == 0
    assert kinds(world, account_id) == ["webhook.created", "webhook.deleted", "webhook.secret_rotated"]


def claim(world: FakeWorld, body: str = '{"name": "Acme"}') -> KeyHold | Response:
    return idempotency.claim(world.deps, OPERATOR, "/accounts", "key-1", body)


def test_a_key_holds_while_its_request_runs_and_replays_its_success(world: FakeWorld) -> None:
    held = claim(world)
    assert isinstance(held, KeyHold)
    assert code_of(lambda: claim(world)) == "idempotency_in_progress"
    assert code_of(lambda: claim(world, "{}")) == "idempotency_key_reused"
    idempotency.settle(world.deps, held, Response(body='{"account_id": "acc_1"}', status_code=201))
    replay = claim(world)
    assert isinstance(replay, Response)
    assert (replay.status_code, replay.body) == (201, '{"account_id": "acc_1"}')
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert code_of(lambda: claim(world, "{}")) == "idempotency_key_reused"
    other = idempotency.claim(world.deps, OPERATOR, "/accounts", "key-2", '{"name": "Acme"}')
    assert isinstance(other, KeyHold)  # another key: its own


def test_a_failed_or_abandoned_request_frees_its_key(world: FakeWorld, clock: Clock) -> None:
    held = of_type(claim(world), KeyHold)
    idempotency.settle(world.deps, held, Response(body="{}", status_code=409))
    again = claim(world)
    assert isinstance(again, KeyHold) and again.holder != held.holder
    clock.advance(seconds=LEASE.total_seconds() + 1)  # it died without changing anything
    assert isinstance(claim(world), KeyHold)
    assert code_of(lambda: claim(world)) == "idempotency_in_progress"


def delivered(world: FakeWorld, account_id: str, hook_id: str, statuses: tuple[str, ...]) -> list[str]:
    """Deliveries of one event to the endpoint, each left in its status (as the worker leaves them)."""
    store, now = world.deps.store, world.deps.now()
    hook = present(store.webhooks.get_webhook(account_id, hook_id))
    event = record(world.deps, "webhook.updated", OPERATOR, account_id, Target("webhook", hook_id))
    mark(event, OUTBOX, event.event_id, now)
    assert store.webhooks.update(hook, {"description": "d"}, event, now)  # written with a change
    made = [new_delivery_item(new_sortable_id("dlv"), hook, event, b"{}", now) for _ in statuses]
    for delivery, status in zip(made, statuses, strict=True):
        set_held(delivery) if status == "held" else set_due(delivery, now)
    assert store.deliveries.fan_out(event, made)
    for delivery, status in zip(made, statuses, strict=True):
        if status in ("succeeded", "failed"):
            delivery.status, delivery.attempts = status, 1
            set_due(delivery, None)
            assert store.deliveries.record(delivery, now)
    return [d.delivery_id for d in made]


def test_an_endpoints_deliveries_are_listed_by_status_and_retried_unless_they_succeeded(
    world: FakeWorld,
) -> None:
    deps, account_id = world.deps, world.account("Acme")
    hook_id = new(world, account_id).webhook_id
    done, failed, held = delivered(world, account_id, hook_id, ("succeeded", "failed", "held"))

    def listed(status: DeliveryStatus | None = None) -> list[tuple[str, str]]:
        page = webhooks.list_deliveries(deps, account_id, hook_id, DeliveryQuery(status=status))
        return [(d.delivery_id, d.status) for d in page.items]

    assert listed() == [(held, "pending"), (failed, "failed"), (done, "succeeded")]  # a held one waits
    assert listed("pending") == [(held, "pending")]
    assert code_of(lambda: webhooks.retry_delivery(deps, account_id, hook_id, done)) == "delivery_succeeded"
    webhooks.retry_delivery(deps, account_id, hook_id, failed)
    assert listed("pending") == [(held, "pending"), (failed, "pending")]
    again = present(deps.store.deliveries.get_delivery(hook_id, failed))
    assert (again.attempts, again.next_attempt_at) == (0, deps.now())
    assert code_of(lambda: webhooks.retry_delivery(deps, account_id, hook_id, "dlv_missing")) == "not_found"
    other = world.account("Other")
    assert code_of(lambda: webhooks.list_deliveries(deps, other, hook_id, DeliveryQuery())) == "not_found"
