"""Access patterns of webhook deliveries and of the outbox of audit events not yet handed to the endpoints.

An event waits in the due index (OUTBOX) only when someone listens (store/listeners.py). The worker hands it
to the endpoints that want it in one transaction (its deliveries, and the event out of the outbox), then
attempts each delivery; every write of an attempt sets only the delivery's own fields (or the endpoint's
delivery marks), so an owner's change made meanwhile (a new URL, a rotated secret, turned off) stands."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from chalicelib.store import keys
from chalicelib.store.audit import OUTBOX
from chalicelib.store.due import due, mark
from chalicelib.store.models import AuditEventItem, DeliveryItem, MailItem, WebhookItem, format_time
from chalicelib.store.outbox import queue
from chalicelib.store.table import get_item
from chalicelib.store.tx import Outcome, Tx, assignments, room
from chalicelib.store.webhooks import RELEASE

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action

DELIVERY_LOG_KEPT = timedelta(days=30)  # then DynamoDB's TTL removes a delivery, held ones included
DUE = "DUE"
TAKEN: Final = "taken"  # another worker (or an owner's retry) moved it first


def new_delivery_item(
    delivery_id: str, webhook: WebhookItem, event: AuditEventItem, body: bytes, now: datetime
) -> DeliveryItem:
    return DeliveryItem(
        *keys.delivery(webhook.webhook_id, delivery_id),
        delivery_id=delivery_id,
        webhook_id=webhook.webhook_id,
        account_id=webhook.account_id,
        event_id=event.event_id,
        type=event.type,
        body=body.decode("ascii"),
        status="pending",
        attempts=0,
        first_attempt_at=now,
        ttl=now + DELIVERY_LOG_KEPT,
    )


def set_due(delivery: DeliveryItem, when: datetime | None) -> None:
    """Pending until `when` (in the due index), or done (None: out of it)."""
    delivery.next_attempt_at = when
    mark(delivery, DUE, delivery.delivery_id, when)


def set_held(delivery: DeliveryItem) -> None:
    """Held for its endpoint, which is turned off: out of the due index, in the endpoint's held list."""
    delivery.status, delivery.next_attempt_at = "held", None
    delivery.gsi2pk, delivery.gsi2sk = keys.held(
        delivery.webhook_id, format_time(delivery.first_attempt_at), delivery.delivery_id
    )


_DELIVERY_FIELDS = (
    "status",
    "attempts",
    "next_attempt_at",
    "last_attempt_at",
    "last_status_code",
    "last_error",
    "first_attempt_at",
    "gsi2pk",
    "gsi2sk",
)


def _own_fields(delivery: DeliveryItem, names: Sequence[str] = _DELIVERY_FIELDS) -> list[Action]:
    """Just these fields of the delivery, as they are in memory."""
    return assignments(DeliveryItem, {name: getattr(delivery, name) for name in names})


