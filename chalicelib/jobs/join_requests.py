"""Expiring join requests 14 days after they were made: hourly on AWS, or by hand through chalicelib.cli
run-scheduled. A pending request waits in the due index (store/due.py, kind JOINDUE) until its expiry, so a
run reads the requests due, not the table; a request decided meanwhile fails its condition and is left."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalice.app import Blueprint, Rate

from chalicelib.deps import get_deps

if TYPE_CHECKING:
    from chalicelib.services.ports import Repositories

log = logging.getLogger(__name__)
bp = Blueprint(__name__)
BATCH = 100
MAX_BATCHES = 20


@dataclass
class ExpiryReport:
    expired: int = 0
    due: int = 0  # with dry_run: how many are due


def expire_join_requests(store: Repositories, now: datetime, *, dry_run: bool = False) -> ExpiryReport:
    report = ExpiryReport()
    for _ in range(MAX_BATCHES):
        found = store.join_requests.due_requests(now, BATCH)
        if dry_run:
            report.due = len(found)
            return report
        done = sum(1 for request in found if store.join_requests.expire(request, now))
        report.expired += done
        if len(found) < BATCH or done == 0:
            break
    return report


@bp.schedule(Rate(1, unit=Rate.HOURS), name="expire_join_requests")
def expire_join_requests_hourly(event: object) -> dict[str, int]:
    deps = get_deps()
    report = expire_join_requests(deps.store, deps.now())
    log.info("join requests expired: %d", report.expired)
    return {"expired": report.expired}


@bp.schedule(Rate(1, unit=Rate.HOURS), name="send_join_request_digests")
def send_join_request_digests(event: object) -> dict[str, int]:
    """The user managers' digest of new join requests (services/join_digest.py), run-scheduled's
    `join_digests` step on AWS: its own function, as every job."""
    from chalicelib.services.join_digest import send_digests

    deps = get_deps()
    report = send_digests(deps, deps.now())
    log.info("join request digests: %d sent, %d waiting", report.sent, report.waiting)
    return {"sent": report.sent, "waiting": report.waiting}
