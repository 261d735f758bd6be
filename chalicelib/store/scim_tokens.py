"""SCIM tokens (issue 31): made under the account's cap of 2 active (a conditional ADD on the account's
count, in the transaction of the token, its hash pointer and its audit event), found by their hash,
revoked (the pointer deleted and the count lowered with it), and their use: the second's request count
that holds the rate, and `last_used_at`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from chalicelib.store import keys
from chalicelib.store.counts import add_within
from chalicelib.store.models import AuditEventItem, CounterItem, ScimTokenHashItem, ScimTokenItem
from chalicelib.store.table import get_item
from chalicelib.store.tx import Outcome, Tx

MAX_ACTIVE: Final = 2  # one in use and its successor, to rotate without a gap
PER_SECOND: Final = 10
# last_used_at is for a person reading the list: a write per minute of use says enough, one per request
# would double each request's writes.
LAST_USED_EVERY: Final = timedelta(minutes=1)


class ScimTokenStore:
    def tokens_of(self, account_id: str) -> list[ScimTokenItem]:
        pk, prefix = keys.scim_tokens_of(account_id)
        found = ScimTokenItem.query(pk, ScimTokenItem.sk.startswith(prefix), consistent_read=True)
        return [item for item in found if isinstance(item, ScimTokenItem)]

    def get_token(self, account_id: str, token_id: str) -> ScimTokenItem | None:
        return get_item(ScimTokenItem, keys.scim_token(account_id, token_id))

    def by_hash(self, token_hash: str) -> ScimTokenHashItem | None:
        """The active token a hash is of: one GetItem (a revoked token has no pointer)."""
        return get_item(ScimTokenHashItem, keys.scim_token_hash(token_hash))

    def create(self, token: ScimTokenItem, event: AuditEventItem) -> Outcome:
        """Fails "full" with 2 active tokens already."""
        count = CounterItem(*keys.scim_token_count(token.account_id))
        tx = Tx().record(event)
        add_within(tx, count, CounterItem.total, 1, MAX_ACTIVE, "full")
        tx.put(token, condition=ScimTokenItem.pk.does_not_exist(), label="exists")
        pointer = ScimTokenHashItem(
            *keys.scim_token_hash(token.token_hash),
            account_id=token.account_id,
            scim_token_id=token.scim_token_id,
        )
        tx.put(pointer, condition=ScimTokenHashItem.pk.does_not_exist(), label="exists")
        return tx.commit()

    def revoke(self, token: ScimTokenItem, now: datetime, event: AuditEventItem) -> Outcome:
        """Fails "gone" when it was revoked meanwhile (the count is lowered once only)."""
        active = ScimTokenItem.pk.exists() & ScimTokenItem.revoked_at.does_not_exist()
        tx = Tx().record(event)
        tx.update(token, [ScimTokenItem.revoked_at.set(now)], condition=active, label="gone")
        tx.delete(ScimTokenHashItem(*keys.scim_token_hash(token.token_hash)))
        count = CounterItem(*keys.scim_token_count(token.account_id))
        tx.update(count, [CounterItem.total.add(-1)])
        return tx.commit()

    def count_request(self, token_id: str, now: datetime) -> bool:
        """One request of this token in the current second; False when it already made PER_SECOND."""
        second = int(now.timestamp())
        counter = CounterItem(*keys.scim_token_second(token_id, second))
        ends = now + timedelta(minutes=1)  # the second is over: the count goes
        tx = Tx()
        add_within(tx, counter, CounterItem.total, 1, PER_SECOND, "full", also=[CounterItem.ttl.set(ends)])
        return tx.commit().committed

    def mark_used(self, pointer: ScimTokenHashItem, now: datetime) -> None:
        """`last_used_at`, when the stored one is older than a minute (or absent); never revives a revoked
        token's item (it must exist and be unrevoked)."""
        token = ScimTokenItem(*keys.scim_token(pointer.account_id, pointer.scim_token_id))
        stale = ScimTokenItem.last_used_at.does_not_exist() | (
            ScimTokenItem.last_used_at < now - LAST_USED_EVERY
        )
        active = ScimTokenItem.pk.exists() & ScimTokenItem.revoked_at.does_not_exist()
        Tx().update(
            token, [ScimTokenItem.last_used_at.set(now)], condition=active & stale, label="kept"
        ).commit()
