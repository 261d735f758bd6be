"""Whether an account's events need to enter the webhook outbox at all. An event is queued for the
webhooks only when its account has an endpoint, or the operator has one (they hear every account), so an
account with none pays nothing in the background for its events beyond the audit record itself.

What a request knows: the account in its path, read while authorizing (its `webhook_count`, moved in the
transactions that create and delete endpoints); the api layer hands it here for the request's duration
(`known`). A path that has not read its account (a public accept, the purge without its batch read) counts
as listened to: queued, and the worker finds no endpoint and takes the event out again (one write).

The operator's count rides along in the authorizing BatchGetItem at most every OPERATOR_RECHECK_SECONDS per
process (no round trip of its own), so an operator's very first endpoint hears events from at most that long
after it is created (docs/security.md); until a process knows, it queues; creating or deleting one in this
process forgets the cached answer at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from chalicelib.store import keys
from chalicelib.store.models import AccountItem, CounterItem
from chalicelib.store.table import get_item

OPERATOR_RECHECK_SECONDS = 30.0
_accounts: ContextVar[dict[str, bool] | None] = ContextVar("listened_accounts", default=None)
_operator_lock = threading.Lock()
_operator: tuple[float, bool] | None = None  # (checked at, has endpoints)


@contextmanager
def known(accounts: Iterable[AccountItem | None]) -> Iterator[None]:
    """Within this block, events of these accounts are queued only if they (or the operator) listen."""
    told = {a.account_id: int(a.webhook_count) > 0 for a in accounts if a}
    token = _accounts.set({**(_accounts.get() or {}), **told})
    try:
        yield
    finally:
        _accounts.reset(token)


def listened(account_id: str) -> bool:
    """Whether an event of this account should be queued for the webhooks. Never reads: an operator's
    state not known lately counts as listening (queued; the worker drops it if nobody is there)."""
    if (_accounts.get() or {}).get(account_id) is not False:
        return True
    known_lately = _operator_lately()
    return known_lately is None or known_lately


def operator_key_if_stale() -> keys.Key | None:
    """The operator's endpoint count's key when this process should learn it again: the authorizing
    BatchGetItem reads it along (no round trip of its own)."""
    return keys.operator_webhook_count() if _operator_lately() is None else None


def _operator_lately() -> bool | None:
    """Whether the operator has endpoints, as this process learnt it lately (None: not lately)."""
    with _operator_lock:
        if _operator is None or time.monotonic() - _operator[0] >= OPERATOR_RECHECK_SECONDS:
            return None
        return _operator[1]


def tell_operator(count: CounterItem | None) -> None:
    """The operator's endpoint count as just read (None: never had one)."""
    global _operator
    with _operator_lock:
        _operator = (time.monotonic(), count is not None and int(count.total) > 0)


def refresh_operator() -> None:
    """A read of its own, for the jobs (the purge): they have no authorizing read to ride on."""
    tell_operator(get_item(CounterItem, keys.operator_webhook_count()))


def forget_operator() -> None:
    """The operator's endpoints changed here (or a test starts afresh): ask the table next time."""
    global _operator
    with _operator_lock:
        _operator = None
