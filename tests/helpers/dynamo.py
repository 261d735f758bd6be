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

    def _seen(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        self.operations.append(model.name)
        batch = parsed.get("Responses")
        batch_items = sum(len(found) for found in batch.values()) if isinstance(batch, dict) else 0
        self.items += parsed.get("Count", 0) + (1 if "Item" in parsed else 0) + batch_items

    def __enter__(self) -> DynamoCalls:
        from chalicelib.store.table import dynamodb_client

        dynamodb_client().meta.events.register("after-call.dynamodb", self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        from chalicelib.store.table import dynamodb_client

        dynamodb_client().meta.events.unregister("after-call.dynamodb", self._seen)
