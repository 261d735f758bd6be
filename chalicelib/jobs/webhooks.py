"""Delivering webhooks. On AWS, each committed audit event reaches the worker at once through the table's
DynamoDB stream (filtered to audit-event inserts), and a one-minute schedule retries what is due and picks up
anything the stream missed; `make run` runs the same worker every few seconds (scripts/local_run.py)."""

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
    from chalicelib.services.webhook_delivery import run_once  # the worker's modules load here only

    report = run_once(get_deps())
    log.info("webhooks: %s", report)
    return {"fanned_out": report.fanned_out, "attempted": report.attempted, "succeeded": report.succeeded}


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="deliver_webhooks")
def deliver_webhooks(event: object) -> dict[str, int]:
    return _run()


@bp.on_dynamodb_record(
    stream_arn=STREAM_SET_BY_INFRA, batch_size=100, starting_position="LATEST", name="webhooks_on_commit",
    maximum_batching_window_in_seconds=1,
)  # fmt: skip
def webhooks_on_commit(event: Any) -> dict[str, int]:
    """New audit events: the worker reads them from the outbox itself (the stream only says when)."""
    return _run()
