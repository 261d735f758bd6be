"""Delivering webhooks: every minute on AWS (each run hands new audit events to the endpoints and attempts
what is due), and every few seconds in `make run` (scripts/local_run.py)."""

from __future__ import annotations

import logging

from chalice.app import Blueprint, Rate

from chalicelib.deps import get_deps

log = logging.getLogger(__name__)
bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="deliver_webhooks")
def deliver_webhooks(event: object) -> dict[str, int]:
    from chalicelib.services.webhook_delivery import run_once  # the worker's modules load here only

    report = run_once(get_deps())
    log.info("webhooks: %s", report)
    return {"fanned_out": report.fanned_out, "attempted": report.attempted, "succeeded": report.succeeded}
