"""Contract cases (as tests/unit/test_fake_contracts.py) for webhook deliveries and the outbox of events:
handed out once, leased and recorded by one worker at a time, retried, held and released."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.audit import Target
from chalicelib.domain.caller import OPERATOR
from chalicelib.ids import new_sortable_id
from chalicelib.services.audit_record import record
from chalicelib.store.audit import OUTBOX, AuditFilter
from chalicelib.store.deliveries import new_delivery_item, set_due, set_held
from chalicelib.store.due import mark
from chalicelib.store.webhooks import new_webhook_item
from tests.helpers.present import present
from tests.unit.test_fake_contracts import covers

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.store.models import AuditEventItem, DeliveryItem, WebhookItem
    from tests.helpers.fakes import FakeWorld


def queued_event(world: FakeWorld, account_id: str, when: datetime) -> AuditEventItem:
    """An event in the outbox (as when someone listens), due at `when`."""
    event = record(world.deps, "webhook.updated", OPERATOR, account_id, Target("webhook", "whk_1"))
    mark(event, OUTBOX, event.event_id, when)
    return event


def endpoint(
    world: FakeWorld, event: Callable[[str], AuditEventItem] | None = None
) -> tuple[str, WebhookItem]:
    account_id = world.account("Acme")
    hook = new_webhook_item(
        account_id, "whk_1", "https://93.184.216.34/h", ["*"], None, "s", world.deps.now()
    )
    assert world.deps.store.webhooks.create(hook, event(account_id) if event else None)
    return account_id, present(world.deps.store.webhooks.get_webhook(account_id, "whk_1"))


def written(world: FakeWorld, hook: WebhookItem, event: AuditEventItem) -> AuditEventItem:
    """The event written with a change (here the endpoint's description), as every event is."""
    assert world.deps.store.webhooks.update(hook, {"description": "d"}, event, world.deps.now())
    return event


def deliveries_for(
    world: FakeWorld, hook: WebhookItem, event: AuditEventItem, n: int, held: bool = False
) -> list[DeliveryItem]:
    made = [new_delivery_item(new_sortable_id("dlv"), hook, event, b"{}", world.deps.now()) for _ in range(n)]
    for delivery in made:
        set_held(delivery) if held else set_due(delivery, world.deps.now())
    assert world.deps.store.deliveries.fan_out(event, made)
    return made


@covers("deliveries.events_due", "deliveries.fan_out", "deliveries.fan_out_failed")
def test_an_event_leaves_the_outbox_once_handed_out_or_parked(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    events: dict[str, AuditEventItem] = {}
    account_id, hook = endpoint(world, lambda a: events.setdefault("first", queued_event(world, a, now)))
    first = events["first"]
    assert store.deliveries.events_due(now - timedelta(seconds=1)) == []
    assert [e.event_id for e in store.deliveries.events_due(now)] == [first.event_id]
    made = deliveries_for(world, hook, first, 2)
    assert store.deliveries.events_due(now) == []
    assert store.deliveries.fan_out(first, made).failed == {"taken", "conflict"}
    second = queued_event(world, account_id, now)
    assert store.webhooks.update(hook, {"description": "x"}, second, now)
    later = now + timedelta(minutes=5)
    store.deliveries.fan_out_failed(second, 1, later, "boom")
    assert store.deliveries.events_due(now) == []
    due = store.deliveries.events_due(later)
    assert [(e.event_id, e.fan_out_attempts, e.fan_out_error) for e in due] == [(second.event_id, 1, "boom")]
    store.deliveries.fan_out_failed(second, 2, None, "x" * 600)  # parked: never due again
    assert store.deliveries.events_due(later + timedelta(days=1)) == []
    logged = store.audit.events(account_id, AuditFilter(target_id="whk_1"), 10, None)[0]
    assert {(e.event_id, len(e.fan_out_error or "")) for e in logged} >= {(second.event_id, 500)}


@covers("deliveries.deliveries_of", "deliveries.get_delivery", "deliveries.due", "deliveries.lease",
        "deliveries.record", "deliveries.retry")  # fmt: skip
def test_a_delivery_is_leased_and_recorded_by_one_worker_at_a_time(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    account_id, hook = endpoint(world)
    first, second, third = deliveries_for(
        world, hook, written(world, hook, queued_event(world, account_id, now)), 3
    )
    page, more = store.deliveries.deliveries_of("whk_1", None, 2, None)
    assert ([d.delivery_id for d in page], more) == ([third.delivery_id, second.delivery_id], True)
    rest, more = store.deliveries.deliveries_of("whk_1", None, 2, page[-1].sk)
    assert ([d.delivery_id for d in rest], more) == ([first.delivery_id], False)
    assert len(store.deliveries.due(now)) == 3
    stale = present(store.deliveries.get_delivery("whk_1", first.delivery_id))
    until = now + timedelta(minutes=1)
    assert store.deliveries.lease(first, until)
    assert not store.deliveries.lease(stale, until)  # taken first
    assert {d.delivery_id for d in store.deliveries.due(now)} == {second.delivery_id, third.delivery_id}
    first.status, first.attempts = "succeeded", 1
    set_due(first, None)
    assert store.deliveries.record(first, until)
    assert not store.deliveries.record(first, until)  # it no longer holds the lease
    done, _ = store.deliveries.deliveries_of("whk_1", "succeeded", 10, None)
    assert [d.delivery_id for d in done] == [first.delivery_id]
    assert len(store.deliveries.deliveries_of("whk_1", "pending", 10, None)[0]) == 2
    store.deliveries.retry(first, now)
    again = present(store.deliveries.get_delivery("whk_1", first.delivery_id))
    assert (again.status, again.attempts, again.next_attempt_at) == ("pending", 0, now)
    assert store.deliveries.get_delivery("whk_1", "dlv_missing") is None


@covers("deliveries.endpoint_attempted", "deliveries.turn_off", "deliveries.endpoints_to_release",
        "deliveries.release")  # fmt: skip
def test_a_failing_endpoint_is_turned_off_once_and_its_held_deliveries_released(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    account_id, hook = endpoint(world)
    failing = present(store.deliveries.endpoint_attempted(hook, False, now))
    assert failing.failing_since == now
    assert (
        present(store.deliveries.endpoint_attempted(hook, False, now + timedelta(hours=1))).failing_since
        == now
    )
    assert store.deliveries.turn_off(failing, None, None)
    assert not store.deliveries.turn_off(failing, None, None)  # off already
    held = deliveries_for(
        world, hook, written(world, hook, queued_event(world, account_id, now)), 2, held=True
    )
    assert store.deliveries.due(now) == [] and store.deliveries.endpoints_to_release(now) == []
    assert store.webhooks.update(hook, {"enabled": True, "failing_since": None}, None, now)
    [marked] = store.deliveries.endpoints_to_release(now)
    assert store.deliveries.release(marked, now) == 2
    assert {d.delivery_id for d in store.deliveries.due(now)} == {d.delivery_id for d in held}
    assert store.deliveries.endpoints_to_release(now) == []
    ok = present(store.deliveries.endpoint_attempted(hook, True, now))
    assert ok.last_delivery_at == now and ok.failing_since is None
    assert store.webhooks.delete(ok, None)
    assert store.deliveries.endpoint_attempted(hook, True, now) is None
