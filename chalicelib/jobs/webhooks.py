"""Delivering webhooks and the email outbox. On AWS, each committed audit event and outbox email reaches the
workers at once through the table's DynamoDB stream (filtered to inserts into AUDIT# and MAIL# partitions),
and a one-minute schedule retries what is due and picks up anything the stream missed; `make run` runs the
same workers every few seconds (scripts/local_run.py)."""

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


def _run() -> dict[str, int]:
    # the workers' modules load here only
    from chalicelib.services import email_worker
    from chalicelib.services.webhook_delivery import run_once

    deps = get_deps()
    report = run_once(deps)
    log.info("webhooks: %s", report)
    emails = email_worker.run_once(deps)  # after the webhooks: a turned-off endpoint's notice goes now
    log.info("emails: %s", emails)
    return {
        "fanned_out": report.fanned_out, "attempted": report.attempted, "succeeded": report.succeeded,
        "emails_attempted": emails.attempted, "emails_sent": emails.sent,
    }  # fmt: skip


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="deliver_webhooks")
def deliver_webhooks(event: object) -> dict[str, int]:
    return _run()


@bp.on_dynamodb_record(
    stream_arn=STREAM_SET_BY_INFRA, batch_size=100, starting_position="LATEST", name="webhooks_on_commit",
    maximum_batching_window_in_seconds=1,
)  # fmt: skip
def webhooks_on_commit(event: Any) -> dict[str, int]:
    """New audit events and emails: the workers read them from their outboxes (the stream only says when)."""
    return _run()
