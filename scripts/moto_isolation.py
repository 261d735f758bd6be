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
   so do the reads, for the reason in 1. A single write's handler holds it from its first read to its
   answer: moto reads the item before an update (for ALL_OLD) and writes ALL_NEW from the live item after,
   so a concurrent write in between showed in the answer (a counter's new value one higher than this
   update made it, twice over).
3. ClientRequestToken. DynamoDB answers a TransactWriteItems repeated with the same token within 10 minutes
   as the success it was, without applying it again (a different request under that token is an
   IdempotentParameterMismatchException). moto ignores the token: botocore's retry of a transaction whose
   answer was lost applies it twice or fails its conditions. The handler below remembers committed tokens.
4. An undo journal instead of a table copy. moto rolls a cancelled transaction back by deep-copying every
   table it names before it writes (once per *item*, even), so each transaction costs O(table): about 80 µs
   an item, 1.6 s at 20,000 items, and more than schemathesis's 10 s timeout on a slow machine once the e2e
   server's table has grown. DynamoDB's cost does not depend on the table, so neither should the emulator's:
   the journal keeps a copy of just the items the transaction names (and the stream's length), and puts
   those back when moto raises; moto's own "copy" is then the live table, which makes its restore a no-op.
5. A Query reads its partition. moto answers every Query by sorting the whole table (`Table.all_items`)
   and then keeping the partition or index key asked for: 0.8 s a Query at 20,000 items. A Query of the
   table now reads just its partition, and a Query of an index skips that first sort (moto sorts the
   matches by the index's keys afterwards); what it answers, and in which order, is unchanged.
6. An index Query reads its index partition. moto still walks every item of the table for each index Query
   (to keep those whose index key matches): the workers' 48 Queries of the due index a run cost 2.7 s of CPU
   at about 20,000 items, under the one lock every request waits for. The items are now put in buckets by
   an index's hash key once, and a Query takes its bucket; any write makes the buckets stale (they are
   built again by the next index Query), so a run of reads between two writes walks the table once.
"""

from __future__ import annotations

import copy
import functools
import inspect
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

_lock = threading.RLock()
T = TypeVar("T")
WRITES = ("transact_write_items", "put_item", "update_item", "delete_item")
# Reads too, for the in-process tests: a read of a missing key inserts into the table's defaultdict (see 1.),
# so a read racing a transaction's table copy breaks it just as a write would.
READS = ("get_item", "batch_get_item", "query", "scan", "transact_get_items")
TOKEN_WINDOW_SECONDS = 600  # DynamoDB's idempotency window for a ClientRequestToken

# token -> (the request's items as JSON, when it committed), oldest first
_committed: OrderedDict[str, tuple[str, float]] = OrderedDict()
_local = threading.local()
# Writes seen so far (under the lock): an index's buckets built at another count are stale (see 6.).
_writes = 0


def isolate_moto_transactions() -> None:
    from moto.dynamodb import models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.responses import DynamoHandler

    if getattr(DynamoHandler.transact_write_items, "_isolated", False):
        return
    # moto's own methods, wrapped in place: the point of this module (mypy refuses assigning to a method)
    DynamoDBBackend.transact_write_items = _journaled(DynamoDBBackend.transact_write_items)  # type: ignore[method-assign]
    Table.query = _query_reads_its_partition(Table.query)  # type: ignore[method-assign]
    Table.all_items = _all_items_of_the_query(Table.all_items)  # type: ignore[method-assign]
    for name in WRITES + READS:
        setattr(DynamoDBBackend, name, _serialized(getattr(DynamoDBBackend, name), name in WRITES))
    DynamoHandler.transact_write_items = _idempotent(DynamoHandler.transact_write_items)  # type: ignore[method-assign]
    for name in ("put_item", "update_item", "delete_item"):
        setattr(DynamoHandler, name, _serialized(getattr(DynamoHandler, name)))
    models.copy = _TableCopies()  # type: ignore[attr-defined,assignment]  # moto's models module imports copy; replaced there


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


def exclusively(action: Callable[[], T]) -> T:
    """Run `action` (a read of moto's state from outside a request) while no request is being handled."""
    with _lock:
        return action()


def _serialized(original: Any, writes: bool = False) -> Any:
    @functools.wraps(original)
    def isolated(self: Any, *args: Any, **kwargs: Any) -> Any:
        global _writes
        with _lock:
            if not writes:
                return original(self, *args, **kwargs)
            _writes += 1
            try:
                return original(self, *args, **kwargs)
            finally:
                _writes += 1  # after it too: buckets built while it ran (by a nested read) are stale

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


def _journaled(original: Any) -> Any:
    @functools.wraps(original)
    def transact_write_items(
        self: Any, transact_items: list[dict[str, Any]], *args: Any, **kwargs: Any
    ) -> Any:
        journal = _Journal(self, transact_items)
        _local.journaling = True
        try:
            return original(self, transact_items, *args, **kwargs)
        except BaseException:
            journal.undo()
            raise
        finally:
            _local.journaling = False

    return transact_write_items


class _Journal:
    """Each item a transaction names, as it was before: putting them back undoes whatever part of it ran."""

    def __init__(self, backend: Any, transact_items: list[dict[str, Any]]) -> None:
        from moto.dynamodb.models.dynamo_type import DynamoType

        self._before: list[tuple[Any, Any, Any, Any]] = []  # (table, hash, range, item or None)
        self._streams: list[tuple[Any, int]] = []
        for entry in transact_items:
            op = next(iter(entry.values())) if isinstance(entry, dict) and entry else {}
            table = backend.tables.get(op.get("TableName")) if isinstance(op, dict) else None
            attrs = op.get("Item") or op.get("Key") if table is not None else None
            if table is None or not isinstance(attrs, dict) or table.hash_key_attr not in attrs:
                continue  # moto refuses it before writing anything
            hash_key = DynamoType(attrs[table.hash_key_attr])
            range_key = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr in attrs else None
            if table.has_range_key and range_key is None:
                continue
            current = table.get_item(hash_key, range_key)
            self._before.append((table, hash_key, range_key, copy.deepcopy(current)))
            if table.stream_shard is not None and all(table is not seen for seen, _ in self._streams):
                self._streams.append((table, len(table.stream_shard.items)))

    def undo(self) -> None:
        for table, hash_key, range_key, item in reversed(self._before):
            if range_key is None:
                if item is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = item
            elif item is None:
                table.items[hash_key].pop(range_key, None)
            else:
                table.items[hash_key][range_key] = item
        for table, length in self._streams:
            del table.stream_shard.items[length:]


def _query_reads_its_partition(original: Any) -> Any:
    signature = inspect.signature(original)

    @functools.wraps(original)
    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        asked = signature.bind(self, *args, **kwargs).arguments
        _local.query = (asked.get("index_name"), asked.get("hash_key"), asked.get("hash_key_conditions"))
        try:
            return original(self, *args, **kwargs)
        finally:
            _local.query = None

    return query


def _all_items_of_the_query(original: Any) -> Any:
    @functools.wraps(original)
    def all_items(self: Any) -> Any:
        query = getattr(_local, "query", None)
        if query is None:  # a Scan, an export: they want the table in key order
            return original(self)
        index_name, hash_key, conditions = query
        if not self.range_key_attr:
            return list(self.items.values())
        if index_name is None and hash_key is not None:
            return list(self.items.get(hash_key, {}).values())
        if index_name is not None and conditions and len(conditions) == 1:
            attribute, value = conditions[0]
            return _index_buckets(self, attribute).get(value, [])
        return [item for partition in self.items.values() for item in partition.values()]

    return all_items


def _index_buckets(table: Any, attribute: str) -> dict[Any, list[Any]]:
    """The table's items by their value of `attribute` (an index's hash key), built once per write count.
    moto's Query then checks each candidate's keys itself, so a bucket only narrows what it walks."""
    built: dict[str, tuple[int, dict[Any, list[Any]]]] = table.__dict__.setdefault("_index_buckets", {})
    cached = built.get(attribute)
    if cached is not None and cached[0] == _writes:
        return cached[1]
    buckets: dict[Any, list[Any]] = {}
    for partition in table.items.values():
        for item in partition.values():
            value = item.attrs.get(attribute)
            if value is not None:
                buckets.setdefault(value, []).append(item)
    built[attribute] = (_writes, buckets)
    return buckets


class _TableCopies:
    """Stands in for the `copy` module inside moto.dynamodb.models: inside a journaled transaction a table's
    "backup" is the table itself, since the journal undoes the writes (see 4. above)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        from moto.dynamodb.models.table import Table

        if getattr(_local, "journaling", False) and isinstance(value, Table):
            return value
        return copy.deepcopy(value, memo)
