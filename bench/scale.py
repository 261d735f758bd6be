"""Issue 18's scale run: one account with 5,000 members, 5,000 pending invitations and 2,000 contacts, seeded
in bulk through the store's item builders (BatchWriteItem), then each list read through the API as a client
would, counting round trips, items read and read units (estimated from the items' sizes, as DynamoDB bills
them: 4 KB per strongly consistent item read by key, a Query's total size per 4 KB, halved when eventually
consistent). A growth table repeats the pages at N = 100 and 1,000.

`python bench/scale.py --json FILE` writes the figures as JSON: the "before" column of docs/benchmarks.md
came from running this file against the code before issue 18 (see BEFORE in bench/run.py).
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PAGE = 50
WALK_PAGE = 100


def _size(value: dict[str, Any]) -> int:
    """An attribute value's size as DynamoDB counts it (close enough for read units)."""
    ((kind, inner),) = value.items()
    if kind in ("S", "B"):
        return len(inner.encode() if isinstance(inner, str) else inner)
    if kind == "N":
        return len(inner) // 2 + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(len(str(part)) for part in inner)
    if kind == "L":
        return 3 + sum(_size(part) + 1 for part in inner)
    if kind == "M":
        return 3 + sum(len(name) + _size(part) + 1 for name, part in inner.items())
    return 0


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name) + _size(value) for name, value in item.items())


