"""`make bench`: measures portal-access against the goals of issues 7 and 18 and writes docs/benchmarks.md.

Every figure is measured in this run, beside its baseline. DynamoDB runs on moto in this process, so
absolute times are moto's; counts (round trips, items read) are what a real table would see.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.update(
    {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"}
)
os.environ.pop("AWS_ENDPOINT_URL", None)

import boto3  # noqa: E402
from chalice.test import Client  # noqa: E402
from moto import mock_aws  # noqa: E402

from bench import (  # noqa: E402
    background,
    coldstart,
    coldstart_report,
    load,
    package,
    reminders28,
    reset_timing,
    scale,
    scale26,
    scale26_report,
    seats,
    signin30,
)
from chalicelib.config import load_settings  # noqa: E402
from chalicelib.deps import build_deps, use_deps  # noqa: E402
from chalicelib.jobs.purge import purge_expired  # noqa: E402
from chalicelib.mail.mailer import OutgoingEmail  # noqa: E402
from chalicelib.services import email_worker  # noqa: E402
from chalicelib.services.invitations import new_invitation  # noqa: E402
from chalicelib.store.models import Item  # noqa: E402
from chalicelib.store.table import create_table  # noqa: E402
from tests.helpers import (  # noqa: E402
    PASSWORD,
    SETTINGS_ENV,
    Api,
    Clock,
    DynamoCalls,
    chalice_transport,
    emails_to,
    invite,
    latest_link,
    link_token,
    onboard,
)
from tests.helpers.mail import drained_moto_outbox  # noqa: E402

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Reply

OUT = ROOT / "docs" / "benchmarks.md"
# bench/scale.py run against the code before issue 18 (commit e45ea5f): the "before" column of its table.
SCALE_BEFORE = ROOT / "bench" / "scale_before.json"
# The goal: 1,000 expired invitations among 10,000 live items, then 10x both (BENCH_PURGE_EXPIRED=100 for
# a quick run at 1/10 of that).
PURGE_EXPIRED = int(os.environ.get("BENCH_PURGE_EXPIRED", "1000"))
T = TypeVar("T")


def measured(action: Callable[[], T]) -> tuple[T, list[str]]:
    """The action's result, and the DynamoDB operations it made."""
    with DynamoCalls() as calls:
        result = action()
    return result, calls.operations