class DeliveryStore:
    # The outbox of events.

    def events_due(self, now: datetime, limit: int = 100, share: int = 25) -> list[AuditEventItem]:
        return due(AuditEventItem, OUTBOX, now, limit, lambda event: event.gsi2pk is not None, share)

    def fan_out(self, event: AuditEventItem, deliveries: Sequence[DeliveryItem]) -> Outcome:
        """The event's deliveries, and the event out of the outbox, together; only once (TAKEN)."""
        seen = AuditEventItem.gsi2sk == event.gsi2sk
        tx = Tx().update(
            event,
            [AuditEventItem.gsi2pk.remove(), AuditEventItem.gsi2sk.remove()],
            condition=seen,
            label=TAKEN,
        )
        for delivery in deliveries:
            tx.put(delivery, condition=DeliveryItem.pk.does_not_exist())
        return tx.commit()

    def fan_out_failed(
        self, event: AuditEventItem, attempts: int, retry_at: datetime | None, error: str
    ) -> None:
        """Tried again at `retry_at`, or parked (None): out of the outbox, its error kept on the event."""
        mark(event, OUTBOX, event.event_id, retry_at)
        values = {
            "fan_out_attempts": attempts,
            "fan_out_error": error[:500],
            "gsi2pk": event.gsi2pk,
            "gsi2sk": event.gsi2sk,
        }
        Tx().update(event, assignments(AuditEventItem, values), condition=AuditEventItem.pk.exists()).commit()

    # Deliveries.

    def deliveries_of(
        self, webhook_id: str, status: str | None, limit: int, after: str | None
    ) -> tuple[list[DeliveryItem], bool]:
        """Newest first (delivery ids grow with time), one Query; `status` filters that range (a held
        delivery is listed as pending: it waits for its endpoint)."""
        pk, prefix = keys.deliveries_of(webhook_id)
        start = {"pk": {"S": pk}, "sk": {"S": after}} if after else None
        wanted = None
        if status is not None:
            wanted = (
                DeliveryItem.status.is_in("pending", "held")
                if status == "pending"
                else DeliveryItem.status == status
            )
        found = list(
            DeliveryItem.query(
                pk,
                DeliveryItem.sk.startswith(prefix),
                filter_condition=wanted,
                scan_index_forward=False,
                limit=limit + 1,
                page_size=limit + 1,
                last_evaluated_key=start,
                consistent_read=True,
            )
        )
        return found[:limit], len(found) > limit

    def get_delivery(self, webhook_id: str, delivery_id: str) -> DeliveryItem | None:
        return get_item(DeliveryItem, keys.delivery(webhook_id, delivery_id))

    def due(self, now: datetime, limit: int = 200, share: int = 50) -> list[DeliveryItem]:
        return due(DeliveryItem, DUE, now, limit, lambda delivery: delivery.status == "pending", share)

    def lease(self, delivery: DeliveryItem, until: datetime) -> bool:
        """Take it for one attempt: its due time moves to `until` if nobody moved it first, so two workers
        never send it at once, and one that dies mid-attempt leaves it due again then."""
        seen = delivery.next_attempt_at
        set_due(delivery, until)
        held_by_none = (
            DeliveryItem.next_attempt_at == seen if seen else DeliveryItem.next_attempt_at.does_not_exist()
        )
        condition = (DeliveryItem.status == "pending") & held_by_none
        return bool(Tx().update(delivery, _own_fields(delivery), condition=condition, label=TAKEN).commit())

    def record(self, delivery: DeliveryItem, leased_until: datetime | None) -> bool:
        """The attempt's outcome (or the delivery held), in its own fields only, while this worker still
        holds it (else an owner's retry or another worker moved it: theirs stands)."""
        condition = DeliveryItem.pk.exists()
        if leased_until is not None:
            condition &= DeliveryItem.next_attempt_at == leased_until
        return bool(Tx().update(delivery, _own_fields(delivery), condition=condition, label=TAKEN).commit())

    def endpoint_attempted(self, webhook: WebhookItem, succeeded: bool, now: datetime) -> WebhookItem | None:
        """The endpoint's delivery marks, and only those; the endpoint as it now stands (an owner's change
        included: the worker's next attempt sees it), or None when it was deleted."""
        found = WebhookItem(webhook.pk, webhook.sk)
        if succeeded:
            actions = [WebhookItem.last_delivery_at.set(now), WebhookItem.failing_since.remove()]
        else:  # failing since the first failure with no success after it
            actions = [WebhookItem.failing_since.set(WebhookItem.failing_since | now)]
        outcome = Tx().update(found, actions, condition=WebhookItem.pk.exists(), label=TAKEN).commit()
        return found if outcome else None

    def turn_off(self, webhook: WebhookItem, event: AuditEventItem | None, notice: MailItem | None) -> bool:
        """Turned off by the 5-day rule, with its event and the owner's email, unless an owner changed it."""
        unchanged = (WebhookItem.enabled == True) & (WebhookItem.failing_since == webhook.failing_since)  # noqa: E712
        tx = Tx().record(event).update(webhook, [WebhookItem.enabled.set(False)], condition=unchanged)
        if notice is not None:
            queue(tx, notice)
        return bool(tx.commit())

    def retry(self, delivery: DeliveryItem, now: datetime) -> None:
        """An owner's retry: due now, with a fresh schedule."""
        delivery.status, delivery.first_attempt_at, delivery.attempts = "pending", now, 0
        set_due(delivery, now)
        Tx().update(delivery, _own_fields(delivery), condition=DeliveryItem.pk.exists()).commit()

    # Endpoints turned back on: their held deliveries become due.

    def endpoints_to_release(self, now: datetime, limit: int = 50) -> list[WebhookItem]:
        return due(WebhookItem, RELEASE, now, limit, lambda webhook: webhook.gsi2pk is not None)

    def release(self, webhook: WebhookItem, now: datetime) -> int:
        """One page of the deliveries held for this endpoint made due now; when none are left (or it was
        turned off again), its mark goes. Returns how many were released."""
        page = room() - 1
        held = (
            list(DeliveryItem.by_expiry.query(keys.held_of(webhook.webhook_id), limit=page, page_size=page))
            if webhook.enabled
            else []
        )
        tx = Tx()
        for index in held:
            delivery = DeliveryItem(
                index.pk, index.sk, status="pending", delivery_id=keys.delivery_id_of(index.sk)
            )
            set_due(delivery, now)
            tx.update(
                delivery,
                _own_fields(delivery, ("status", "next_attempt_at", "gsi2pk", "gsi2sk")),
                condition=DeliveryItem.status == "held",
            )
        if len(held) < page:
            tx.update(
                webhook,
                [WebhookItem.gsi2pk.remove(), WebhookItem.gsi2sk.remove()],
                condition=WebhookItem.gsi2sk == webhook.gsi2sk,
            )
        return len(held) if tx.commit() else 0