class Reads:
    """Round trips, items read and estimated read units inside the block (botocore's events)."""

    def __init__(self) -> None:
        self.operations: list[str] = []
        self.items = 0
        self.units = 0.0
        self._consistent: list[bool] = []

    def _before(self, params: dict[str, Any], **_: Any) -> None:
        requested = params.get("RequestItems")
        if isinstance(requested, dict) and requested:
            first = next(iter(requested.values()))
            self._consistent.append(bool(first.get("ConsistentRead")) if isinstance(first, dict) else True)
        else:
            self._consistent.append(bool(params.get("ConsistentRead")))

    def _after(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        self.operations.append(model.name)
        consistent = self._consistent.pop(0) if self._consistent else True
        factor = 1.0 if consistent else 0.5
        if "Items" in parsed:  # Query
            found = parsed["Items"]
            self.items += len(found)
            self.units += max(1, math.ceil(sum(item_size(i) for i in found) / 4096)) * factor
        if "Item" in parsed:
            self.items += 1
            self.units += math.ceil(item_size(parsed["Item"]) / 4096) * factor
        batch = parsed.get("Responses")
        if isinstance(batch, dict):
            for found in batch.values():
                self.items += len(found)
                self.units += sum(math.ceil(item_size(i) / 4096) for i in found) * factor

    def __enter__(self) -> Reads:
        from chalicelib.store.table import dynamodb_client

        events = dynamodb_client().meta.events
        events.register("provide-client-params.dynamodb", self._before)
        events.register("after-call.dynamodb", self._after)
        return self

    def __exit__(self, *exc: object) -> None:
        from chalicelib.store.table import dynamodb_client

        events = dynamodb_client().meta.events
        events.unregister("provide-client-params.dynamodb", self._before)
        events.unregister("after-call.dynamodb", self._after)


def measure_lists(api: Any, account_id: str, token: str) -> dict[str, dict[str, Any]]:
    """One page of each list (the second page, so a cursor is followed), and the invoice recipients."""

    def read(path: str) -> tuple[Any, Reads]:
        with Reads() as reads:
            reply = api.get(path, token=token)
        assert reply.status == 200, (path, reply.body)
        return reply, reads

    base = f"/accounts/{account_id}"
    results: dict[str, dict[str, Any]] = {}
    for label, query in (
        ("members, default sort (email)", f"?limit={PAGE}"),
        ("members, sort=joined_at", f"?sort=joined_at&limit={PAGE}"),
        ("members, sort=last_login_at desc", f"?sort=last_login_at&order=desc&limit={PAGE}"),
        ("members, sort=last_name (compact cards)", f"?sort=last_name&limit={PAGE}"),
        ("members, status=deactivated", f"?status=deactivated&limit={PAGE}"),
    ):
        first = api.get(f"{base}/members{query}", token=token).body
        follow = f"&cursor={first['next_cursor']}" if first["next_cursor"] else ""  # the 2nd page if any
        reply, reads = read(f"{base}/members{query}{follow}")
        results[label] = _row(reads, len(reply.body["items"]))
    for label, path in (
        ("invitations, pending, one page", f"{base}/invitations?limit={PAGE}"),
        ("contacts, one page", f"{base}/contacts?limit={PAGE}"),
    ):
        first = api.get(path, token=token).body
        follow = f"&cursor={first['next_cursor']}" if first["next_cursor"] else ""
        reply, reads = read(f"{path}{follow}")
        results[label] = _row(reads, len(reply.body["items"]))
    reply, reads = read(f"{base}/notification-recipients?category=invoice")
    results["notification-recipients invoice"] = _row(reads, len(reply.body["cc"]) + len(reply.body["to"]))
    return results


def _row(reads: Reads, returned: int) -> dict[str, Any]:
    return {"round_trips": len(reads.operations), "items": reads.items, "units": reads.units,
            "returned": returned, "operations": reads.operations}  # fmt: skip


def walk_members(api: Any, account_id: str, token: str) -> dict[str, Any]:
    """Every member by pages of WALK_PAGE in the default order: each exactly once, in order?"""
    seen: list[str] = []
    cursor = None
    pages = 0
    with Reads() as reads:
        while True:
            suffix = f"&cursor={cursor}" if cursor else ""
            body = api.get(f"/accounts/{account_id}/members?limit={WALK_PAGE}{suffix}", token=token).body
            seen += [m["email"] for m in body["items"]]
            pages += 1
            cursor = body["next_cursor"]
            if cursor is None:
                break
    return {"members": len(seen), "unique": len(set(seen)), "in_order": seen == sorted(seen), "pages": pages,
            "round_trips": len(reads.operations), "items": reads.items, "units": reads.units}  # fmt: skip


def run(sizes: tuple[int, ...] = (100, 1000, 5000)) -> dict[str, Any]:
    """Each size in a fresh moto table: N members, N invitations, 0.4 N contacts. The largest is walked."""
    import boto3
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib.config import load_settings
    from chalicelib.deps import build_deps, use_deps
    from chalicelib.store.table import create_table
    from tests.helpers import SETTINGS_ENV, Api, Clock, chalice_transport
    from tests.helpers.bulk import seed
    from tests.helpers.mail import drained_moto_outbox

    os.environ.update(SETTINGS_ENV)
    out: dict[str, Any] = {"sizes": {}}
    for size in sizes:
        with mock_aws():
            settings = load_settings({**os.environ, **SETTINGS_ENV})
            create_table(boto3.client("dynamodb", region_name="us-east-1"), settings.table_name)
            deps = build_deps(settings)
            deps.clock = Clock()
            use_deps(deps)
            started = time.perf_counter()
            account_id, token, counts = seed(deps, size - 1, size, size * 2 // 5)
            seeded = time.perf_counter() - started
            from app import app

            with Client(app) as client:
                api = Api(chalice_transport(client), drained_moto_outbox(deps))
                entry: dict[str, Any] = {
                    "counts": counts,
                    "seed_s": seeded,
                    "lists": measure_lists(api, account_id, token),
                }
                if size == max(sizes):
                    entry["walk"] = walk_members(api, account_id, token)
            use_deps(None)
        out["sizes"][str(size)] = entry
    return out


ISSUE_ROWS = (
    ("members, one page of 50, default sort (email)", "members, default sort (email)"),
    ("members, one page of 50, sort=joined_at", "members, sort=joined_at"),
    ("members, one page of 50, sort=last_login_at desc", "members, sort=last_login_at desc"),
    ("members, one page of 50, sort=last_name (compact cards)", "members, sort=last_name (compact cards)"),
    ("members `status=deactivated`, one page", "members, status=deactivated"),
    ("invitations, pending, one page", "invitations, pending, one page"),
    ("contacts, one page", "contacts, one page"),
    ("notification-recipients `invoice`", "notification-recipients invoice"),
)


# The figures issue 18 reported for the code before it (same scale), shown when bench/scale_before.json is
# absent: round trips, items read, read units.
ISSUE_BEFORE = {
    "members, default sort (email)": (54, 10005, 5400.0),
    "members, status=deactivated": (8, 5467, 875.0),
    "invitations, pending, one page": (4, 5003, 614.0),
    "contacts, one page": (2, 2003, 143.0),
    "notification-recipients invoice": (8, 24006, 1650.0),
}


def _cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "- | - | -"
    return f"{row['round_trips']} | {row['items']:,} | ≈ {row['units']:,.0f}"


def report_lines(after: dict[str, Any], before: dict[str, Any] | None) -> list[str]:
    """The issue's table at the largest size, before and after; the walk; the growth table; the verdicts."""
    largest = max(after["sizes"], key=int)
    now = after["sizes"][largest]
    then = before["sizes"].get(largest) if before else None
    counts = now["counts"]
    lines = [
        "## Lists at scale (issue 18)",
        "",
        f"One account with {counts['members']:,} members ({counts['deactivated']:,} deactivated), {int(largest):,} pending "
        f"invitations and {int(largest) * 2 // 5:,} contacts ({counts['invoice']:,} opted in to `invoice`), seeded through "
        f"the store's item builders with BatchWriteItem in {now['seed_s']:.0f} s (bench/scale.py). Each list is read",
        "through the API with the owner's token, following a cursor to its second page; counts include the",
        "authorizing BatchGetItem. Read units are estimated from the items' sizes as DynamoDB bills them. The",
        "\"before\" figures are the same script run against the code before issue 18 (commit e45ea5f), kept in"
        if before
        else "\"before\" figures are the ones issue 18 reported for the code before it, at the same scale (no",
        "bench/scale_before.json." if before else "bench/scale_before.json in this checkout).",
        "",
        "| request (N = 5,000) | before: round trips | items read | read units | after: round trips | items read | read units |",
        "|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for label, key in ISSUE_ROWS:
        previous = then["lists"].get(key) if then else None
        if then is None and key in ISSUE_BEFORE:
            trips, items, units = ISSUE_BEFORE[key]
            previous = {"round_trips": trips, "items": items, "units": units}
        lines.append(f"| {label} | {_cell(previous)} | {_cell(now['lists'][key])} |")
    walk = now["walk"]
    old_walk = then.get("walk") if then else None
    lines += [
        "",
        f"Walking all {walk['members']:,} members by pages of {WALK_PAGE}: {walk['pages']} pages, {walk['round_trips']:,} round trips, "
        f"{walk['items']:,} items read, ≈ {walk['units']:,.0f} read units"
        + (f" (before: {old_walk['round_trips']:,} round trips, {old_walk['items']:,} items)" if old_walk else "")
        + f"; each member exactly once: {verdict(walk['unique'] == walk['members'] == counts['members'])}, "
        f"in order: {verdict(walk['in_order'])}.",
        "",
    ]  # fmt: skip
    default = now["lists"]["members, default sort (email)"]
    recipients = now["lists"]["notification-recipients invoice"]
    indexed = [now["lists"][key] for _, key in ISSUE_ROWS[:3]] + [now["lists"]["members, status=deactivated"]]
    lines += [
        f"- members default page: {default['round_trips']} round trips, {default['items']} items (goal <= 3 and "
        f"<= 2 x 50 + 5 = 105: {verdict(default['round_trips'] <= 3 and default['items'] <= 105)})",
        f"- email, joined_at, last_login_at, status filter: at most {max(r['round_trips'] for r in indexed)} round trips, "
        f"{max(r['items'] for r in indexed)} items (goal <= 3, <= 105: "
        f"{verdict(all(r['round_trips'] <= 3 and r['items'] <= 105 for r in indexed))})",
        f"- notification-recipients `invoice`: {recipients['returned']} recipients, {recipients['items']} items read "
        f"(goal <= 2 x {recipients['returned']} + 5 = {2 * recipients['returned'] + 5}: "
        f"{verdict(recipients['items'] <= 2 * recipients['returned'] + 5)})",
        "- the compact-card sorts (first_name, last_name, title, role, status, and a group's list) read every card "
        "of the account (about 200 bytes each, KEYS_ONLY) and then the page by key: "
        f"{now['lists']['members, sort=last_name (compact cards)']['round_trips']} round trips at 5,000 "
        "(README \"Access patterns\" says why). moto cuts a Query's 1 MB pages by the table item's size, not the "
        "projected card's, so it takes more pages than DynamoDB (5,000 cards of ~200 bytes: one or two).",
        "",
        "### Growth: calls and items per page as the account grows",
        "",
        "| N (members = invitations, contacts 0.4 N) | members page: calls | items | invitations page: calls | items "
        "| contacts page: calls | items | recipients `invoice`: calls | items | recipients |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for size in sorted(after["sizes"], key=int):
        lists = after["sizes"][size]["lists"]
        cells = []
        for key in ("members, default sort (email)", "invitations, pending, one page", "contacts, one page",
                    "notification-recipients invoice"):  # fmt: skip
            cells += [str(lists[key]["round_trips"]), f"{lists[key]['items']:,}"]
        cells.append(str(lists["notification-recipients invoice"]["returned"]))
        lines.append(f"| {int(size):,} | " + " | ".join(cells) + " |")
    if before:
        lines += ["", "Before issue 18, the same pages:", "",
                  "| N | members page: calls | items | invitations page: calls | items | contacts page: calls | items "
                  "| recipients `invoice`: calls | items |", "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for size in sorted(before["sizes"], key=int):
            lists = before["sizes"][size]["lists"]
            cells = []
            for key in ("members, default sort (email)", "invitations, pending, one page", "contacts, one page",
                        "notification-recipients invoice"):  # fmt: skip
                cells += [str(lists[key]["round_trips"]), f"{lists[key]['items']:,}"]
            lines.append(f"| {int(size):,} | " + " | ".join(cells) + " |")
    flat = all(
        after["sizes"][size]["lists"]["members, default sort (email)"]["items"] <= 105
        for size in after["sizes"]
    )
    lines += ["", f"Members page flat across N (<= 105 items at every size): {verdict(flat)}.", ""]
    return lines


def verdict(ok: bool) -> str:
    return "meets" if ok else "**misses**"


if __name__ == "__main__":
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"}
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    sizes = tuple(int(s) for s in os.environ.get("BENCH_SCALE_SIZES", "100,1000,5000").split(","))
    result = run(sizes)
    if "--json" in sys.argv:
        Path(sys.argv[sys.argv.index("--json") + 1]).write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
