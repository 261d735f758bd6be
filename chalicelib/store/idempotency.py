"""Access patterns of Idempotency-Key: a key is reserved before its request runs (one conditional put), and
holds the request's answer once it succeeded, for 24 hours (then DynamoDB's TTL removes it)."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.store import keys
from chalicelib.store.models import IdempotencyItem
from chalicelib.store.table import get_item
from chalicelib.store.tx import Tx

KEPT = timedelta(hours=24)


class IdempotencyStore:
    def reserve(
        self, caller: str, route: str, key_digest: str, body_digest: str, now: datetime
    ) -> IdempotencyItem | None:
        """Takes the key for this request (None), or answers what holds it: an earlier request's record
        (running, or done with its answer). A record older than KEPT counts as gone, TTL or not."""
        item = IdempotencyItem(
            *keys.idempotency(caller, route, key_digest), body_digest=body_digest, created_at=now,
            ttl=now + KEPT,
        )  # fmt: skip
        free = IdempotencyItem.pk.does_not_exist() | (IdempotencyItem.created_at < now - KEPT)
        if Tx().put(item, condition=free).commit():
            return None
        return get_item(IdempotencyItem, keys.idempotency(caller, route, key_digest)) or item

    def answer(self, caller: str, route: str, key_digest: str, status: int, body: str) -> None:
        item = IdempotencyItem(*keys.idempotency(caller, route, key_digest))
        actions = [IdempotencyItem.status_code.set(status), IdempotencyItem.answer.set(body)]
        Tx().update(item, actions, condition=IdempotencyItem.pk.exists()).commit()

    def release(self, caller: str, route: str, key_digest: str) -> None:
        """The request failed: the key is free again for a retry to run it anew."""
        item = IdempotencyItem(*keys.idempotency(caller, route, key_digest))
        Tx().delete(item, condition=IdempotencyItem.status_code.does_not_exist()).commit()
