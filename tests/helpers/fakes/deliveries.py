"""Webhook deliveries and the outbox of audit events in memory, under the conditions store/deliveries.py
writes with (the same labels): each attempt's write sets only the delivery's own fields, or the endpoint's
delivery marks, so an owner's change made meanwhile stands. The due reads follow store/due.py's steps."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from chalicelib.services.ports import DeliveryRepository
from chalicelib.store import keys
from chalicelib.store.audit import OUTBOX
from chalicelib.store.deliveries import _DELIVERY_FIELDS, DUE, TAKEN, set_due
from chalicelib.store.due import fair_pick, mark
from chalicelib.store.models import AuditEventItem, DeliveryItem, Item, MailItem, WebhookItem, format_time
from chalicelib.store.outcomes import Failure
from chalicelib.store.tx import DEFAULT_LABEL, Outcome, room
from chalicelib.store.webhooks import RELEASE
from tests.helpers.fakes.table import OK, Table, key_of

D = TypeVar("D", bound=Item)


def due_items(
    t: Table,
    model: type[D],
    kind: str,
    now: datetime,
    limit: int,
    wanted: Callable[[D], bool],
    share: int | None = None,
) -> list[D]:
    """store/due.py due: each shard's oldest `limit` due by `now`, a fair pick of them, those `wanted`."""
    bound = keys.expiry_upper_bound(format_time(now))
    entries: list[Item] = []
    for partition in keys.due_partitions(kind):
        waiting = [i for i in t.of(model) if i.gsi2pk == partition and (i.gsi2sk or "") <= bound]
        entries += sorted(waiting, key=lambda i: i.gsi2sk or "")[:limit]
    picked = [i for i in fair_pick(entries, limit, share or limit) if isinstance(i, model) and wanted(i)]
    return copy.deepcopy(sorted(picked, key=lambda i: i.gsi2sk or ""))


def _own_fields(stored: DeliveryItem, delivery: DeliveryItem) -> None:
    """Just the delivery's own fields written; a lone update answers the item as written (store/tx.py)."""
    for name in _DELIVERY_FIELDS:
        setattr(stored, name, copy.deepcopy(getattr(delivery, name)))
    delivery.attribute_values = copy.deepcopy(stored.attribute_values)


