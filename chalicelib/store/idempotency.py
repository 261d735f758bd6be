"""Access patterns of Idempotency-Key: a key is reserved before its request runs (one conditional put: the
request's random holder token and a lease), is marked in every transaction the request commits, and holds
the request's answer once it succeeded, for 24 hours (then DynamoDB's TTL removes it).

Every write after the reservation is conditional on the holder: a request that outlived its lease and lost
the key to a retry can neither commit a change under it, nor overwrite or free the retry's record."""

from __future__ import annotations

import hashlib
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.errors import StillConflictingError
from chalicelib.store import keys
from chalicelib.store.models import IdempotencyItem
from chalicelib.store.table import get_item
from chalicelib.store.tx import Tx, rider_key, riding_along

KEPT = timedelta(hours=24)
# Longer than the API function's timeout (20 s, .chalice/config.json): a request past its lease is gone.
LEASE = timedelta(seconds=60)


@dataclass(frozen=True)
class KeyHold:
    """One request's hold on a key: whose key (the caller's scope), on which route, and the request's own
    random token, which every later write under the key checks."""

    caller: str
    route: str
    key_digest: str
    holder: str

    def item(self) -> IdempotencyItem:
        return IdempotencyItem(*keys.idempotency(self.caller, self.route, self.key_digest))


def current_request_id() -> str | None:
    """A stable id of the request's Idempotency-Key (its caller, route and key) while the request holds it,
    the same for every retry under that key: what a resumed request recognises its own earlier writes by.
    None without a key."""
    key = rider_key()
    return hashlib.sha256("#".join(key).encode()).hexdigest()[:32] if key is not None else None


class IdempotencyStore:
    def reserve(self, hold: KeyHold, body_digest: str, now: datetime) -> IdempotencyItem | None:
        """Takes the key for this request (None), or answers what holds it: an earlier request's record
        (running, or done with its answer). A record older than KEPT counts as gone, TTL or not; so does an
        abandoned one: the same body, its lease over, and neither an answer nor a change committed (the
        request died before changing anything, so running it now is running it once)."""
        item = hold.item()
        item.body_digest, item.holder, item.created_at = body_digest, hold.holder, now
        item.ttl, item.lease_until = now + KEPT, now + LEASE
        gone = IdempotencyItem.pk.does_not_exist() | (IdempotencyItem.created_at < now - KEPT)
        abandoned = (
            (IdempotencyItem.body_digest == body_digest)
            & (IdempotencyItem.lease_until < now)
            & IdempotencyItem.status_code.does_not_exist()
            & IdempotencyItem.committed_at.does_not_exist()
        )
        try:
            if Tx().put(item, condition=gone | abandoned).commit():
                return None
        except StillConflictingError:
            pass  # the holder's own transactions keep writing the record this instant: it is held
        return get_item(IdempotencyItem, keys.idempotency(hold.caller, hold.route, hold.key_digest)) or item

    def take_over(self, hold: KeyHold, found: IdempotencyItem, now: datetime) -> bool:
        """A resumable route's retry takes over a key whose request made a change and is gone (its lease
        over, no answer kept): it becomes this request's, for a new lease. False when another retry took it
        first or the first request finished meanwhile."""
        actions = [IdempotencyItem.holder.set(hold.holder), IdempotencyItem.lease_until.set(now + LEASE)]
        condition = (
            (IdempotencyItem.holder == found.holder)
            & (IdempotencyItem.lease_until <= now)
            & IdempotencyItem.status_code.does_not_exist()
        )
        return Tx().update(hold.item(), actions, condition=condition).commit().committed

    def marking(self, hold: KeyHold, now: datetime) -> AbstractContextManager[None]:
        """Every transaction committed within marks the key as having changed something, if this request
        still holds it (store/tx.py: else the transaction commits nothing and raises RiderRefusedError)."""
        return riding_along(
            hold.item(), [IdempotencyItem.committed_at.set(now)], IdempotencyItem.holder == hold.holder
        )

    def answer(self, hold: KeyHold, status: int, body: str) -> None:
        actions = [IdempotencyItem.status_code.set(status), IdempotencyItem.answer.set(body)]
        Tx().update(hold.item(), actions, condition=IdempotencyItem.holder == hold.holder).commit()

    def release(self, hold: KeyHold, now: datetime) -> None:
        """The request failed before changing anything: the key is free again for a retry to run it anew.
        One that failed after a change committed keeps its record, its lease ended now: a retry is told at
        once that the change happened, and can never make it twice."""
        mine = IdempotencyItem.holder == hold.holder
        unchanged = (
            IdempotencyItem.committed_at.does_not_exist() & IdempotencyItem.status_code.does_not_exist()
        )
        if not Tx().delete(hold.item(), condition=mine & unchanged).commit():
            Tx().update(hold.item(), [IdempotencyItem.lease_until.set(now)], condition=mine).commit()
