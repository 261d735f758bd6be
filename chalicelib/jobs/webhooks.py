"""The background workers: webhook deliveries and the email outbox, each its own function on its own
schedule, so neither's trouble (a tenant's slow receivers, a broken email) delays the other. On AWS, each
committed audit event and outbox email also reaches them at once through the table's DynamoDB stream
(filtered to inserts into AUDIT# and MAIL# partitions): that handler runs both side by side, each within its
own deadline. A one-minute schedule each retries what is due and picks up anything the stream missed;
`make run` runs the same workers every few seconds (scripts/local_run.py)."""

from __future__ import annotations

import logging
from typing import Any

from chalice.app import Blueprint, Rate

from chalicelib.deps import get_deps

log = logging.getLogger(__name__)
bp = Blueprint(__name__)
# The stream's ARN exists only once CloudFormation has made the table: infra/table.json sets the event
# source to the table's StreamArn when the package is merged, so this placeholder is never deployed.
STREAM_SET_BY_INFRA = "arn:aws:dynamodb:us-east-1:000000000000:table/portal-access/stream/set-by-infra"


def run_webhooks() -> dict[str, int]:
    from chalicelib.services.webhook_delivery import run_once  # the worker's modules load here only

    report = run_once(get_deps())
    log.info("webhooks: %s", report)
    return {
        "fanned_out": report.fanned_out,
        "attempted": report.attempted,
        "succeeded": report.succeeded,
        "errored": report.errored,
        "deferred": report.deferred,
    }


def run_emails() -> dict[str, int]:
    from chalicelib.services import email_worker

    report = email_worker.run_once(get_deps())
    log.info("emails: %s", report)
    return {
        "emails_attempted": report.attempted,
        "emails_sent": report.sent,
        "emails_errored": report.errored,
        "emails_deferred": report.deferred,
    }


def run_both() -> dict[str, int]:
    """Side by side, each on its own: one that fails takes nothing from the other's answer."""
    from concurrent.futures import ThreadPoolExecutor  # here only: the API's cold start never loads it

    results: dict[str, int] = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for done in [pool.submit(run_emails), pool.submit(run_webhooks)]:
            try:
                results |= done.result()
            except Exception:
                log.exception("a worker's run failed; its work is due again next run")
    return results


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="deliver_webhooks")
def deliver_webhooks(event: object) -> dict[str, int]:
    return run_webhooks()


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="send_emails")
def send_emails(event: object) -> dict[str, int]:
    return run_emails()


@bp.on_dynamodb_record(
    stream_arn=STREAM_SET_BY_INFRA,
    batch_size=100,
    starting_position="LATEST",
    name="webhooks_on_commit",
    maximum_batching_window_in_seconds=1,
)
def webhooks_on_commit(event: Any) -> dict[str, int]:
    """New audit events and emails: the workers read them from their queues (the stream only says when)."""
    return run_both()
