"""Issue 28's reminder sweep at scale: D invitations due for their reminder among N in the table.

Per (D, N), one fresh moto table: 1,000 accounts and N invitations seeded in bulk through the store's item
builders (services/invitations.py `new_invitation`, written with BatchWriteItem as bench/scale26.py seeds),
D of them sent valid 7 days (their reminder due 5 days later) and the rest valid 30 days (due after 28).
Then one sweep (services/reminders.py `send_reminders`) 5 days and a minute later, with no deadline, counting
its DynamoDB round trips and items read (botocore's events) and its seconds. The reads should follow D and
not N: the sweep Queries the reminder index and reads nothing else but the accounts named.

`python bench/reminders28.py` measures the rows and prints them (`BENCH_REMINDERS=100:1000,1000:10000` other
D:N pairs; `--doc` writes the section into docs/benchmarks.md); `make bench` (bench/run.py) measures them too.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.scale26_report import write_section as write_doc_section  # noqa: E402

ROWS = ((100, 1_000), (100, 10_000), (1_000, 10_000), (10_000, 100_000))
ACCOUNTS = 1_000


def rows_from_env() -> tuple[tuple[int, int], ...]:
    given = os.environ.get("BENCH_REMINDERS")
    if not given:
        return ROWS
    return tuple((int(d), int(n)) for d, n in (pair.split(":") for pair in given.split(",")))


def _seed(deps: Any, due: int, total: int) -> None:
    from chalicelib.services.invitations import new_invitation
    from chalicelib.store.accounts import new_account_item
    from chalicelib.store.models import Item

    now = deps.now()
    accounts = [f"acc_{n:024x}" for n in range(ACCOUNTS)]
    with Item.batch_write() as batch:
        for account_id in accounts:
            batch.save(new_account_item(account_id, f"Account {account_id[-4:]}", now))
        for i in range(total):
            details = {} if i < due else {"valid_days": 30}
            new, _ = new_invitation(deps, accounts[i % ACCOUNTS], f"i{i:06d}@remind.example", "member", [],
                                    None, details)  # fmt: skip
            batch.save(new.invitation)


def measure_one(due: int, total: int) -> dict[str, Any]:
    import boto3
    from moto import mock_aws

    from bench.scale import Reads
    from chalicelib.config import load_settings
    from chalicelib.deps import build_deps
    from chalicelib.services.reminders import PAGE, send_reminders
    from chalicelib.services.worker_loop import Limits
    from chalicelib.store.table import create_table
    from scripts.moto_isolation import isolate_moto_transactions
    from tests.helpers import SETTINGS_ENV, Clock

    isolate_moto_transactions()
    with mock_aws():
        settings = load_settings({**os.environ, **SETTINGS_ENV})
        create_table(boto3.client("dynamodb", region_name="us-east-1"), settings.table_name)
        deps = build_deps(settings)
        clock = Clock()
        deps.clock = clock
        _seed(deps, due, total)
        unbounded = Limits(workers=8, per_account=4, share=PAGE, budget_seconds=24 * 3600.0)
        with Reads() as reads:
            started = time.perf_counter()
            report = send_reminders(deps, clock() + timedelta(days=5, minutes=1), unbounded)
            seconds = time.perf_counter() - started
    assert (report.due, report.sent, report.errored) == (due, due, 0), report
    ops = Counter(reads.operations)
    return {"due": due, "total": total, "sent": report.sent, "round_trips": len(reads.operations),
            "queries": ops["Query"], "batch_gets": ops["BatchGetItem"], "transactions": ops["TransactWriteItems"],
            "items_read": reads.items, "seconds": seconds}  # fmt: skip


def run(rows: tuple[tuple[int, int], ...] = ROWS) -> list[dict[str, Any]]:
    return [measure_one(due, total) for due, total in rows]


SECTION = "## Invitation reminders: the sweep (issue 28)"


def write_section(lines: list[str], path: Path = ROOT / "docs" / "benchmarks.md") -> None:
    """The section where bench/run.py writes it (before "## Cold start"), replacing an older one."""
    write_doc_section(lines, path, SECTION)


def report_lines(measured: list[dict[str, Any]]) -> list[str]:
    lines = [
        SECTION,
        "",
        f"Each row a fresh table of {ACCOUNTS:,} accounts and N invitations, D of them due for their reminder;",
        "one sweep (services/reminders.py) sends every due one through the outbox (one transaction each: the",
        "invitation, its fresh link, the email, the address's counts), run without a deadline. Reads are the",
        "reminder index's Queries (4 shards, pages of 100) and one BatchGetItem of each page's accounts not read yet",
        "in the run.",
        "",
        "| due (D) | invitations (N) | sent | round trips | Queries | BatchGetItem | transactions | items read "
        "| seconds |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in measured:
        lines.append(
            f"| {r['due']:,} | {r['total']:,} | {r['sent']:,} | {r['round_trips']:,} | {r['queries']} "
            f"| {r['batch_gets']} | {r['transactions']:,} | {r['items_read']:,} | {r['seconds']:.1f} |"
        )
    same_due = [r for r in measured if r["due"] == measured[0]["due"]]
    flat = len(same_due) > 1 and len({r["items_read"] for r in same_due}) == 1
    lines += [
        "",
        "Items read are the due invitations and their accounts (at most one read of each account a run): "
        + (
            f"the same at D = {same_due[0]['due']:,} whether the table holds "
            + " or ".join(f"{r['total']:,}" for r in same_due)
            + " invitations (the others are never read). "
            if flat
            else ""
        )
        + "Seconds are moto's in this process (its transactions and index Queries under the test suite's "
        "isolation, scripts/moto_isolation.py); on AWS the hourly function's 50 s budget sends what it can and "
        "leaves the rest due for the next run.",
        "",
    ]
    return lines


if __name__ == "__main__":
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                       "AWS_DEFAULT_REGION": "us-east-1"})  # fmt: skip
    os.environ.pop("AWS_ENDPOINT_URL", None)
    section = report_lines(run(rows_from_env()))
    print("\n".join(section))
    if "--doc" in sys.argv:
        write_section(section)
