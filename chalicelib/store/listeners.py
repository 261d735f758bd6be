"""Whether an account's events need to enter the webhook outbox at all. An event is queued for the
webhooks only when its account has an endpoint, or the operator has one (they hear every account), so an
account with none pays nothing in the background for its events beyond the audit record itself.

What a request knows: the account in its path, read while authorizing (its `webhook_count`, moved in the
transactions that create and delete endpoints); the api layer hands it here for the request's duration
(`known`). A path that has not read its account (a public accept, the purge without its batch read) counts
as listened to: queued, and the worker finds no endpoint and takes the event out again (one write).

The operator's count is one item read at most every OPERATOR_RECHECK_SECONDS per process, so an operator's
very first endpoint hears events from at most that long after it is created (docs/security.md); creating or
deleting one in this process forgets the cached answer at once."""

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
    told = {a.account_id: int(a.webhook_count) > 0 for a in accounts if a and a.webhook_count is not None}
    token = _accounts.set({**(_accounts.get() or {}), **told})
    try:
        yield
    finally:
        _accounts.reset(token)


def listened(account_id: str) -> bool:
    """Whether an event of this account should be queued for the webhooks."""
    has_endpoints = (_accounts.get() or {}).get(account_id)
    return has_endpoints is not False or operator_listens()


def operator_listens() -> bool:
    global _operator
    now = time.monotonic()
    with _operator_lock:
        if _operator is not None and now - _operator[0] < OPERATOR_RECHECK_SECONDS:
            return _operator[1]
    count = get_item(CounterItem, keys.operator_webhook_count())
    answer = count is not None and int(count.total) > 0  # none yet: never had one (or backfill-lists)
    with _operator_lock:
        _operator = (now, answer)
    return answer


def forget_operator() -> None:
    """The operator's endpoints changed here (or a test starts afresh): ask the table next time."""
    global _operator
    with _operator_lock:
        _operator = None
