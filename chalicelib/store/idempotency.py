"""Access patterns of Idempotency-Key: a key is reserved before its request runs (one conditional put, with a
lease), is marked in the first transaction the request commits, and holds the request's answer once it
succeeded, for 24 hours (then DynamoDB's TTL removes it)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, timedelta

from chalicelib.store import keys
from chalicelib.store.models import IdempotencyItem
from chalicelib.store.table import get_item
from chalicelib.store.tx import Tx, riding_along

KEPT = timedelta(hours=24)
# Longer than the API function's timeout (20 s, .chalice/config.json): a request past its lease is gone.
LEASE = timedelta(seconds=60)


class IdempotencyStore:
    def reserve(
        self, caller: str, route: str, key_digest: str, body_digest: str, now: datetime
    ) -> IdempotencyItem | None:
        """Takes the key for this request (None), or answers what holds it: an earlier request's record
        (running, or done with its answer). A record older than KEPT counts as gone, TTL or not; so does an
        abandoned one: the same body, its lease over, and neither an answer nor a change committed (the
        request died before changing anything, so running it now is running it once)."""
        item = IdempotencyItem(
            *keys.idempotency(caller, route, key_digest), body_digest=body_digest, created_at=now,
            ttl=now + KEPT, lease_until=now + LEASE,
        )  # fmt: skip
        gone = IdempotencyItem.pk.does_not_exist() | (IdempotencyItem.created_at < now - KEPT)
        abandoned = (
            (IdempotencyItem.body_digest == body_digest)
            & (IdempotencyItem.lease_until < now)
            & IdempotencyItem.status_code.does_not_exist()
            & IdempotencyItem.committed_at.does_not_exist()
        )
        if Tx().put(item, condition=gone | abandoned).commit():
            return None
        return get_item(IdempotencyItem, keys.idempotency(caller, route, key_digest)) or item

    def marking(
        self, caller: str, route: str, key_digest: str, now: datetime
    ) -> AbstractContextManager[None]:
        """Every transaction committed within marks the key as having changed something (store/tx.py)."""
        item = IdempotencyItem(*keys.idempotency(caller, route, key_digest))
        return riding_along(item, [IdempotencyItem.committed_at.set(now)])

    def answer(self, caller: str, route: str, key_digest: str, status: int, body: str) -> None:
        item = IdempotencyItem(*keys.idempotency(caller, route, key_digest))
        actions = [IdempotencyItem.status_code.set(status), IdempotencyItem.answer.set(body)]
        Tx().update(item, actions, condition=IdempotencyItem.pk.exists()).commit()

    def release(self, caller: str, route: str, key_digest: str) -> None:
        """The request failed before changing anything: the key is free again for a retry to run it anew.
        One that failed after a change committed keeps its record: a retry must not change things twice."""
        item = IdempotencyItem(*keys.idempotency(caller, route, key_digest))
        unchanged = (
            IdempotencyItem.status_code.does_not_exist() & IdempotencyItem.committed_at.does_not_exist()
        )
        Tx().delete(item, condition=unchanged).commit()
