"""Counting what DynamoDB was asked: round trips are counted, not estimated."""

from __future__ import annotations

from typing import Any


class DynamoCalls:
    """The DynamoDB operations made (and items handed back) inside the block, seen through botocore's
    events: round trips are counted, not estimated.

        with DynamoCalls() as calls:
            api.get(...)
        assert calls.operations == ["BatchGetItem"]
    """

    def __init__(self) -> None:
        self.operations: list[str] = []
        self.items = 0
        self.scanned = 0  # items a Query or Scan examined, before its FilterExpression (what it is billed)
        self.keys_read: list[tuple[str, str]] = []  # every item handed back, in order, repeats included
        # the whole items among them (an index's keys-only row carries no `entity`): what is read by key
        self.whole_read: list[tuple[str, str]] = []

    def _seen(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        self.operations.append(model.name)
        batch = parsed.get("Responses")
        batch_items = sum(len(found) for found in batch.values()) if isinstance(batch, dict) else 0
        self.scanned += parsed.get("ScannedCount", 0)
        self.items += parsed.get("Count", 0) + (1 if "Item" in parsed else 0) + batch_items
        found = [parsed["Item"]] if "Item" in parsed else []  # not a write's echoed Attributes: no read
        found += parsed.get("Items", []) + [i for items in (batch or {}).values() for i in items]
        self.keys_read += [(item["pk"]["S"], item["sk"]["S"]) for item in found if "pk" in item]
        self.whole_read += [(item["pk"]["S"], item["sk"]["S"]) for item in found if "entity" in item]

    @property
    def read_twice(self) -> list[tuple[str, str]]:
        """The items handed back more than once (each request should read an item at most once)."""
        return sorted({key for key in self.keys_read if self.keys_read.count(key) > 1})

    @property
    def whole_read_twice(self) -> list[tuple[str, str]]:
        """The whole items handed back more than once (an index's keys, then the item by key, is once)."""
        return sorted({key for key in self.whole_read if self.whole_read.count(key) > 1})

    def __enter__(self) -> DynamoCalls:
        from chalicelib.store.table import dynamodb_client

        dynamodb_client().meta.events.register("after-call.dynamodb", self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        from chalicelib.store.table import dynamodb_client

        dynamodb_client().meta.events.unregister("after-call.dynamodb", self._seen)
