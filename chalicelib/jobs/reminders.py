"""Invitation reminders: hourly on AWS, or with the rest of the scheduled work through chalicelib.cli
run-scheduled. The sweep reads only the due reminders (services/reminders.py)."""

from __future__ import annotations

import logging
from datetime import datetime

from chalice.app import Blueprint, Rate

from chalicelib.deps import get_deps

log = logging.getLogger(__name__)
bp = Blueprint(__name__)


def run_reminders(at: datetime | None = None) -> dict[str, int]:
    """`at`: the time the run judges due against (the CLI's --now); what it writes carries the real time."""
    from chalicelib.services.reminders import send_reminders  # the sweep's modules load here only

    deps = get_deps()
    report = send_reminders(deps, at or deps.now())
    log.info("reminders: %s", report)
    return {
        "reminders_due": report.due,
        "reminders_sent": report.sent,
        "reminders_waiting": report.waiting,
        "reminders_dropped": report.dropped,
        "reminders_refused": report.refused,
        "reminders_errored": report.errored,
        "reminders_deferred": report.deferred,
    }


@bp.schedule(Rate(1, unit=Rate.HOURS), name="send_invitation_reminders")
def send_invitation_reminders(event: object) -> dict[str, int]:
    return run_reminders()
