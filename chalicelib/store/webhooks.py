"""Access patterns of webhooks: the endpoints (an account's, or the operator's for every account), the
outbox of audit events not yet handed to them, and the deliveries due."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.store import keys
from chalicelib.store.audit import sort_time
from chalicelib.store.models import AuditEventItem, DeliveryItem, MailItem, WebhookItem, format_time
from chalicelib.store.outbox import queue
from chalicelib.store.table import get_item, get_items
from chalicelib.store.tx import Outcome, Tx

MAX_WEBHOOKS = 20  # per account, and for the operator: a fan-out (40 deliveries) stays one transaction
DELIVERY_LOG_KEPT = timedelta(days=30)  # then DynamoDB's TTL removes a delivery


def new_webhook_item(
    account_id: str | None, webhook_id: str, url: str, event_types: list[str], description: str | None,
    secret: str, now: datetime,
) -> WebhookItem:  # fmt: skip
    return WebhookItem(
        *keys.webhook(account_id, webhook_id), webhook_id=webhook_id, account_id=account_id, url=url,
        event_types=event_types, description=description, enabled=True, created_at=now, secret=secret,
    )  # fmt: skip


def new_delivery_item(
    delivery_id: str, webhook: WebhookItem, event: AuditEventItem, body: bytes, now: datetime
) -> DeliveryItem:
    delivery = DeliveryItem(
        *keys.delivery(webhook.webhook_id, delivery_id), delivery_id=delivery_id,
        webhook_id=webhook.webhook_id, account_id=webhook.account_id, event_id=event.event_id,
        type=event.type, body=body.decode("ascii"), status="pending", attempts=0, first_attempt_at=now,
        ttl=now + DELIVERY_LOG_KEPT,
    )  # fmt: skip
    set_due(delivery, now)
    return delivery


def set_due(delivery: DeliveryItem, when: datetime | None) -> None:
    """Pending until `when` (listed in the due index), or done (None: out of the index)."""
    delivery.next_attempt_at = when
    if when is None:
        delivery.gsi2pk = delivery.gsi2sk = None
    else:
        delivery.gsi2pk, delivery.gsi2sk = keys.due_gsi2(delivery.delivery_id, format_time(when))


def _due_bound(now: datetime) -> str:
    return keys.expiry_upper_bound(format_time(now))


class WebhookStore:
    def webhooks_of(self, account_id: str | None) -> list[WebhookItem]:
        pk, prefix = keys.webhooks_of(account_id)
        return list(WebhookItem.query(pk, WebhookItem.sk.startswith(prefix), consistent_read=True))

    def get_webhook(self, account_id: str | None, webhook_id: str) -> WebhookItem | None:
        return get_item(WebhookItem, keys.webhook(account_id, webhook_id))

    def create(self, webhook: WebhookItem, event: AuditEventItem | None) -> Outcome:
        return Tx().record(event).put(webhook, condition=WebhookItem.pk.does_not_exist()).commit()

    def save(self, webhook: WebhookItem, event: AuditEventItem | None = None) -> Outcome:
        """The endpoint as changed (url, types, description, enabled, secrets, delivery marks), if it is
        still there ("gone")."""
        return Tx().record(event).put(webhook, condition=WebhookItem.pk.exists(), label="gone").commit()

    def delete(self, webhook: WebhookItem, event: AuditEventItem | None) -> Outcome:
        """Its deliveries stay, for the log; the due ones find it gone and fail."""
        return Tx().record(event).delete(webhook, condition=WebhookItem.pk.exists(), label="gone").commit()

    def deliveries_of(
        self, webhook_id: str, status: str | None, limit: int, after: str | None
    ) -> tuple[list[DeliveryItem], bool]:
        """Newest first (delivery ids grow with time), one Query; `status` filters that range."""
        pk, prefix = keys.deliveries_of(webhook_id)
        start = {"pk": {"S": pk}, "sk": {"S": after}} if after else None
        found = list(
            DeliveryItem.query(
                pk, DeliveryItem.sk.startswith(prefix),
                filter_condition=(DeliveryItem.status == status) if status else None,
                scan_index_forward=False, limit=limit + 1, page_size=limit + 1, last_evaluated_key=start,
                consistent_read=True,
            )
        )  # fmt: skip
        return found[:limit], len(found) > limit

    def get_delivery(self, webhook_id: str, delivery_id: str) -> DeliveryItem | None:
        return get_item(DeliveryItem, keys.delivery(webhook_id, delivery_id))

    def save_delivery(self, delivery: DeliveryItem) -> None:
        Tx().put(delivery, condition=DeliveryItem.pk.exists()).commit()

    # The worker's side.

    def outbox(self, now: datetime, limit: int = 100) -> list[AuditEventItem]:
        """Audit events not yet handed to the webhooks, oldest first (the index gives keys; one BatchGetItem
        brings the events)."""
        wanted: list[keys.Key] = []
        for partition in keys.outbox_partitions():
            marked = AuditEventItem.by_expiry.query(
                partition, AuditEventItem.gsi2sk <= keys.expiry_upper_bound(sort_time(now)), limit=limit
            )
            wanted.extend((item.pk, item.sk) for item in marked)
        found = get_items(wanted)
        events = [item for item in found.values() if isinstance(item, AuditEventItem) and item.gsi2pk]
        return sorted(events, key=lambda item: item.sk)[:limit]

    def fan_out(self, event: AuditEventItem, deliveries: list[DeliveryItem]) -> Outcome:
        """The event's deliveries, and the event out of the outbox, together; only once ("taken": another
        worker did it first)."""
        tx = Tx().update(
            event,
            [AuditEventItem.gsi2pk.remove(), AuditEventItem.gsi2sk.remove()],
            condition=AuditEventItem.gsi2pk.exists(),
            label="taken",
        )
        for delivery in deliveries:
            tx.put(delivery, condition=DeliveryItem.pk.does_not_exist())
        return tx.commit()

    def due(self, now: datetime, limit: int = 50) -> list[DeliveryItem]:
        wanted: list[keys.Key] = []
        for partition in keys.due_partitions():
            marked = DeliveryItem.by_expiry.query(
                partition, DeliveryItem.gsi2sk <= _due_bound(now), limit=limit
            )
            wanted.extend((item.pk, item.sk) for item in marked)
        found = get_items(wanted)
        due = [item for item in found.values() if isinstance(item, DeliveryItem) and item.status == "pending"]
        return sorted(due, key=lambda item: (item.next_attempt_at or now, item.delivery_id))[:limit]

    def lease(self, delivery: DeliveryItem, until: datetime) -> bool:
        """Take the delivery for one attempt: its due time moves to `until` if nobody moved it first, so two
        workers never send it at once, and a worker that dies mid-attempt leaves it due again then."""
        seen = delivery.next_attempt_at
        set_due(delivery, until)
        condition = (DeliveryItem.status == "pending") & (
            DeliveryItem.next_attempt_at == seen if seen else DeliveryItem.next_attempt_at.does_not_exist()
        )
        return bool(Tx().put(delivery, condition=condition, label="taken").commit())

    def record_attempt(
        self, delivery: DeliveryItem, webhook: WebhookItem | None, notice: MailItem | None = None
    ) -> None:
        """The attempt's outcome on the delivery, and its marks on the endpoint (if it still exists) with the
        owner's `notice` when the endpoint was turned off."""
        tx = Tx().put(delivery, condition=DeliveryItem.pk.exists())
        if webhook is not None:
            tx.put(webhook, condition=WebhookItem.pk.exists())
            if notice is not None:
                queue(tx, notice)
        if not tx.commit() and webhook is not None:  # the endpoint went meanwhile: the delivery still counts
            Tx().put(delivery, condition=DeliveryItem.pk.exists()).commit()
