"""moto as a stand-in for DynamoDB under concurrency: what it lacks, and how the tests and `make run` add it.
Dev only; nothing here is imported by the service.

1. One request at a time (`one_request_at_a_time`, the local runner's moto server). moto's in-memory backend
   is not thread-safe, reads included: a GetItem of a missing key inserts an empty entry into the table's
   `defaultdict`, so a transaction deep-copying that table at the same moment dies with "dictionary changed
   size during iteration" (an HTML 500 from TransactWriteItems). Serving one request at a time is what makes
   it correct; the server is an emulator for one developer's traffic, so throughput is not the point.
2. Atomic writes (`isolate_moto_transactions`). DynamoDB applies each write atomically: a TransactWriteItems
   in isolation, and a conditional Put/Update/DeleteItem as one check-and-write. moto does neither under
   threads: it applies a transaction by copying the table and restoring the copy on failure, with no lock,
   and it checks a single write's condition and then writes. The in-process tests call moto from several
   threads without a server, so the writes take the same lock (re-entrant: the server already holds it), and
   so do the reads, for the reason in 1.
3. ClientRequestToken. DynamoDB answers a TransactWriteItems repeated with the same token within 10 minutes
   as the success it was, without applying it again (a different request under that token is an
   IdempotentParameterMismatchException). moto ignores the token: botocore's retry of a transaction whose
   answer was lost applies it twice or fails its conditions. The handler below remembers committed tokens.
4. One table backup per transaction. moto deep-copies the whole table once per *item* of a transaction (to
   roll back a cancelled one), all before it writes anything; the copies are identical, so one per table is
   the same rollback at 1/n of the cost (a 75-item bulk invite copied a 2,000-item table 75 times).
"""

from __future__ import annotations

import copy
import functools
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

_lock = threading.RLock()
WRITES = ("transact_write_items", "put_item", "update_item", "delete_item")
# Reads too, for the in-process tests: a read of a missing key inserts into the table's defaultdict (see 1.),
# so a read racing a transaction's table copy breaks it just as a write would.
READS = ("get_item", "batch_get_item", "query", "scan", "transact_get_items")
TOKEN_WINDOW_SECONDS = 600  # DynamoDB's idempotency window for a ClientRequestToken

# token -> (the request's items as JSON, when it committed), oldest first
_committed: OrderedDict[str, tuple[str, float]] = OrderedDict()
_backups = threading.local()


def isolate_moto_transactions() -> None:
    from moto.dynamodb import models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.responses import DynamoHandler

    if getattr(DynamoHandler.transact_write_items, "_isolated", False):
        return
    DynamoDBBackend.transact_write_items = _one_backup_per_table(DynamoDBBackend.transact_write_items)
    for name in WRITES + READS:
        setattr(DynamoDBBackend, name, _serialized(getattr(DynamoDBBackend, name)))
    DynamoHandler.transact_write_items = _idempotent(DynamoHandler.transact_write_items)
    models.copy = _TableCopies()  # type: ignore[assignment]


def one_request_at_a_time(app: Callable[..., Iterable[bytes]]) -> Callable[..., list[bytes]]:
    """A WSGI app that lets one request at a time into `app`, its whole answer produced under the lock."""

    def serialized(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with _lock:
            answer = app(environ, start_response)
            try:
                return list(answer)
            finally:
                close = getattr(answer, "close", None)
                if close is not None:
                    close()

    return serialized


def exclusively(action: Callable[[], Any]) -> Any:
    """Run `action` (a read of moto's state from outside a request) while no request is being handled."""
    with _lock:
        return action()


def _serialized(original: Any) -> Any:
    @functools.wraps(original)
    def isolated(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _lock:
            return original(self, *args, **kwargs)

    isolated._isolated = True  # type: ignore[attr-defined]
    return isolated


def _idempotent(original: Any) -> Any:
    from moto.core.responses import ActionResult

    @functools.wraps(original)
    def transact_write_items(self: Any) -> Any:
        token = self.body.get("ClientRequestToken")
        if not token:
            return original(self)
        request = json.dumps(self.body.get("TransactItems"), sort_keys=True)
        with _lock:
            now = time.monotonic()
            while _committed and now - next(iter(_committed.values()))[1] > TOKEN_WINDOW_SECONDS:
                _committed.popitem(last=False)
            if token in _committed:
                if _committed[token][0] != request:
                    raise _mismatch()
                return ActionResult({"ConsumedCapacity": [], "ItemCollectionMetrics": {}})
            answer = original(self)  # raises when cancelled: only a commit is remembered
            _committed[token] = (request, now)
            return answer

    transact_write_items._isolated = True  # type: ignore[attr-defined]
    return transact_write_items


def _mismatch() -> Exception:
    from moto.dynamodb.exceptions import ERROR_TYPE_PREFIX, DynamodbException

    return DynamodbException(
        ERROR_TYPE_PREFIX + "IdempotentParameterMismatchException",
        "The request uses the same client token as a previous, but non-identical request.",
    )


def _one_backup_per_table(original: Any) -> Any:
    @functools.wraps(original)
    def transact_write_items(self: Any, *args: Any, **kwargs: Any) -> Any:
        _backups.taken = {}
        try:
            return original(self, *args, **kwargs)
        finally:
            _backups.taken = None

    return transact_write_items


class _TableCopies:
    """Stands in for the `copy` module inside moto.dynamodb.models: during a transaction, a table is
    deep-copied once and that copy handed out for every later request to copy it."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        from moto.dynamodb.models.table import Table

        taken: dict[int, tuple[Any, Any]] | None = getattr(_backups, "taken", None)
        if taken is None or not isinstance(value, Table):
            return copy.deepcopy(value, memo)
        if id(value) not in taken:
            taken[id(value)] = (value, copy.deepcopy(value))  # the original is kept so its id stays unique
        return taken[id(value)][1]
