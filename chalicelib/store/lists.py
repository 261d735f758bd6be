"""The list indexes' raw reads: a Query of one index partition for keys (no model: the compact projections
lack the `entity` discriminator PynamoDB filters on), then the page itself by key from the table, strongly
consistent, so a page never shows a value older than the last write that returned."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from chalicelib.store import keys
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
    only: tuple[str, ...] = (),
) -> IndexPage:
    """Up to `limit` rows of one partition in sort-key order, with sort keys strictly between `above` and
    `below` when given (a cursor's last key, a time bound); one Query of limit + 1 rows tells whether
    there are more. `only`: the attributes to answer (an index projecting ALL whose rows are read again
    by key answers their keys alone, besides the sort key)."""
    condition, values, extra = _between(partition, above, below)
    names = {"#p": partition_attribute, "#s": sort_attribute}
    request: dict[str, Any] = {}
    if only:
        names |= {f"#a{n}": name for n, name in enumerate(only)}
        request["ProjectionExpression"] = ", ".join(["#s", *(f"#a{n}" for n in range(len(only)))])
    elif "#s" not in condition:
        del names["#s"]
    found = dynamodb_client().query(
        TableName=Item.Meta.table_name,
        IndexName=index,
        KeyConditionExpression=condition,
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
        ScanIndexForward=not descending,
        Limit=limit + extra,
        **request,
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


@dataclass(frozen=True)
class Ranges:
    """One partition of a list index whose sort keys begin with one of `prefixes` then '#': the member
    lists' statuses (keys.member_status_range), in ascending order."""

    index: str
    partition_attribute: str
    partition: str
    sort_attribute: str
    prefixes: tuple[str, ...]


def query_ranges(
    ranges: Ranges, *, limit: int, after: str | None, descending: bool, merged: bool
) -> IndexPage:
    """Up to `limit` rows after the sort key `after`, from the prefixes' ranges: `merged`, in the order of
    what follows the prefix (one Query per range, each of limit + 1 rows, run at once, merged); else the
    ranges one after another (a Query each while rows are missing: the first that is reached and the
    next's first row, to know whether more follow)."""
    order = ranges.prefixes[::-1] if descending else ranges.prefixes
    where, rest = (after.split("#", 1)[0], after.split("#", 1)[1]) if after else (None, None)
    if merged:
        pages = _at_once([partial(_range, ranges, prefix, rest, limit, descending) for prefix in order])
        rows = sorted(
            (row for found in pages for row in found.rows),
            key=lambda row: row[ranges.sort_attribute].split("#", 1)[1],
            reverse=descending,
        )
        return IndexPage(rows[:limit], any(found.more for found in pages) or len(rows) > limit)
    if where is not None:  # the cursor's range and those after it in this order
        order = order[order.index(where) :] if where in order else ()
    chosen: list[dict[str, str]] = []
    for prefix in order:
        found = _range(ranges, prefix, rest if prefix == where else None, limit - len(chosen), descending)
        chosen.extend(found.rows)
        if found.more:
            return IndexPage(chosen, True)
    return IndexPage(chosen, False)


def _at_once(reads: list[Callable[[], IndexPage]]) -> list[IndexPage]:
    """The Queries side by side, so a page waits for one round trip, not one per range; each in a copy of
    the caller's context (what a request set there, its reads see too)."""
    if len(reads) == 1:
        return [reads[0]()]
    from concurrent.futures import ThreadPoolExecutor  # here only: the API's cold start never loads it

    with ThreadPoolExecutor(max_workers=len(reads)) as pool:
        running = [pool.submit(contextvars.copy_context().run, read) for read in reads]
        return [future.result() for future in running]


def _range(ranges: Ranges, prefix: str, rest: str | None, limit: int, descending: bool) -> IndexPage:
    """One prefix's range, after `rest` (a cursor's key past its prefix) in the order read."""
    low, high = keys.member_status_range(prefix)
    cursor = f"{prefix}#{rest}" if rest is not None else None
    return query_index(
        ranges.index,
        ranges.partition_attribute,
        ranges.partition,
        ranges.sort_attribute,
        limit=limit,
        descending=descending,
        above=low if descending or cursor is None else cursor,
        below=cursor if descending and cursor is not None else high,
    )
