"""Every scheduled job in one run, as if it were a given time: `python -m chalicelib.cli run-scheduled`.

The order is the contract's (API.md "Scheduled work"): domain re-checks, join-request expiry, reminders,
the purge, then the outbox workers (emails, webhooks, the members' copies), so what one step commits (a
reminder's email, an invitation.expired event) is sent by a later step of the same run. Each step judges
due against `at` and writes the real time. A step that fails is reported and the next ones still run: one
job's trouble must not hold up the others, as on AWS where each is its own function."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from chalicelib.deps import Deps

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Deps, datetime], str]  # does it; answers a line of what it did
    preview: Callable[[Deps, datetime], str]  # writes nothing; answers a line of what it would do


def _reminders(deps: Deps, at: datetime) -> str:
    from chalicelib.services.reminders import send_reminders

    r = send_reminders(deps, at)
    return (
        f"{r.due} due: {r.sent} sent, {r.waiting} waiting (sent in the last 24 h), {r.dropped} dropped, "
        f"{r.refused} refused by the address's email limits, {r.errored} errored, {r.deferred} left for later"
    )


def _reminders_preview(deps: Deps, at: datetime) -> str:
    from chalicelib.services.reminders import preview_reminders

    r = preview_reminders(deps, at)
    return f"{r.due} due: would send {r.sent}, leave {r.waiting} waiting, drop {r.dropped}"


def _purge(deps: Deps, at: datetime) -> str:
    from chalicelib.jobs.purge import purge_expired

    report = purge_expired(deps.store, at, deps.settings.audit_retention_days, recorded_at=deps.now())
    return f"expired invitations found: {report.expired_found}, deleted: {report.deleted}"


def _purge_preview(deps: Deps, at: datetime) -> str:
    found = sum(len(page) for page in deps.store.invitations.expired_pages(at))
    return f"would delete {found} expired invitations"


def _emails(deps: Deps, at: datetime) -> str:
    from chalicelib.services import email_worker

    r = email_worker.run_once(deps, at)
    return f"{r.sent} of {r.attempted} emails sent, {r.dropped} dropped, {r.errored} errored"


def _emails_preview(deps: Deps, at: datetime) -> str:
    return f"would attempt {len(deps.store.outbox.due(at))} emails"


def _webhooks(deps: Deps, at: datetime) -> str:
    from chalicelib.services import webhook_delivery

    report = webhook_delivery.run_once(deps, at)
    return (
        f"{report.fanned_out} events handed on, {report.succeeded} of {report.attempted} deliveries "
        f"succeeded, {report.errored} errored"
    )


def _webhooks_preview(deps: Deps, at: datetime) -> str:
    return f"would attempt {len(deps.store.deliveries.due(at))} deliveries (and hand on new events)"


def _copies(deps: Deps, at: datetime) -> str:
    from chalicelib.services import copies_worker

    report = copies_worker.run_once(deps, at)
    return f"{report.attempted} users' memberships rewritten, {report.errored} errored"


def _copies_preview(deps: Deps, at: datetime) -> str:
    from chalicelib.services.copies_worker import BATCH

    return f"would rewrite the copies of {len(deps.store.member_copies.users_due(at, BATCH))} users"


def _domains(deps: Deps, at: datetime) -> str:
    from chalicelib.jobs.domains import recheck_domains

    settings = deps.settings
    r = recheck_domains(
        deps.store, at, resolver=settings.dns_resolver, retention_days=settings.audit_retention_days,
        recorded_at=deps.now(),
    )  # fmt: skip
    changed = ", ".join(f"{n} {kind}" for kind, n in sorted(r.events.items())) or "no status changed"
    return f"{r.checked} email domains checked ({r.unreachable} unreachable): {changed}; {r.errors} errored"


def _domains_preview(deps: Deps, at: datetime) -> str:
    from chalicelib.jobs.domains import recheck_domains

    return f"would check {len(recheck_domains(deps.store, at, dry_run=True).due)} email domains"


def _join_requests(deps: Deps, at: datetime) -> str:
    from chalicelib.jobs.join_requests import expire_join_requests

    return f"{expire_join_requests(deps.store, at).expired} join requests expired"


def _join_requests_preview(deps: Deps, at: datetime) -> str:
    from chalicelib.jobs.join_requests import expire_join_requests

    return f"would expire {expire_join_requests(deps.store, at, dry_run=True).due} join requests"


def _join_digests(deps: Deps, at: datetime) -> str:
    from chalicelib.services.join_digest import send_digests

    r = send_digests(deps, at)
    return f"{r.sent} join request digests sent, {r.waiting} waiting (one sent within the hour)"


def _join_digests_preview(deps: Deps, at: datetime) -> str:
    from chalicelib.services.join_digest import send_digests

    r = send_digests(deps, at, dry_run=True)
    return f"would send {r.due - r.waiting} join request digests, {r.waiting} waiting"


# Domain re-checks, then join-request expiry (so a digest lists no expired request), then the digests of
# new requests, ahead of the reminders; the emails step sends what they queue.
BEFORE_REMINDERS: tuple[Step, ...] = (
    Step("domains", _domains, _domains_preview),
    Step("join_requests", _join_requests, _join_requests_preview),
    Step("join_digests", _join_digests, _join_digests_preview),
)
STEPS: tuple[Step, ...] = (
    *BEFORE_REMINDERS,
    Step("reminders", _reminders, _reminders_preview),
    Step("purge", _purge, _purge_preview),
    Step("emails", _emails, _emails_preview),
    Step("webhooks", _webhooks, _webhooks_preview),
    Step("copies", _copies, _copies_preview),
)


@dataclass(frozen=True)
class StepResult:
    name: str
    line: str
    ok: bool


def run_scheduled(deps: Deps, at: datetime, *, dry_run: bool = False) -> list[StepResult]:
    results = []
    for step in STEPS:
        try:
            line = (step.preview if dry_run else step.run)(deps, at)
            results.append(StepResult(step.name, line, True))
        except Exception as error:
            log.exception("run-scheduled: %s failed", step.name)
            results.append(StepResult(step.name, f"failed: {type(error).__name__}: {error}", False))
    return results
