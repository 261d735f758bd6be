"""The copies job: the memberships' copies of a user's fields (what the member lists sort by) rewritten
after a login or a profile change marked the user due, and the memberships' name keys (what a user's
account list sorts by) after an account's rename marked it due (services/copies_worker.py). Its own
function on its own one-minute schedule, so neither the webhooks' nor the emails' trouble delays it: a
list shows a new login time or name, or a renamed account in its place, within about a minute
(docs/scale.md). `make run` runs it every few seconds (scripts/local_run.py)."""

from __future__ import annotations

import logging

from chalice.app import Blueprint, Rate

from chalicelib.deps import get_deps

log = logging.getLogger(__name__)
bp = Blueprint(__name__)


def run_copies() -> dict[str, int]:
    from chalicelib.services import copies_worker  # the worker's modules load here only

    report = copies_worker.run_once(get_deps())
    log.info("copies: %s", report)
    return {
        "copies_users": report.attempted,
        "copies_errored": report.errored,
        "copies_deferred": report.deferred,
    }


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="rewrite_copies")
def rewrite_copies(event: object) -> dict[str, int]:
    return run_copies()
