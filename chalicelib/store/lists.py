"""The list indexes' raw reads: a Query of one index partition for keys (no model: the compact projections
lack the `entity` discriminator PynamoDB filters on), then the page itself by key from the table, strongly
consistent, so a page never shows a value older than the last write that returned."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.store.models import Item
from chalicelib.store.table import dynamodb_client


@dataclass(frozen=True)
class IndexPage:
    rows: list[dict[str, str]]  # each row's string attributes (keys and what the index projects)
    more: bool  # rows beyond these exist


def _strings(item: dict[str, Any]) -> dict[str, str]:
    return {name: value["S"] for name, value in item.items() if "S" in value}


def query_index(
    index: str,
    partition_attribute: str,
    partition: str,
    sort_attribute: str,
    *,
    limit: int,
    above: str | None = None,
    below: str | None = None,
    descending: bool = False,
) -> IndexPage:
    """Up to `limit` rows of one partition in sort-key order, with sort keys strictly between `above` and
    `below` when given (a cursor's last key, a time bound); one Query of limit + 1 rows tells whether
    there are more."""
    condition, values, extra = _between(partition, above, below)
    found = dynamodb_client().query(
        TableName=Item.Meta.table_name,
        IndexName=index,
        KeyConditionExpression=condition,
        ExpressionAttributeNames={"#p": partition_attribute, "#s": sort_attribute}
        if "#s" in condition
        else {"#p": partition_attribute},
        ExpressionAttributeValues=values,
        ScanIndexForward=not descending,
        Limit=limit + extra,
    )["Items"]
    rows = [_strings(item) for item in found]
    rows = [row for row in rows if row[sort_attribute] not in (above, below)]
    return IndexPage(rows=rows[:limit], more=len(rows) > limit)


def _between(partition: str, above: str | None, below: str | None) -> tuple[str, dict[str, Any], int]:
    """The key condition, its values, and how many rows beyond the limit to ask for (each open end a
    cursor's row may occupy)."""
    values: dict[str, Any] = {":p": {"S": partition}}
    condition = "#p = :p"
    extra = 1
    if above is not None and below is not None:
        # BETWEEN includes its ends: a cursor's end is a row (dropped below); the other is a time bound
        # ending in "$", which no sort key equals
        condition += " AND #s BETWEEN :lo AND :hi"
        values.update({":lo": {"S": above}, ":hi": {"S": below}})
        extra = 2
    elif above is not None:
        condition += " AND #s > :lo"
        values[":lo"] = {"S": above}
    elif below is not None:
        condition += " AND #s < :hi"
        values[":hi"] = {"S": below}
    return condition, values, extra


def query_all(index: str, partition_attribute: str, partition: str) -> list[dict[str, str]]:
    """Every row of one partition of a compact (keys-only) index: 1 MB per round trip."""
    client = dynamodb_client()
    request: dict[str, Any] = {
        "TableName": Item.Meta.table_name,
        "IndexName": index,
        "KeyConditionExpression": "#p = :p",
        "ExpressionAttributeNames": {"#p": partition_attribute},
        "ExpressionAttributeValues": {":p": {"S": partition}},
    }
    rows: list[dict[str, str]] = []
    while True:
        answer = client.query(**request)
        rows.extend(_strings(item) for item in answer["Items"])
        if "LastEvaluatedKey" not in answer:
            return rows
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
