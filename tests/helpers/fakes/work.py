"""Webhook endpoints and Idempotency-Key records in memory, under the conditions store/webhooks.py and
store/idempotency.py write with (the same labels). Deliveries and the events' outbox have no fake: their
worker's rules run on moto."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime

from chalicelib.services.ports import IdempotencyRepository, WebhookRepository
from chalicelib.store import keys
from chalicelib.store.due import mark
from chalicelib.store.idempotency import KEPT, LEASE, KeyHold
from chalicelib.store.models import AccountItem, AuditEventItem, CounterItem, IdempotencyItem, WebhookItem
from chalicelib.store.outcomes import Failure
from chalicelib.store.tx import DEFAULT_LABEL, Outcome
from chalicelib.store.webhooks import FULL, GONE, MAX_WEBHOOKS, RELEASE
from tests.helpers.fakes.table import Table, failed, key_of, not_faked


class FakeWebhooks(WebhookRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def webhooks_of(self, account_id: str | None) -> list[WebhookItem]:
        return copy.deepcopy(self.t.query(WebhookItem, keys.webhooks_of(account_id)))

    def page(self, account_id: str | None, limit: int, after: str | None) -> tuple[list[WebhookItem], bool]:
        """Oldest first (by sort key), `limit` after the sort key `after`, and whether there are more."""
        found = [w for w in self.webhooks_of(account_id) if after is None or w.sk > after]
        return found[:limit], len(found) > limit

    def get_webhook(self, account_id: str | None, webhook_id: str) -> WebhookItem | None:
        return copy.deepcopy(self.t.get(keys.webhook(account_id, webhook_id), WebhookItem))

    def _room(self, account_id: str | None) -> bool:
        """store/webhooks.py _count's condition on one more: an account's count only on an account still
        there, and within MAX_WEBHOOKS (an absent count is zero)."""
        if account_id is None:
            operator = self.t.get(keys.operator_webhook_count(), CounterItem)
            return operator is None or int(operator.total) + 1 <= MAX_WEBHOOKS
        account = self.t.get(keys.account(account_id), AccountItem)
        return account is not None and int(account.webhook_count or 0) + 1 <= MAX_WEBHOOKS

    def _add(self, account_id: str | None, delta: int) -> None:
        if account_id is None:
            operator = self.t.get(keys.operator_webhook_count(), CounterItem)
            if operator is None:  # an ADD on no item makes one (named a counter, for store/listeners.py)
                operator = CounterItem(*keys.operator_webhook_count(), total=0)
                self.t.put(operator)
            operator.total = int(operator.total) + delta
            return
        account = self.t.get(keys.account(account_id), AccountItem)
        assert account is not None
        account.webhook_count = int(account.webhook_count or 0) + delta

    def create(self, webhook: WebhookItem, event: AuditEventItem | None) -> Outcome:
        labels: set[Failure] = {DEFAULT_LABEL} if self.t.get(key_of(webhook), WebhookItem) else set()
        if not self._room(webhook.account_id):
            labels.add(FULL)
        if labels:
            return Outcome(frozenset(labels))
        self._add(webhook.account_id, +1)
        self.t.put(copy.deepcopy(webhook))
        return self.t.record(event)

    def update(
        self, webhook: WebhookItem, changes: Mapping[str, object], event: AuditEventItem | None, now: datetime
    ) -> Outcome:
        """Only the named fields, on an endpoint still there (GONE); turning it on marks it for release."""
        values = dict(changes)
        if changes.get("enabled") is True:
            mark(webhook, RELEASE, webhook.webhook_id, now)
            values |= {"gsi2pk": webhook.gsi2pk, "gsi2sk": webhook.gsi2sk}
        stored = self.t.get(key_of(webhook), WebhookItem)
        if stored is None:
            return failed(GONE)
        for name, value in values.items():
            setattr(stored, name, copy.deepcopy(value))
        for name, value in changes.items():
            setattr(webhook, name, value)
        return self.t.record(event)

    def delete(self, webhook: WebhookItem, event: AuditEventItem | None) -> Outcome:
        stored = self.t.get(key_of(webhook), WebhookItem)
        labels: set[Failure] = {GONE} if stored is None else set()
        account_id = webhook.account_id
        if account_id is not None and self.t.get(keys.account(account_id), AccountItem) is None:
            labels.add(FULL)  # the count's update needs its account (as the real one's, under that label)
        if labels:
            return Outcome(frozenset(labels))
        self.t.delete(key_of(webhook))
        self._add(webhook.account_id, -1)
        return self.t.record(event)


class FakeIdempotency(IdempotencyRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def reserve(self, hold: KeyHold, body_digest: str, now: datetime) -> IdempotencyItem | None:
        """Taken (None) when the key is free: never held, older than KEPT, or abandoned (the same body, its
        lease over, neither an answer nor a change); else the record that holds it."""
        found = self.t.get(key_of(hold.item()), IdempotencyItem)
        abandoned = found is not None and (
            found.body_digest == body_digest
            and found.lease_until is not None
            and found.lease_until < now
            and found.status_code is None
            and found.committed_at is None
        )
        if found is None or found.created_at < now - KEPT or abandoned:
            item = hold.item()
            item.body_digest, item.holder, item.created_at = body_digest, hold.holder, now
            item.ttl, item.lease_until = now + KEPT, now + LEASE
            self.t.put(item)
            return None
        return copy.deepcopy(found)

    def take_over(self, hold: KeyHold, found: IdempotencyItem, now: datetime) -> bool:
        stored = self.t.get(key_of(hold.item()), IdempotencyItem)
        if (
            stored is None
            or stored.holder != found.holder
            or stored.lease_until is None
            or stored.lease_until > now
            or stored.status_code is not None
        ):
            return False
        stored.holder, stored.lease_until = hold.holder, now + LEASE
        return True

    def answer(self, hold: KeyHold, status: int, body: str) -> None:
        stored = self.t.get(key_of(hold.item()), IdempotencyItem)
        if stored is not None and stored.holder == hold.holder:
            stored.status_code, stored.answer = status, body

    def release(self, hold: KeyHold, now: datetime) -> None:
        stored = self.t.get(key_of(hold.item()), IdempotencyItem)
        if stored is None or stored.holder != hold.holder:
            return
        if stored.committed_at is None and stored.status_code is None:
            self.t.delete(key_of(stored))
        else:
            stored.lease_until = now

    # Marking rides along every transaction a view commits (store/tx.py's rider, a context variable the
    # real Tx reads): faking it would mean threading a rider through every fake write. Moto only.
    marking = not_faked("idempotency", "marking")
