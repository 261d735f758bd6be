"""scripts/moto_answers.py: moto's item operations answer as plain JSON exactly what its serializer writes
(checked here answer by answer with CHECK_ENV set), and every other answer still comes from the serializer."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.store.table import dynamodb_client
from scripts.moto_answers import CHECK_ENV, plain

if TYPE_CHECKING:
    from chalicelib.deps import Deps


def key(name: str) -> dict[str, Any]:
    return {"pk": {"S": f"ANSWER#{name}"}, "sk": {"S": name}}


def test_each_item_operation_answers_as_the_serializer_would(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CHECK_ENV, "1")  # each answer below is written both ways and compared
    client, table = dynamodb_client(), deps.settings.table_name
    item = {
        **key("a"),
        "blob": {"B": b"\x00\xffbytes"},
        "blobs": {"BS": [b"\x01", b"\x02"]},
        "n": {"N": "1.50"},
        "nothing": {"NULL": True},
        "nested": {"M": {"list": {"L": [{"S": "x"}, {"BOOL": False}, {"NS": ["1", "2"]}]}}},
        "names": {"SS": ["b", "a"]},
    }
    assert client.put_item(TableName=table, Item=item, ReturnValues="ALL_OLD") is not None
    assert client.get_item(TableName=table, Key=key("a"), ConsistentRead=True)["Item"]["blob"] == {
        "B": b"\x00\xffbytes"
    }
    assert "Item" not in client.get_item(TableName=table, Key=key("absent"))
    updated = client.update_item(
        TableName=table,
        Key=key("a"),
        UpdateExpression="SET n = n + :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValues="ALL_NEW",
    )
    assert Decimal(updated["Attributes"]["n"]["N"]) == Decimal("2.5")
    for n in range(3):
        client.put_item(TableName=table, Item={"pk": {"S": "ANSWER#many"}, "sk": {"S": f"{n}"}})
    first = client.query(
        TableName=table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "ANSWER#many"}},
        Limit=2,
    )
    assert first["Count"] == 2 and "LastEvaluatedKey" in first
    assert client.scan(TableName=table, Limit=1)["Count"] == 1
    batch = client.batch_get_item(RequestItems={table: {"Keys": [key("a"), key("absent")]}})
    assert len(batch["Responses"][table]) == 1 and batch["UnprocessedKeys"] == {}
    assert (
        client.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": key("b")}}]})[
            "UnprocessedItems"
        ]
        == {}
    )
    got = client.transact_get_items(TransactItems=[{"Get": {"TableName": table, "Key": key("b")}}])
    assert got["Responses"] == [{"Item": key("b")}]
    client.transact_write_items(TransactItems=[{"Delete": {"TableName": table, "Key": key("b")}}])
    assert client.delete_item(TableName=table, Key=key("a"), ReturnValues="ALL_OLD")["Attributes"]["n"]


def test_errors_and_table_answers_keep_the_serializer(deps: Deps, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CHECK_ENV, "1")
    client, table = dynamodb_client(), deps.settings.table_name
    client.put_item(TableName=table, Item={**key("kept"), "n": {"N": "1"}})
    with pytest.raises(ClientError) as refused:
        client.put_item(
            TableName=table,
            Item=key("kept"),
            ConditionExpression="attribute_not_exists(pk)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert refused.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert refused.value.response["Item"]["n"] == {"N": "1"}
    with pytest.raises(ClientError) as cancelled:
        client.transact_write_items(
            TransactItems=[
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": key("kept"),
                        "ConditionExpression": "n = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                }
            ]
        )
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert client.describe_table(TableName=table)["Table"]["TableName"] == table


def test_plain_writes_what_the_json_serializer_does() -> None:
    from datetime import UTC, datetime

    at = datetime(2026, 12, 7, tzinfo=UTC)
    value = {"b": b"\x00", "t": at, "gone": None, "list": [{"x": None, "y": [b"\x01"]}]}
    assert plain(value) == {"b": "AA==", "t": at.timestamp(), "list": [{"y": ["AQ=="]}]}
