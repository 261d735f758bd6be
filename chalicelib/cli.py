"""Operator commands against the configured table (TABLE_NAME, AWS_ENDPOINT_URL, AWS_REGION).

python -m chalicelib.cli purge-invitations [--now 2026-11-30T12:00:00Z]
python -m chalicelib.cli run-scheduled [--now 2026-11-30T12:00:00Z] [--dry-run]
                                           (every scheduled job, in order; needs the service's settings:
                                           TOKEN_SECRET makes the reminders' links)
python -m chalicelib.cli create-table      (for `chalice deploy`; the packaged template makes its own)
python -m chalicelib.cli backfill-lists    (once, for a table written before the O(page) lists)
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime

from chalicelib.deps import utc_now
from chalicelib.jobs.purge import purge_expired
from chalicelib.store.repository import Store
from chalicelib.store.table import create_table, dynamodb_client


def _instant(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC).replace(microsecond=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    purge = commands.add_parser("purge-invitations", help="delete invitations whose expiry has passed")
    purge.add_argument("--now", type=_instant, default=None, help="treat this ISO 8601 time as now")
    scheduled = commands.add_parser("run-scheduled", help="run every scheduled job as if it were --now")
    scheduled.add_argument("--now", type=_instant, default=None, help="treat this ISO 8601 time as now")
    scheduled.add_argument("--dry-run", action="store_true", help="only list what would happen")
    commands.add_parser("create-table", help="create TABLE_NAME with the keys, indexes and TTL of infra/")
    commands.add_parser("backfill-lists", help="give items stored before the O(page) lists their index keys")
    args = parser.parse_args(argv)

    if args.command == "run-scheduled":
        return _run_scheduled(parser, args.now, args.dry_run)
    table = os.environ.get("TABLE_NAME")
    if not table:
        parser.error("TABLE_NAME is not set")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    store = Store(table, region, os.environ.get("AWS_ENDPOINT_URL") or None)
    if args.command == "create-table":
        create_table(dynamodb_client(), table)
        print(f"created {table}")
        return 0
    if args.command == "backfill-lists":
        from chalicelib.store.backfill import backfill_lists

        done = backfill_lists()
        print(
            f"memberships: {done.memberships}, invitations: {done.invitations}, contact rows: "
            f"{done.contact_rows}, counts set: {done.counts}, logins: {done.logins}, "
            f"changed meanwhile (already right): {done.changed_meanwhile}"
        )
        return 0
    retention = int(os.environ.get("AUDIT_RETENTION_DAYS") or 400)
    # --now chooses what counts as expired; the events carry the real time, whatever it says.
    report = purge_expired(store, args.now or utc_now(), retention, recorded_at=utc_now())
    print(f"expired invitations found: {report.expired_found}, deleted: {report.deleted}")
    return 0


def _run_scheduled(parser: argparse.ArgumentParser, now: datetime | None, dry_run: bool) -> int:
    """As if it were `now` (never earlier than the real time: what has happened cannot be run again), each
    step's line printed; 1 if a step failed (the later ones still ran)."""
    from chalicelib.config import ConfigError
    from chalicelib.deps import get_deps
    from chalicelib.jobs.scheduled import run_scheduled

    try:
        deps = get_deps()
    except ConfigError as error:
        parser.error(str(error))
    real = deps.now()
    if now is not None and now < real:
        when = f"{now:%Y-%m-%dT%H:%M:%SZ}"
        parser.error(f"--now {when} is earlier than the real time ({real:%Y-%m-%dT%H:%M:%SZ})")
    at = now or real
    print(f"{'dry run: ' if dry_run else ''}scheduled work as of {at:%Y-%m-%dT%H:%M:%SZ}")
    results = run_scheduled(deps, at, dry_run=dry_run)
    for result in results:
        print(f"  {result.name}: {result.line}")
    return 0 if all(result.ok for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
