"""scripts/moto_isolation.py: the emulator keeps DynamoDB's answers while costing what DynamoDB's do (a
transaction and a Query that do not grow with the table)."""

from __future__ import annotations

import copy
import random
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from moto.dynamodb.models.table import Table

from chalicelib.store.table import dynamodb_client

if TYPE_CHECKING:
    from chalicelib.deps import Deps


def test_moto_undoes_a_cancelled_transaction_item_by_item_without_copying_the_table(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    """scripts/moto_isolation.py, 4.: a cancelled transaction leaves every item as it was (an update applied
    in place, a put of a new item and a delete, all before the failing check), and the rollback copies only
    the items the transaction names, never the table, so its cost does not grow with the table."""
    client, table = dynamodb_client(), deps.settings.table_name

    def key(name: str) -> dict[str, Any]:
        return {"pk": {"S": f"JOURNAL#{name}"}, "sk": {"S": name}}

    for name in ("kept", "deleted"):
        client.put_item(TableName=table, Item={**key(name), "n": {"N": "1"}})
    before = client.scan(TableName=table, ConsistentRead=True)["Items"]
    table_copies = []
    real_deepcopy = copy.deepcopy

    def counting_deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if isinstance(value, Table):
            table_copies.append(value)
        return real_deepcopy(value, memo)

    monkeypatch.setattr(copy, "deepcopy", counting_deepcopy)
    with pytest.raises(ClientError) as raised:
        client.transact_write_items(
            TransactItems=[
                {"Update": {"TableName": table, "Key": key("kept"), "UpdateExpression": "ADD n :one",
                            "ExpressionAttributeValues": {":one": {"N": "1"}}}},
                {"Put": {"TableName": table, "Item": {**key("new"), "n": {"N": "1"}}}},
                {"Delete": {"TableName": table, "Key": key("deleted")}},
                {"ConditionCheck": {"TableName": table, "Key": key("absent"),
                                    "ConditionExpression": "attribute_exists(pk)"}},
            ]
        )  # fmt: skip
    assert raised.value.response["Error"]["Code"] == "TransactionCanceledException"
    after = client.scan(TableName=table, ConsistentRead=True)["Items"]
    assert sorted(map(str, after)) == sorted(map(str, before))
    assert table_copies == []


def test_a_query_reads_its_partition_and_answers_in_dynamodbs_order(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    """scripts/moto_isolation.py, 5.: a Query of the table is handed only its partition, and a Query of an
    index every item unsorted; pages forward and backward, with a key condition, still come in key order."""
    client, table = dynamodb_client(), deps.settings.table_name
    rows = [
        (f"ORDER#{p}", f"{r:03d}", f"IDX#{r % 3}", f"{random.random():.6f}")
        for p in range(4)
        for r in range(30)
    ]
    random.Random(7).shuffle(rows)
    for pk, sk, gpk, gsk in rows:
        item = {"pk": {"S": pk}, "sk": {"S": sk}, "gsi3pk": {"S": gpk}, "gsi3sk": {"S": gsk}}
        client.put_item(TableName=table, Item=item)
    handed: list[int] = []
    read_for_the_query = Table.all_items

    def counted(self: Any) -> Any:
        answer = read_for_the_query(self)
        handed.append(len(answer))
        return answer

    monkeypatch.setattr(Table, "all_items", counted)

    def pages(**query: Any) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        start: dict[str, Any] = {}
        while True:
            page = client.query(TableName=table, Limit=7, **query, **start)
            found += [(item["sk"]["S"], item.get("gsi3sk", {}).get("S", "")) for item in page["Items"]]
            if "LastEvaluatedKey" not in page:
                return found
            start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}

    partition = sorted((sk, gsk) for pk, sk, _, gsk in rows if pk == "ORDER#2")
    table_query = {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "ORDER#2"}}}
    assert pages(**table_query) == partition
    assert handed and max(handed) == 30  # its own partition, not the table's 120 and more
    assert pages(**table_query, ScanIndexForward=False) == partition[::-1]
    ranged = {
        "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
        "ExpressionAttributeValues": {":p": {"S": "ORDER#2"}, ":a": {"S": "005"}, ":b": {"S": "017"}},
    }
    assert pages(**ranged) == [row for row in partition if "005" <= row[0] <= "017"]
    index = sorted(((gsk, pk, sk) for pk, sk, gpk, gsk in rows if gpk == "IDX#1"))
    index_query = {
        "IndexName": "gsi3",
        "KeyConditionExpression": "gsi3pk = :p",
        "ExpressionAttributeValues": {":p": {"S": "IDX#1"}},
    }
    assert pages(**index_query) == [(sk, gsk) for gsk, _, sk in index]
    assert pages(**index_query, ScanIndexForward=False) == [(sk, gsk) for gsk, _, sk in index[::-1]]


def test_concurrent_updates_each_answer_the_value_they_wrote(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    """scripts/moto_isolation.py, 2.: an update's ALL_NEW is the item as that update left it, as on DynamoDB.
    moto wrote the answer from the live item after its write, so a counter's answers under concurrent adds
    repeated one value and skipped another (the code-check window's count did: a burst of 20 wrong codes
    checked 4 instead of 5)."""
    import time

    from moto.dynamodb.models.dynamo_type import Item

    from tests.helpers.concurrency import run_together

    real_to_json = Item.to_json

    def slow_to_json(self: Item, *args: Any, **kwargs: Any) -> Any:
        time.sleep(0.002)  # the moment another update could slip in before the answer is written
        return real_to_json(self, *args, **kwargs)

    monkeypatch.setattr(Item, "to_json", slow_to_json)
    client, table = dynamodb_client(), deps.settings.table_name
    key = {"pk": {"S": "COUNTER#answers"}, "sk": {"S": "answers"}}

    def add_one() -> int:
        answer = client.update_item(
            TableName=table,
            Key=key,
            UpdateExpression="ADD n :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="ALL_NEW",
        )
        return int(answer["Attributes"]["n"]["N"])

    def five_adds() -> list[int]:
        return [add_one() for _ in range(5)]

    answers = run_together(*[five_adds for _ in range(20)])
    seen = sorted(n for five in answers if isinstance(five, list) for n in five)
    assert seen == list(range(1, 101))