class SlowMailer:
    """An SES stand-in with a fixed send latency, to show whether sends overlap; counts its sends."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.sent = 0

    def send(self, email: OutgoingEmail) -> None:
        time.sleep(self.latency)
        self.sent += 1


def recorder(rows: list[tuple[str, list[str], int]]) -> Callable[..., Reply]:
    """A `run(label, call, expect)` that makes the call, checks its status and notes its DynamoDB calls."""

    def run(label: str, call: Callable[[], Reply], expect: int = 200) -> Reply:
        reply, calls = measured(call)
        assert reply.status == expect, (label, reply.status, reply.body)
        rows.append((label, calls, reply.status))
        return reply

    return run


def endpoint_round_trips(api: Api, deps: Deps, clock: Clock) -> list[tuple[str, list[str], int]]:
    rows: list[tuple[str, list[str], int]] = []
    run = recorder(rows)

    run("GET /health", lambda: api.get("/health"))
    run("GET /permissions", lambda: api.get("/permissions"))
    created = run(
        "POST /accounts",
        lambda: api.post("/accounts", {"name": "Bench", "owner_email": "o@bench.com"}, operator=True),
        201,
    )
    account_id = created.body["account"]["account_id"]
    link = latest_link("o@bench.com")
    run("POST /invitations/lookup", lambda: api.post("/invitations/lookup", {"token": link}))
    owner = run(
        "POST /invitations/accept (new user)",
        lambda: api.post(
            "/invitations/accept", {"token": link, "password": PASSWORD, "first_name": "O", "last_name": "W"}
        ),
        201,
    ).body
    token = owner["access_token"]
    run("POST /auth/login", lambda: api.post("/auth/login", {"email": "o@bench.com", "password": PASSWORD}))
    run("GET /me", lambda: api.get("/me", token=token))
    run("PATCH /me", lambda: api.patch("/me", {"title": "CEO"}, token=token))
    run("GET /accounts/{id}", lambda: api.get(f"/accounts/{account_id}", token=token))
    run(
        "PATCH /accounts/{id}",
        lambda: api.patch(f"/accounts/{account_id}", {"name": "Bench Co"}, token=token),
    )
    base = f"/accounts/{account_id}"
    one = run(
        "POST invitations (1 email)",
        lambda: api.post(
            f"{base}/invitations",
            {"emails": ["m@bench.com"], "role": "member", "permissions": ["tickets"]},
            token=token,
        ),
    ).body
    run("GET invitations", lambda: api.get(f"{base}/invitations", token=token))
    clock.advance(seconds=61)
    inv_id = one["results"][0]["invitation"]["invitation_id"]
    run("POST invitations/{id}/resend", lambda: api.post(f"{base}/invitations/{inv_id}/resend", token=token))
    member_link = latest_link("m@bench.com")  # read first: reading the outbox runs its worker
    member = run(
        "POST /invitations/accept (new user, 2)",
        lambda: api.post(
            "/invitations/accept",
            {"token": member_link, "password": PASSWORD, "first_name": "M", "last_name": "B"},
        ),
        201,
    ).body
    member_id = member["user"]["user_id"]
    _, other = onboard(api, "Other", "designer@bench.com")
    invite(api, account_id, token, ["designer@bench.com"])
    designer_link = latest_link("designer@bench.com")
    run(
        "POST /invitations/accept (Bearer)",
        lambda: api.post("/invitations/accept", {"token": designer_link}, token=other.token),
        201,
    )
    invite(api, account_id, token, ["x@bench.com"])
    x_id = next(
        i for i in api.get(f"{base}/invitations", token=token).body["items"] if i["email"] == "x@bench.com"
    )
    run(
        "DELETE invitations/{id}",
        lambda: api.delete(f"{base}/invitations/{x_id['invitation_id']}", token=token),
        204,
    )
    run("GET members", lambda: api.get(f"{base}/members", token=token))
    run("GET members/{id}", lambda: api.get(f"{base}/members/{member_id}", token=token))
    run(
        "PATCH members/{id}",
        lambda: api.patch(f"{base}/members/{member_id}", {"permissions": ["domains"]}, token=token),
    )
    run(
        "POST members/{id}/deactivate",
        lambda: api.post(f"{base}/members/{member_id}/deactivate", token=token),
    )
    run(
        "POST members/{id}/reactivate",
        lambda: api.post(f"{base}/members/{member_id}/reactivate", token=token),
    )
    run(
        "POST members/{id}/password-reset",
        lambda: api.post(f"{base}/members/{member_id}/password-reset", token=token),
        202,
    )
    contact = run(
        "POST contacts",
        lambda: api.post(
            f"{base}/contacts", {"email": "c@bench.com", "email_preferences": {"invoice": True}}, token=token
        ),
        201,
    ).body
    run("GET contacts", lambda: api.get(f"{base}/contacts", token=token))
    run("GET contacts/{id}", lambda: api.get(f"{base}/contacts/{contact['contact_id']}", token=token))
    run(
        "PATCH contacts/{id}",
        lambda: api.patch(f"{base}/contacts/{contact['contact_id']}", {"phone": "1"}, token=token),
    )
    run(
        "GET notification-recipients",
        lambda: api.get(f"{base}/notification-recipients?category=invoice", token=token),
    )
    run(
        "DELETE contacts/{id}",
        lambda: api.delete(f"{base}/contacts/{contact['contact_id']}", token=token),
        204,
    )
    shop = run(
        "POST sub-accounts", lambda: api.post(f"{base}/sub-accounts", {"name": "Shop"}, token=token), 201
    ).body["sub_account_id"]
    run(
        "PATCH members/{id} (scope)",
        lambda: api.patch(f"{base}/members/{member_id}", {"sub_accounts": [shop]}, token=token),
    )
    run("GET sub-accounts", lambda: api.get(f"{base}/sub-accounts", token=token))
    run(
        "PATCH sub-accounts/{id}",
        lambda: api.patch(f"{base}/sub-accounts/{shop}", {"name": "Web shop"}, token=token),
    )
    member_token = api.post("/auth/login", {"email": "m@bench.com", "password": PASSWORD}).body[
        "access_token"
    ]
    run(
        "POST /authorize (member of the default group)",
        lambda: api.post(
            "/authorize",
            {"account_id": account_id, "permission": "domains", "sub_account_id": shop},
            token=member_token,
        ),
    )
    run(
        "POST /auth/login (scoped member)",
        lambda: api.post("/auth/login", {"email": "m@bench.com", "password": PASSWORD}),
    )
    run("GET /me (scoped member)", lambda: api.get("/me", token=member_token))
    support = run(
        "POST support-sessions",
        lambda: api.post(
            f"{base}/support-sessions",
            {"user_id": member_id, "reason": "Bench: a support call"},
            operator=True,
        ),
        201,
    ).body
    run("GET /accounts/{id} (support session)", lambda: api.get(base, token=support["access_token"]))
    run("GET /me (support session)", lambda: api.get("/me", token=support["access_token"]))
    run(
        "DELETE support-sessions/{id}",
        lambda: api.delete(f"{base}/support-sessions/{support['support_session_id']}", operator=True),
        204,
    )
    run("DELETE sub-accounts/{id}", lambda: api.delete(f"{base}/sub-accounts/{shop}", token=token), 204)
    run("POST ownership", lambda: api.post(f"{base}/ownership", {"user_id": member_id}, token=token))
    run("POST /auth/password-reset", lambda: api.post("/auth/password-reset", {"email": "m@bench.com"}), 202)
    reset = link_token(emails_to("m@bench.com")[-1])
    run(
        "POST /auth/password-reset/confirm",
        lambda: api.post("/auth/password-reset/confirm", {"token": reset, "new_password": "another secret!"}),
        204,
    )
    new_token = api.post("/auth/login", {"email": "o@bench.com", "password": PASSWORD}).body["access_token"]
    changed = run(
        "POST /me/password",
        lambda: api.post(
            "/me/password",
            {"current_password": PASSWORD, "new_password": "yet another secret"},
            token=new_token,
        ),
    ).body
    run(
        "DELETE members/{id} (leave)",
        lambda: api.delete(f"{base}/members/{other.user_id}", token=other.token),
        204,
    )
    fresh = changed["access_token"]
    run(
        "GET audit-events?type= (one page)",
        lambda: api.get(f"{base}/audit-events?type=contact.created&limit=50", token=fresh),
    )
    hook = {"url": "https://93.184.216.34/hooks", "event_types": ["*"]}
    # the operator: ownership moved on earlier in this run
    webhook = run("POST webhooks", lambda: api.post(f"{base}/webhooks", hook, operator=True), 201).body
    run(
        "GET webhooks/{id}/deliveries",
        lambda: api.get(f"{base}/webhooks/{webhook['webhook_id']}/deliveries", operator=True),
    )
    run("POST /auth/logout", lambda: api.post("/auth/logout", token=fresh), 204)
    return rows


def bulk_invite(api: Api, deps: Deps) -> dict[str, float]:
    """The request (its round trips and time, the mailer untouched), again without moto's table copies, then
    the email worker's run that sends their emails (the stream starts it on the commit), beside 50 sends one
    after another."""
    account_id, owner = onboard(api, "Bulk", "bulk-owner@bench.com")
    other_id, other = onboard(api, "Bulk 2", "bulk-owner-2@bench.com")
    latency = 0.05
    real, deps.mailer = deps.mailer, SlowMailer(latency)
    emails = [f"user{i}@bulk.com" for i in range(50)]
    started = time.perf_counter()
    reply, calls = measured(
        lambda: api.post(
            f"/accounts/{account_id}/invitations", {"emails": emails, "role": "member"}, token=owner.token
        )
    )
    request = time.perf_counter() - started
    assert [r["status"] for r in reply.body["results"]] == ["invited"] * 50
    # the same request in another account, moto keeping no whole-table copy per transaction item (its
    # transactions all commit: nothing to roll back), which is most of the time above and none of AWS's
    others = [f"other{i}@bulk.com" for i in range(50)]
    with moto_without_table_backups():
        started = time.perf_counter()
        again = api.post(
            f"/accounts/{other_id}/invitations", {"emails": others, "role": "member"}, token=other.token
        )
        unbacked = time.perf_counter() - started
    assert [r["status"] for r in again.body["results"]] == ["invited"] * 50
    in_request = deps.mailer.sent  # sent by the two requests themselves
    started = time.perf_counter()
    report = email_worker.run_once(deps)
    worker = time.perf_counter() - started
    assert report.sent == deps.mailer.sent == 100, report
    started = time.perf_counter()
    for email in emails:
        deps.mailer.send(OutgoingEmail(email, "s", "t", "h"))
    sequential = time.perf_counter() - started
    deps.mailer = real
    return {"round_trips": len(calls), "request_s": request, "sends_in_request": in_request,
            "request_unbacked_s": unbacked, "sends_sequential_s": sequential, "worker_s": worker,
            "latency_s": latency}  # fmt: skip


@contextmanager
def moto_without_table_backups() -> Iterator[None]:
    """moto deep-copies the whole table for every item of every TransactWriteItems, to roll back a cancelled
    one: a cost AWS does not have, growing with the table (100 purge deletes in 1,100 items took 38 s and
    1.8 GB). Inside this block it keeps the table as is; the purge's transactions all commit (the run
    checks deleted == found), so there is nothing to roll back."""
    import copy

    import moto.dynamodb.models as moto_models
    from moto.dynamodb.models.table import Table

    class TableKept:
        @staticmethod
        def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    moto_models.copy = TableKept  # type: ignore[attr-defined,assignment]  # the module moto copies with
    try:
        yield
    finally:
        moto_models.copy = copy  # type: ignore[attr-defined]


def seed_invitations(deps: Deps, count: int, expires_in: timedelta = timedelta(0)) -> int:
    """`count` invitations with their links and email claims, as the API leaves them, written with
    BatchWriteItem; returns the number of items."""
    from chalicelib.store.accounts import new_account_item
    from chalicelib.store.invitation_items import set_expiry_keys
    from chalicelib.store.invitations import claim_item

    account_id = f"acc_{os.urandom(12).hex()}"
    account = new_account_item(account_id, "Purged", deps.now())
    account.seats_held = count  # each invitation holds a seat: the purge frees them on the account
    with Item.batch_write() as batch:
        batch.save(account)
        for i in range(count):
            new, _ = new_invitation(deps, account_id, f"p{i}@purge.com", "member", [], None, {})
            invitation = new.invitation
            invitation.expires_at += expires_in
            set_expiry_keys(invitation)
            batch.save(invitation)
            batch.save(new.link)
            batch.save(claim_item(account_id, invitation.email, "invitation", invitation.invitation_id,
                                  invitation.expires_at))  # fmt: skip
    return 3 * count + 1


def purge_scaling(expired: int, live: int) -> dict[str, float]:
    """`expired` invitations past expiry in a fresh table that also holds `live` items that are not."""
    with mock_aws():
        settings = load_settings({**os.environ, **SETTINGS_ENV})
        create_table(boto3.client("dynamodb", region_name="us-east-1"), settings.table_name)
        deps = build_deps(settings)
        clock = Clock()
        deps.clock = clock
        seed_invitations(deps, expired)
        live = seed_invitations(deps, -(-live // 3), expires_in=timedelta(days=365))
        with moto_without_table_backups(), DynamoCalls() as calls:
            started = time.perf_counter()
            report = purge_expired(deps.store, clock() + timedelta(days=8))
            seconds = time.perf_counter() - started
    assert report.deleted == report.expired_found, report
    return {"expired": expired, "live": live, "found": report.expired_found, "deleted": report.deleted,
            "items_read": calls.items, "calls": len(calls.operations), "scans": calls.operations.count("Scan"),
            "seconds": seconds}  # fmt: skip


def repeated_read_round_trips(api: Api, clock: Clock) -> list[tuple[str, list[str], int]]:
    """The requests issue 19 found reading an item twice, each measured on its own account."""
    rows: list[tuple[str, list[str], int]] = []
    run = recorder(rows)

    account_id, owner = onboard(api, "Reads", "reads-owner@bench.com")
    _, existing = onboard(api, "Elsewhere", "existing@bench.com")
    invite(api, account_id, owner.token, ["existing@bench.com"])
    link = latest_link("existing@bench.com")
    run(
        "POST /invitations/accept (existing user, password)",
        lambda: api.post("/invitations/accept", {"token": link, "password": PASSWORD}),
        201,
    )
    base = f"/accounts/{account_id}"
    run("GET members/{self}", lambda: api.get(f"{base}/members/{existing.user_id}", token=existing.token))
    run("PATCH /me {}", lambda: api.patch("/me", {}, token=existing.token))
    for _ in range(2):
        api.post("/auth/login", {"email": "existing@bench.com", "password": "not the password"})
    run(
        "POST /auth/login (after 2 failures)",
        lambda: api.post("/auth/login", {"email": "existing@bench.com", "password": PASSWORD}),
    )
    run(
        "POST ownership (operator)",
        lambda: api.post(f"{base}/ownership", {"user_id": existing.user_id}, operator=True),
    )
    return rows


def verdict(ok: bool) -> str:
    return "meets" if ok else "**misses**"


def main() -> None:
    os.environ.update(SETTINGS_ENV)
    lines = ["# Benchmarks", "", "Written by `make bench` (bench/run.py); every figure comes from the same run as its",
             "baseline. DynamoDB and SES are moto in-process: counts are what AWS would see, times are moto's.", ""]  # fmt: skip
    # Timings first, in a process not yet holding the purge's 300,000 items (its garbage slows every later
    # allocation-heavy request: the per-request ratio read 1.58 after it and 1.1 before).
    cold = coldstart.measure()
    with mock_aws():
        settings = load_settings({**os.environ, **SETTINGS_ENV})
        create_table(boto3.client("dynamodb", region_name="us-east-1"), settings.table_name)
        boto3.client("ses", region_name="us-east-1").verify_email_identity(EmailAddress=settings.sender_email)
        deps = build_deps(settings)
        clock = Clock()
        deps.clock = clock
        use_deps(deps)
        from app import app

        with Client(app) as client:
            api = Api(chalice_transport(client), drained_moto_outbox(deps))
            rows = endpoint_round_trips(api, deps, clock)
            rows += repeated_read_round_trips(api, clock)
            bulk = bulk_invite(api, deps)
            resets = reset_timing.measure(api, deps)
            seat_rows = seats.measure(api)  # issue 28
            sign_in_rows = signin30.measure(api, deps)  # issue 30
    sizes = tuple(int(s) for s in os.environ.get("BENCH_SCALE_SIZES", "100,1000,5000").split(","))
    at_scale = scale.run(sizes)
    before = json.loads(SCALE_BEFORE.read_text()) if SCALE_BEFORE.exists() else None
    small = purge_scaling(PURGE_EXPIRED, PURGE_EXPIRED * 10)
    large = purge_scaling(PURGE_EXPIRED * 10, PURGE_EXPIRED * 100)
    behind = background.measure(moto_without_table_backups)  # issue 24
    # Issue 26: N up to BENCH_SCALE_MAX (50,000 by default; see docs/benchmarks.md for what it costs).
    per_call = scale26.run(scale26.sizes_up_to(int(os.environ.get("BENCH_SCALE_MAX", "50000"))))
    reminders = reminders28.run(reminders28.rows_from_env())  # issue 28: 10,000 due among 100,000

    all_calls = [call for _, calls, _ in rows for call in calls]
    lines += ["## DynamoDB round trips per endpoint", "",
              "Goal: every endpoint <= 3; authorization 1; accept <= 1 read + 1 lookup + 1 transaction (accepting with a",
              "password, the first read is the update that counts the check on the link); no Scan. Every change below",
              "writes its audit event in its own transaction, so the event costs no round trip (a lone write becomes a",
              "TransactWriteItems of two); one page of the audit log is one Query after authorizing. A route that emails",
              "commits the email in the same transaction and never sends it: the email worker does, started by the",
              "table's stream on the commit, and records it sent (with an invitation's `delivery`) in its own write.", "",
              "| endpoint | round trips | calls | goal |", "|---|---|---|---|"]  # fmt: skip
    for label, calls, _ in rows:
        lines.append(f"| {label} | {len(calls)} | {', '.join(calls) or '-'} | {verdict(len(calls) <= 3)} |")
    lines += ["", f"Scans in the whole run: {Counter(all_calls)['Scan']}.", ""]
    lines += [
        "## Bulk invite of 50 emails",
        "",
        f"- DynamoDB round trips for the request: {bulk['round_trips']} (goal <= 5: {verdict(bulk['round_trips'] <= 5)})",  # noqa: E501
        f"- with a mailer that takes {bulk['latency_s'] * 1000:.0f} ms a send, the request sent {bulk['sends_in_request']} "
        "emails itself: each is committed with its invitation, and the email worker sends them (the table's stream "
        f"starts it on the commit). It took {bulk['request_s']:.2f} s, nearly all of it moto copying the whole table "
        "for each item of its transactions (see `moto_without_table_backups`); the same request in another account "
        f"without those copies took {bulk['request_unbacked_s']:.2f} s (goal < 2 s: {verdict(bulk['request_unbacked_s'] < 2)})",
        f"- the worker's run that sent the 100 emails of both took {bulk['worker_s']:.2f} s (16 sends at a time); 50 sends "
        f"one after another took {bulk['sends_sequential_s']:.2f} s",
        "",
    ]
    lines += reset_timing.lines(resets)
    lines += seats.lines(seat_rows)
    lines += signin30.lines(sign_in_rows)
    lines += [
        "## Purge",
        "",
        "Each scale in a fresh table: the expired invitations (each with its link and email claim) and the live items",
        "(invitations, links and claims that expire in a year), all written before the purge runs.",
        "",
        "| expired invitations | live items | found | deleted | items read | DynamoDB calls | Scans | seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in (small, large):
        lines.append(
            f"| {run['expired']:,} | {run['live']:,} | {run['found']:,} | {run['deleted']:,} | {run['items_read']:,} "
            f"| {run['calls']} | {run['scans']} | {run['seconds']:.2f} |"
        )
    exact = all(run["items_read"] == run["found"] == run["expired"] for run in (small, large))
    lines += [
        "",
        f"Items read equal the expired invitations at both scales, and grow 10x with them: {verdict(exact)}; "
        "the live items are never read.",
        "The seconds are moto's, and moto answers an index Query by walking the whole table, so they grow with the live",
        "items too; DynamoDB reads only the index range. During the purge the run turns off moto's whole-table backup",
        "per transaction item (see `moto_without_table_backups`), a cost AWS does not have.",
        "",
    ]
    lines += background.lines(behind)
    lines += scale.report_lines(at_scale, before)
    lines += scale26_report.report_lines(per_call, scale26_report.head_commit())
    lines += reminders28.report_lines(reminders)
    lines += coldstart_report.cold_lines(cold)
    lines += coldstart_report.passwords_and_package_lines(package.measure(), package.MAX_MB)
    lines += load.concurrent_load_lines()
    lines += coldstart_report.misses_lines(lines)
    OUT.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
