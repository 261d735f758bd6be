"""Access patterns of webhook endpoints: an account's, or the operator's (for every account). Their count
moves in the transaction that creates or deletes one, under the cap's condition, so no race passes it; an
owner's change sets only the fields it names, so it never undoes a worker's marks (nor they the change).
Deliveries and the outbox of events are store/deliveries.py."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final

from chalicelib.store import keys
from chalicelib.store.counts import add_within
from chalicelib.store.due import mark
from chalicelib.store.models import AccountItem, AuditEventItem, CounterItem, WebhookItem
from chalicelib.store.table import get_item
from chalicelib.store.tx import Outcome, Tx, assignments

MAX_WEBHOOKS = 20  # per account, and for the operator: a fan-out (40 deliveries) stays one transaction
FULL: Final = "full"
GONE: Final = "gone"
RELEASE = "RELEASE"  # the due-index kind of endpoints turned back on with deliveries held for them


def new_webhook_item(
    account_id: str | None,
    webhook_id: str,
    url: str,
    event_types: list[str],
    description: str | None,
    secret: str,
    now: datetime,
) -> WebhookItem:
    return WebhookItem(
        *keys.webhook(account_id, webhook_id),
        webhook_id=webhook_id,
        account_id=account_id,
        url=url,
        event_types=event_types,
        description=description,
        enabled=True,
        created_at=now,
        secret=secret,
    )


def _count(tx: Tx, account_id: str | None, delta: int) -> None:
    """One endpoint more (within the cap, else FULL) or fewer, for the account or the operator."""
    if account_id is None:
        # named as a counter, so the authorizing BatchGetItem reads it back as one (store/listeners.py)
        named = CounterItem.entity.set(CounterItem)
        counter = CounterItem(*keys.operator_webhook_count())
        add_within(tx, counter, CounterItem.total, delta, MAX_WEBHOOKS, FULL, also=[named])
    else:
        account = AccountItem(*keys.account(account_id))
        add_within(tx, account, AccountItem.webhook_count, delta, MAX_WEBHOOKS, FULL, on_existing=True)


class WebhookStore:
    def webhooks_of(self, account_id: str | None) -> list[WebhookItem]:
        """All of them (at most MAX_WEBHOOKS): one strongly consistent Query."""
        pk, prefix = keys.webhooks_of(account_id)
        return list(WebhookItem.query(pk, WebhookItem.sk.startswith(prefix), consistent_read=True))

    def page(self, account_id: str | None, limit: int, after: str | None) -> tuple[list[WebhookItem], bool]:
        """Oldest first (ids grow with time), `limit` of them after the sort key `after`."""
        pk, prefix = keys.webhooks_of(account_id)
        start = {"pk": {"S": pk}, "sk": {"S": after}} if after else None
        found = list(
            WebhookItem.query(
                pk,
                WebhookItem.sk.startswith(prefix),
                limit=limit + 1,
                page_size=limit + 1,
                last_evaluated_key=start,
                consistent_read=True,
            )
        )
        return found[:limit], len(found) > limit

    def get_webhook(self, account_id: str | None, webhook_id: str) -> WebhookItem | None:
        return get_item(WebhookItem, keys.webhook(account_id, webhook_id))

    def create(self, webhook: WebhookItem, event: AuditEventItem | None) -> Outcome:
        """FULL when the account (or the operator) has MAX_WEBHOOKS already."""
        tx = Tx().record(event).put(webhook, condition=WebhookItem.pk.does_not_exist())
        _count(tx, webhook.account_id, +1)
        return tx.commit()

    def update(
        self, webhook: WebhookItem, changes: Mapping[str, object], event: AuditEventItem | None, now: datetime
    ) -> Outcome:
        """Sets only the named fields (None removes one), if the endpoint is still there (GONE), and on
        `webhook` as the caller holds it. Turning it on marks it for the worker, which makes the deliveries
        held for it due again."""
        values = dict(changes)
        if changes.get("enabled") is True:
            mark(webhook, RELEASE, webhook.webhook_id, now)
            values |= {"gsi2pk": webhook.gsi2pk, "gsi2sk": webhook.gsi2sk}
        actions = assignments(WebhookItem, values)
        outcome = (
            Tx()
            .record(event)
            .update(webhook, actions, condition=WebhookItem.pk.exists(), label=GONE)
            .commit()
        )
        if outcome:
            for name, value in changes.items():
                setattr(webhook, name, value)
        return outcome

    def delete(self, webhook: WebhookItem, event: AuditEventItem | None) -> Outcome:
        """Its deliveries stay, for the log; the due ones find it gone and fail."""
        tx = Tx().record(event).delete(webhook, condition=WebhookItem.pk.exists(), label=GONE)
        _count(tx, webhook.account_id, -1)
        return tx.commit()
