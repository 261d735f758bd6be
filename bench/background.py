"""`make bench` rows of issue 24: the webhook worker's cost per event with 0, 1 and 3 endpoints, the purge of
10,000 expired invitations, a worker run with 200 due deliveries across 20 accounts (5 slow); each in a fresh
moto table. `python -m bench.background [--write]` runs them alone (--write: into docs/benchmarks.md)."""

from __future__ import annotations

import os
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
from chalice.test import Client
from moto import mock_aws

from bench.scale import verdict
from chalicelib.config import load_settings
from chalicelib.delivery.sender import DEFAULT_TIMEOUT_SECONDS as ATTEMPT
from chalicelib.deps import build_deps, use_deps
from chalicelib.jobs.purge import purge_expired
from chalicelib.services.webhook_delivery import LIMITS, PER_ENDPOINT, run_once
from chalicelib.store.listeners import forget_operator
from chalicelib.store.table import create_table, dynamodb_client
from tests.helpers import SETTINGS_ENV, Api, Clock, DynamoCalls, chalice_transport, onboard
from tests.helpers.bulk import seed
from tests.helpers.mail import drained_moto_outbox

EVENTS = 20  # audited changes (contacts added) per account in the per-event rows
PURGE_SIZES = tuple(int(n) for n in os.environ.get("BENCH_BACKGROUND_PURGE", "2000,10000").split(","))
# Under tracemalloc the purge runs 3-7x slower on moto (10,000: about 10 minutes), so by default it traces these.
TRACED_SIZES = tuple(int(n) for n in os.environ.get("BENCH_BACKGROUND_TRACED", "400,2000").split(","))
SLOW_SECONDS = float(os.environ.get("BENCH_SLOW_SECONDS", "3"))
TENANTS, SLOW_TENANTS, EVENTS_EACH = 20, 5, 10
LAMBDA_TIMEOUT = 120.0  # the worker function's (.chalice/config.json)
SECTION = "## Background work (issue 24)"
MET = "None: every goal above is met in this run."
NoBackups = Callable[[], AbstractContextManager[None]]


