"""DynamoDB runs each TransactWriteItems in isolation; moto applies one by copying the table and restoring
the copy on failure, with no lock, so two concurrent transactions can interleave and even undo each other.
Serializing them restores DynamoDB's guarantee for the local server and the concurrency tests. Dev only."""

from __future__ import annotations

import functools
import threading

_lock = threading.Lock()


def isolate_moto_transactions() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    original = DynamoDBBackend.transact_write_items
    if getattr(original, "_isolated", False):
        return

    @functools.wraps(original)
    def isolated(self, *args, **kwargs):
        with _lock:
            return original(self, *args, **kwargs)

    isolated._isolated = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = isolated
