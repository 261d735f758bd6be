"""DynamoDB applies each write atomically: a TransactWriteItems in isolation, and a conditional
Put/Update/DeleteItem as one check-and-write. moto does neither under threads: it applies a transaction by
copying the table and restoring the copy on failure, with no lock (two concurrent transactions can
interleave and even undo each other), and it checks a single write's condition and then writes, so two
requests can both pass the same condition. Serializing the writes (one re-entrant lock; reads stay free)
restores DynamoDB's guarantees for the local server and the concurrency tests. Dev only."""

from __future__ import annotations

import functools
import threading
from typing import Any

_lock = threading.RLock()
WRITES = ("transact_write_items", "put_item", "update_item", "delete_item")


def isolate_moto_transactions() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    for name in WRITES:
        original = getattr(DynamoDBBackend, name)
        if getattr(original, "_isolated", False):
            continue
        setattr(DynamoDBBackend, name, _serialized(original))


def _serialized(original: Any) -> Any:
    @functools.wraps(original)
    def isolated(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _lock:
            return original(self, *args, **kwargs)

    isolated._isolated = True  # type: ignore[attr-defined]
    return isolated