class Counted(DynamoCalls):
    """DynamoCalls, thread-safe, and the items written: a transaction's puts, updates and deletes, a batch's
    requests, one per single write (as asked: a write its condition refuses counts, as DynamoDB bills it)."""

    def __init__(self) -> None:
        super().__init__()
        self.written = 0
        self._lock = threading.Lock()

    def _seen(self, *args: Any, **kwargs: Any) -> None:
        with self._lock:
            super()._seen(*args, **kwargs)

    def _asked(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        count = sum("ConditionCheck" not in item for item in params.get("TransactItems", []))
        if model.name == "BatchWriteItem":
            count = sum(len(requests) for requests in params["RequestItems"].values())
        with self._lock:
            self.written += count + int(model.name in ("PutItem", "UpdateItem", "DeleteItem"))

    def totals(self) -> tuple[int, int, int]:
        return len(self.operations), self.items, self.written

    def __enter__(self) -> Counted:
        dynamodb_client().meta.events.register("provide-client-params.dynamodb", self._asked)
        super().__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        dynamodb_client().meta.events.unregister("provide-client-params.dynamodb", self._asked)


class Receivers:
    """One HTTP server on 127.0.0.1 for every endpoint: /fast/<n> answers at once, /slow/<n> after `delay`
    seconds; every answer has `status`. Notes each answer's path and time (time.monotonic)."""

    def __init__(self) -> None:
        self.status, self.delay = 204, 0.0
        self.answered: list[tuple[str, float]] = []
        receivers = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/slow"):
                    time.sleep(receivers.delay)
                receivers.answered.append((self.path, time.monotonic()))
                self.send_response(receivers.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"


@contextmanager
def world() -> Iterator[tuple[Any, Any, Any]]:
    """A fresh moto table; the app's deps on a test clock, loopback endpoints allowed; an API client."""
    os.environ.update(SETTINGS_ENV)
    with mock_aws():
        settings = load_settings({**os.environ, **SETTINGS_ENV})
        create_table(boto3.client("dynamodb", region_name="us-east-1"), settings.table_name)
        boto3.client("ses", region_name="us-east-1").verify_email_identity(EmailAddress=settings.sender_email)
        deps = build_deps(replace(settings, webhook_allow_loopback=True))
        deps.clock = clock = Clock()
        forget_operator()  # the operator's endpoints are those of this table (none)
        use_deps(deps)
        from app import app

        try:
            with Client(app) as client:
                yield Api(chalice_transport(client), drained_moto_outbox(deps)), deps, clock
        finally:
            use_deps(None)
            forget_operator()


def created(api: Any, path: str, body: dict[str, Any], token: str) -> None:
    reply = api.post(path, body, token=token)
    assert reply.status == 201, (path, reply.body)


def per_event(endpoints: int, receivers: Receivers) -> dict[str, Any]:
    """An account with `endpoints` endpoints (all events), drained; EVENTS contacts added; then worker runs
    until every delivery succeeded (a run sends PER_ENDPOINT to an endpoint and hands the rest back)."""
    with world() as (api, deps, _):
        account_id, owner = onboard(api, "Events", "owner@events.com")
        for n in range(endpoints):
            created(api, f"/accounts/{account_id}/webhooks", {"url": receivers.url(f"/fast/{n}"), "event_types": ["*"]}, owner.token)  # fmt: skip
        while run_once(deps).fanned_out:  # whatever the setup queued (a run fans out 100 events at most)
            pass
        with Counted() as idle:
            run_once(deps)  # nothing queued: what every run costs, counted apart
        with Counted() as request:
            for i in range(EVENTS):
                created(api, f"/accounts/{account_id}/contacts", {"email": f"c{i}@events.com"}, owner.token)
        runs: list[tuple[int, int, int, int, int]] = []  # round trips, read, written, delivered, fanned out
        while not runs or (sum(r[3] for r in runs) < EVENTS * endpoints and len(runs) < 5):
            with Counted() as calls:
                report = run_once(deps)
            runs.append((*calls.totals(), report.succeeded, report.fanned_out))
    fixed = idle.totals()
    work = [sum(run[i] for run in runs) - len(runs) * fixed[i] for i in range(3)]
    return {"endpoints": endpoints, "queued": sum(r[4] for r in runs), "runs": len(runs), "delivered": sum(r[3] for r in runs),
            "first_run": runs[0][:3], "per_event": [w / EVENTS for w in work], "idle": fixed,
            "request": [n / EVENTS for n in request.totals()]}  # fmt: skip


def purge(size: int, no_backups: NoBackups, traced: bool) -> dict[str, Any]:
    """`size` pending invitations (with links and claims) seeded in bulk, purged 8 days later (they last
    7); `traced`: under tracemalloc, whose peak counts what the purge allocated from its start."""
    with world() as (_, deps, clock):
        seed(deps, 0, size, 0)
        clock.advance(days=8)
        with no_backups(), Counted() as calls:
            if traced:
                tracemalloc.start()
            started = time.perf_counter()
            report = purge_expired(deps.store, deps.now(), deps.settings.audit_retention_days, deps.now())
            seconds, (held, peak) = time.perf_counter() - started, tracemalloc.get_traced_memory()
            tracemalloc.stop()
        queued = len(deps.store.deliveries.events_due(deps.now() + timedelta(days=1), limit=size + 100))
    assert report.deleted == report.expired_found == size, report
    trips, read, written = calls.totals()
    return {"size": size, "pages": report.pages, "round_trips": trips, "read": read, "written": written,
            "seconds": seconds, "peak_mb": peak / 2**20, "held_mb": held / 2**20, "queued": queued,
            "operations": {name: calls.operations.count(name) for name in sorted(set(calls.operations))}}  # fmt: skip


def purges(no_backups: NoBackups) -> dict[str, list[dict[str, Any]]]:
    """Each size in a fresh table, timed; TRACED_SIZES again under tracemalloc, each in a fresh table."""
    return {"timed": [purge(size, no_backups, traced=False) for size in PURGE_SIZES],
            "traced": [purge(size, no_backups, traced=True) for size in TRACED_SIZES]}  # fmt: skip


def slow_tenants(receivers: Receivers, no_backups: NoBackups) -> dict[str, Any]:
    """TENANTS accounts, one endpoint each (SLOW_TENANTS answer after SLOW_SECONDS), EVENTS_EACH events each
    whose first attempts failed in an outage (503 at once), so all are due; then two runs with the LIMITS."""
    with world() as (api, deps, clock):
        tenants = []
        for n in range(TENANTS):
            account_id, owner = onboard(api, f"Tenant {n}", f"owner{n}@tenants.com")
            url = receivers.url(f"/slow/{n}" if n < SLOW_TENANTS else f"/fast/{n}")
            created(api, f"/accounts/{account_id}/webhooks", {"url": url, "event_types": ["*"]}, owner.token)
            tenants.append((account_id, owner.token))
        receivers.status, receivers.delay = 204, 0.0
        while run_once(deps).fanned_out:  # whatever the setup queued (a run fans out 100 events at most)
            pass
        receivers.status = 503
        for i in range(EVENTS_EACH):
            for account_id, token in tenants:
                created(api, f"/accounts/{account_id}/contacts", {"email": f"c{i}@tenants.com"}, token)
        with no_backups():  # the fan-out's transactions all commit (each event once, by this one worker)
            while run_once(deps).fanned_out:
                pass
        clock.advance(minutes=3)  # past the first retry's minute and any lease
        due = len(deps.store.deliveries.due(deps.now(), limit=1000))
        receivers.status, receivers.delay = 204, SLOW_SECONDS
        runs = []
        for _ in range(2):
            receivers.answered.clear()
            begun = time.monotonic()
            report = run_once(deps)
            wall = time.monotonic() - begun
            fast = [at - begun for path, at in receivers.answered if path.startswith("/fast")]
            runs.append({"wall": wall, "loop": report.seconds, "started": report.started, "attempted": report.attempted, "succeeded": report.succeeded,
                         "deferred": report.deferred, "errored": report.errored, "fast": len(fast), "fast_done": max(fast, default=0.0)})  # fmt: skip
    return {"due": due, "runs": runs}


def measure(no_backups: NoBackups) -> dict[str, Any]:
    receivers = Receivers()
    try:
        rows = [per_event(endpoints, receivers) for endpoints in (0, 1, 3)]
        tenants = slow_tenants(receivers, no_backups)
    finally:
        receivers.server.shutdown()
        receivers.server.server_close()
    return {"per_event": rows, "purges": purges(no_backups), "tenants": tenants}


def lines(results: dict[str, Any]) -> list[str]:
    rows, tenants = results["per_event"], results["tenants"]
    timed, traced = results["purges"]["timed"], results["purges"]["traced"]
    ends_by, idle = min(LIMITS.budget_seconds + ATTEMPT, LAMBDA_TIMEOUT), rows[0]["idle"]
    out = [SECTION, "",
        f"The webhook worker's LIMITS: {LIMITS.workers} workers, at most {LIMITS.per_account} tasks of one account in flight, a share of {LIMITS.share} tasks per account per run, no task started after {LIMITS.budget_seconds:g} s: a run ends within {ends_by:g} s (the budget and one {ATTEMPT:g} s attempt), inside the function's {LAMBDA_TIMEOUT:g} s timeout. A task is one endpoint's deliveries, {PER_ENDPOINT} at most per run (a run hands the rest back, due at once). Counted through botocore's events (bench/background.py): round trips, items handed back (index entries included), items written (each put, update or delete of a transaction, or a single write).",
        "", "### Background cost per event, by the endpoints on its account", "",
        f"One account, its endpoints (all event types) at a local receiver, drained; then {EVENTS} contacts added through the API, and worker runs until every delivery succeeded. Any run, even with nothing queued, reads the due index: {idle[0]} round trips, {idle[1]} items (16 shards each of the outbox, the deliveries due and the endpoints to release); that is taken off below, per run. Request: the {EVENTS} POSTs that made the events.",
        "", "| endpoints | events queued | runs | deliveries | round trips / event | items read / event | items written / event | run 1: round trips, read, written (all in) | request: round trips / event | items written / event |",
        "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for row in rows:
        each, first, asked = row["per_event"], row["first_run"], row["request"]
        out.append(f"| {row['endpoints']} | {row['queued']} | {row['runs']} | {row['delivered']} | {each[0]:.2f} | {each[1]:.2f} | {each[2]:.2f} | {', '.join(map(str, first))} | {asked[0]:.2f} | {asked[2]:.2f} |")  # fmt: skip
    nothing = rows[0]["per_event"] == [0, 0, 0] and rows[0]["queued"] == 0
    large = timed[-1]
    out += ["", f"An account with no endpoint pays nothing in the background for its events (none queued, 0 round trips, 0 items): {verdict(nothing)}. Request side, the same POSTs cost the same items written with or without endpoints; the audit item of an account that is listened to also carries the outbox index key (one more index entry written, not seen in these counts).",
        "", "### The purge of expired invitations", "",
        "Pending invitations (each with its link and email claim) of one account with no endpoint, seeded in bulk through the store (tests/helpers/bulk.py), purged 8 days later (they last 7) by `purge_expired`, each size in a fresh table. Seconds are moto's (its index Query walks the whole table, so they grow faster than the work). Events queued: the `invitation.expired` events that entered the webhook outbox although nobody listens.",
        "", "| expired invitations | pages | round trips | items read | items written | events queued | seconds |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    for run in timed:
        out.append(f"| {run['size']:,} | {run['pages']} | {run['round_trips']:,} | {run['read']:,} | {run['written']:,} | {run['queued']:,} | {run['seconds']:.1f} |")  # fmt: skip
    quiet = all(run["queued"] == 0 for run in timed + traced)
    out += ["", f"No event of an account without endpoints enters the outbox, at every size: {verdict(quiet)}.",
        "", f"Calls at {large['size']:,}: {', '.join(f'{name} {count}' for name, count in large['operations'].items())}. Memory, each size again in a fresh table under tracemalloc (which slows moto's purge 3-7x; BENCH_BACKGROUND_TRACED chooses the sizes): its peak counts what the purge allocated, part of which is still held after it (moto's table now holding the new events); the difference is the purge's working set.",
        "", "| expired invitations | peak memory | held after | working set | events queued | seconds (tracemalloc on) |", "|---|---|---|---|---|---|"]  # fmt: skip
    for run in traced:
        out.append(f"| {run['size']:,} | {run['peak_mb']:.1f} MB | {run['held_mb']:.1f} MB | {run['peak_mb'] - run['held_mb']:.1f} MB | {run['queued']:,} | {run['seconds']:.1f} |")  # fmt: skip
    first, last = traced[0], traced[-1]
    flat = last["peak_mb"] - last["held_mb"] <= 2 * (first["peak_mb"] - first["held_mb"])
    out += ["", f"The working set stays flat while the backlog grows {last['size'] // first['size']}x (at most 2x): {verdict(flat)}; the purge holds one page of 100 invitations at a time.",
        "", f"### {tenants['due']} due deliveries across {TENANTS} accounts, {SLOW_TENANTS} of them slow", "",
        f"{TENANTS} accounts with one endpoint each and {EVENTS_EACH} events each; {SLOW_TENANTS} endpoints answer after {SLOW_SECONDS:g} s, the others at once. The first attempts failed in an outage (503 at once), so all {tenants['due']} deliveries are due; then two runs with the default LIMITS. Seconds are wall time from the run's start (moto serves every read and write in this process); fast accounts done: when the last of their deliveries was answered.",
        "", "| run | seconds | seconds in the loop | tasks started | attempted | succeeded | deferred | errored | fast accounts' deliveries | fast accounts done at |",
        "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for n, run in enumerate(tenants["runs"], 1):
        out.append(f"| {n} | {run['wall']:.1f} | {run['loop']:.1f} | {run['started']} | {run['attempted']} | {run['succeeded']} | {run['deferred']} | {run['errored']} | {run['fast']} | {run['fast_done']:.1f} s |")  # fmt: skip
    walls = [run["wall"] for run in tenants["runs"]]
    done = sum(run["succeeded"] for run in tenants["runs"]) == tenants["due"]
    fast = (TENANTS - SLOW_TENANTS) * EVENTS_EACH
    out += ["", f"Each run inside the budget and one attempt ({ends_by:g} s; longest {max(walls):.1f} s): {verdict(max(walls) <= ends_by)}; all {tenants['due']} delivered within the two runs: {verdict(done)}; the {fast} deliveries of the fast accounts all in run 1: {verdict(tenants['runs'][0]['fast'] == fast)}.", ""]  # fmt: skip
    return out


def write_section(section: list[str], path: Path) -> None:
    """Replaces the section in docs/benchmarks.md, or puts it before the lists at scale (where run.py does)."""
    old = path.read_text().split("\n")
    if SECTION in old:
        start = old.index(SECTION)
        end = next((i for i in range(start + 1, len(old)) if old[i].startswith("## ")), len(old))
    else:
        start = end = next(i for i, line in enumerate(old) if line.startswith("## Lists at scale"))
    new = [*old[:start], *section, *old[end:]]
    if "## Misses" in new:  # the last section, as run.py makes it: every line above that misses a goal
        at = new.index("## Misses")
        new[at + 2 :] = [*([line for line in new[:at] if "**misses**" in line] or [MET]), ""]
    path.write_text("\n".join(new))


if __name__ == "__main__":
    from bench.run import OUT, moto_without_table_backups

    section = lines(measure(moto_without_table_backups))
    print("\n".join(section))
    if "--write" in sys.argv:
        write_section(section, OUT)