class FakeDeliveries(DeliveryRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def events_due(self, now: datetime, limit: int = 100, share: int = 25) -> list[AuditEventItem]:
        return due_items(self.t, AuditEventItem, OUTBOX, now, limit, lambda e: e.gsi2pk is not None, share)

    def fan_out(self, event: AuditEventItem, deliveries: Sequence[DeliveryItem]) -> Outcome:
        stored = self.t.get(key_of(event), AuditEventItem)
        labels: set[Failure] = set() if stored is not None and stored.gsi2sk == event.gsi2sk else {TAKEN}
        if any(self.t.get(key_of(d), DeliveryItem) is not None for d in deliveries):
            labels.add(DEFAULT_LABEL)
        if labels or stored is None:
            return Outcome(frozenset(labels))
        stored.gsi2pk = stored.gsi2sk = None
        for delivery in deliveries:
            self.t.put(copy.deepcopy(delivery))
        return OK

    def fan_out_failed(
        self, event: AuditEventItem, attempts: int, retry_at: datetime | None, error: str
    ) -> None:
        mark(event, OUTBOX, event.event_id, retry_at)  # on the item given, as the real one
        stored = self.t.get(key_of(event), AuditEventItem)
        if stored is not None:
            stored.fan_out_attempts, stored.fan_out_error = attempts, error[:500]
            stored.gsi2pk, stored.gsi2sk = event.gsi2pk, event.gsi2sk

    def deliveries_of(
        self, webhook_id: str, status: str | None, limit: int, after: str | None
    ) -> tuple[list[DeliveryItem], bool]:
        """Newest first by sort key, after the sort key `after`; `status` filters (pending: held too)."""
        statuses = {"pending", "held"} if status == "pending" else {status}
        found = [
            d
            for d in reversed(self.t.query(DeliveryItem, keys.deliveries_of(webhook_id)))
            if (after is None or d.sk < after) and (status is None or d.status in statuses)
        ]
        return copy.deepcopy(found[:limit]), len(found) > limit

    def get_delivery(self, webhook_id: str, delivery_id: str) -> DeliveryItem | None:
        return copy.deepcopy(self.t.get(keys.delivery(webhook_id, delivery_id), DeliveryItem))

    def due(self, now: datetime, limit: int = 200, share: int = 50) -> list[DeliveryItem]:
        return due_items(self.t, DeliveryItem, DUE, now, limit, lambda d: d.status == "pending", share)

    def lease(self, delivery: DeliveryItem, until: datetime) -> bool:
        seen = delivery.next_attempt_at
        set_due(delivery, until)  # on the item given, as the real one
        stored = self.t.get(key_of(delivery), DeliveryItem)
        if stored is None or stored.status != "pending" or stored.next_attempt_at != seen:
            return False
        _own_fields(stored, delivery)
        return True

    def record(self, delivery: DeliveryItem, leased_until: datetime | None) -> bool:
        stored = self.t.get(key_of(delivery), DeliveryItem)
        if stored is None or (leased_until is not None and stored.next_attempt_at != leased_until):
            return False
        _own_fields(stored, delivery)
        return True

    def endpoint_attempted(self, webhook: WebhookItem, succeeded: bool, now: datetime) -> WebhookItem | None:
        stored = self.t.get(key_of(webhook), WebhookItem)
        if stored is None:
            return None
        if succeeded:
            stored.last_delivery_at, stored.failing_since = now, None
        elif stored.failing_since is None:
            stored.failing_since = now
        return copy.deepcopy(stored)

    def turn_off(self, webhook: WebhookItem, event: AuditEventItem | None, notice: MailItem | None) -> bool:
        stored = self.t.get(key_of(webhook), WebhookItem)
        if stored is None or stored.enabled is not True or stored.failing_since != webhook.failing_since:
            return False
        if notice is not None and self.t.get(key_of(notice), MailItem) is not None:
            return False
        stored.enabled = False
        if event is None and notice is None:  # a lone update answers the item as written (store/tx.py)
            webhook.attribute_values = copy.deepcopy(stored.attribute_values)
        if notice is not None:
            self.t.put(copy.deepcopy(notice))
        return bool(self.t.record(event))

    def retry(self, delivery: DeliveryItem, now: datetime) -> None:
        delivery.status, delivery.first_attempt_at, delivery.attempts = "pending", now, 0
        set_due(delivery, now)
        stored = self.t.get(key_of(delivery), DeliveryItem)
        if stored is not None:
            _own_fields(stored, delivery)

    def endpoints_to_release(self, now: datetime, limit: int = 50) -> list[WebhookItem]:
        return due_items(self.t, WebhookItem, RELEASE, now, limit, lambda w: w.gsi2pk is not None)

    def release(self, webhook: WebhookItem, now: datetime) -> int:
        """One page of the held deliveries (in the order their events came) made due now; the endpoint's
        mark goes once none are left, unless it was marked again meanwhile."""
        page = room() - 1
        held_of = keys.held_of(webhook.webhook_id)
        held = (
            sorted((d for d in self.t.of(DeliveryItem) if d.gsi2pk == held_of), key=lambda d: d.gsi2sk or "")[
                :page
            ]
            if webhook.enabled
            else []
        )
        stored = self.t.get(key_of(webhook), WebhookItem)
        last = len(held) < page
        marked = stored is not None and stored.gsi2sk == webhook.gsi2sk
        if any(d.status != "held" for d in held) or (last and not marked):
            return 0
        for delivery in held:
            delivery.status = "pending"
            set_due(delivery, now)
        if last and stored is not None:
            stored.gsi2pk = stored.gsi2sk = None
        return len(held)
