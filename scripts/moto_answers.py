"""moto's DynamoDB answers written as plain JSON. Dev only; nothing here is imported by the service.

moto writes each answer by walking the operation's output shape member by member, looking every value up
under several spellings (moto/core/serialize.py): about 4 ms for a Query's answer of a few items, most of a
request's cost in the API tests and a fifth of their time. The item operations' answers are already the
wire's JSON once moto has turned its items into dicts (`dynamo_to_dict`): the shape walk only base64-encodes
binary values, writes times as epoch seconds, and leaves out what is None and what the shape does not name.
`answer_items_as_json` does just that for them, in one pass; every other operation (tables, errors) keeps
moto's serializer.

`CHECK_ENV`, when set, writes each answer both ways and fails on any difference: tests/api/
test_moto_answers.py runs that over the item operations' answers, and the whole API tier can run under it.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import datetime
from typing import Any

CHECK_ENV = "MOTO_ANSWERS_CHECK"
# The operations whose answers hold items, keys and counts only (botocore's dynamodb-2012-08-10 model).
ITEM_OPERATIONS = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)


def answer_items_as_json() -> None:
    from moto.dynamodb.responses import DynamoResult

    original = DynamoResult.execute_result
    if getattr(original, "_plain", False):
        return

    def execute_result(self: Any, context: Any) -> Any:
        if context.operation_model.name not in ITEM_OPERATIONS or isinstance(self.result, Exception):
            return original(self, context)
        content_type = f"application/x-amz-json-{context.service_model.metadata.get('jsonVersion', '1.0')}"
        members = context.operation_model.output_shape.members  # moto adds some the wire has not
        body = {name: value for name, value in self.result.items() if name in members}
        answer = (200, {"Content-Type": content_type}, json.dumps(plain(body)))
        if os.environ.get(CHECK_ENV):
            expected = original(self, context)
            assert (answer[0], answer[1], json.loads(answer[2])) == (
                expected[0],
                expected[1],
                json.loads(expected[2]),
            ), (context.operation_model.name, answer, expected)
        return answer

    execute_result._plain = True  # type: ignore[attr-defined]
    DynamoResult.execute_result = execute_result  # type: ignore[method-assign]


def plain(value: Any) -> Any:
    """`value` as the JSON serializer writes it: bytes in base64, times in epoch seconds, no None."""
    if isinstance(value, dict):
        return {key: plain(inner) for key, inner in value.items() if inner is not None}
    if isinstance(value, list):
        return [plain(inner) for inner in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, datetime):
        return value.timestamp()
    return value
