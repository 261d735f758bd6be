"""Re-checking email domains' TXT records: every 15 minutes on AWS, or by hand through chalicelib.cli.

Pending domains are looked at every 15 minutes for 72 hours, then `failed`; verified ones daily, and one
missing 7 days in a row is set back to `pending` with the policy `invite_only`. Each domain waits in the due
index (store/due.py, kind DOMAINDUE) until its next look, so a run reads the domains due, not the table; the
lookups of a batch run side by side, and one domain's failure (DNS, a write) is logged and left due for the
next run, never stopping the others."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Rate

from chalicelib.deps import get_deps, utc_now

if TYPE_CHECKING:
    from chalicelib.domain.domain_checks import CheckResult
    from chalicelib.services.ports import Repositories
    from chalicelib.store.models import EmailDomainItem

log = logging.getLogger(__name__)
bp = Blueprint(__name__)
BATCH = 50
LOOKUPS_AT_ONCE = 16  # each lookup waits up to 3 s: side by side, a batch takes seconds, not minutes
# No new batch is started past this (the function may run 300 s): what is left is due at the next run.
SCHEDULED_BUDGET_SECONDS = 240


@dataclass
class RecheckReport:
    checked: int = 0
    events: dict[str, int] = field(default_factory=dict)  # type -> how many
    unreachable: int = 0
    errors: int = 0
    due: list[str] = field(default_factory=list)  # with dry_run: "<account_id>/<domain> <status>"


def recheck_domains(
    store: Repositories,
    now: datetime,
    *,
    resolver: str | None = None,
    retention_days: int = 400,
    recorded_at: datetime | None = None,
    lookup: Callable[[str, str, str | None], CheckResult] | None = None,
    dry_run: bool = False,
    batch: int = BATCH,
    budget_seconds: float | None = None,
) -> RecheckReport:
    """Checks every domain due by `now` (the CLI's --now may look ahead: the rules read it; the events
    carry `recorded_at`, the real time), batch after batch until none is due or `budget_seconds` have
    passed. `lookup`: dnspython's (lookups/dns_txt.py) unless given."""
    import time

    from chalicelib.lookups.dns_txt import has_txt

    report, seen = RecheckReport(), set[tuple[str, str]]()
    stop_at = None if budget_seconds is None else time.monotonic() + budget_seconds
    while stop_at is None or time.monotonic() < stop_at:
        fresh = [d for d in store.email_domains.due_domains(now, batch) if (d.pk, d.sk) not in seen]
        if not fresh:
            return report
        seen.update((d.pk, d.sk) for d in fresh)
        if dry_run:
            report.due += [f"{d.account_id}/{d.domain} {d.status}" for d in fresh]
            continue
        _run_batch(
            store, fresh, now, report, _Context(resolver, retention_days, recorded_at, lookup or has_txt)
        )
    return report


@dataclass(frozen=True)
class _Context:
    resolver: str | None
    retention_days: int
    recorded_at: datetime | None
    lookup: Callable[[str, str, str | None], CheckResult]


def _run_batch(
    store: Repositories, domains: list[EmailDomainItem], now: datetime, report: RecheckReport, ctx: _Context
) -> None:
    from concurrent.futures import ThreadPoolExecutor  # the job's only: a request's cold start skips it

    with ThreadPoolExecutor(max_workers=LOOKUPS_AT_ONCE) as pool:
        outcomes = list(pool.map(lambda domain: _one(store, domain, now, ctx), domains))
    for result, event in outcomes:
        report.checked += result is not None
        report.errors += result is None
        report.unreachable += result == "unreachable"
        if event is not None:
            report.events[event] = report.events.get(event, 0) + 1


def _one(store: Repositories, domain: EmailDomainItem, now: datetime, ctx: _Context) -> tuple[Any, Any]:
    """One domain's check and write; anything going wrong is this domain's alone (logged, left due)."""
    from chalicelib.services.domain_checks import apply_check, look_up

    try:
        result = look_up(domain, ctx.resolver, ctx.lookup)
        recorder = _system_recorder(ctx.retention_days, ctx.recorded_at or utc_now())
        outcome, event = apply_check(store, domain, result, now, recorder)
        if "taken" in outcome.failed:  # another account holds it verified: seen, but not verified here
            outcome, event = apply_check(store, domain, result, now, recorder, counts_as="missing")
        if not outcome:
            log.info("domain %s/%s changed meanwhile: checked next run", domain.account_id, domain.domain)
        return result, event if outcome else None
    except Exception:
        log.exception("re-checking domain %s/%s failed; due again next run", domain.account_id, domain.domain)
        return None, None


def _system_recorder(retention_days: int, at: datetime) -> Any:
    from chalicelib.domain.audit import SYSTEM, Event
    from chalicelib.store.audit import audit_item

    def made(kind: Any, account_id: str, target: Any, changes: Any) -> Any:
        return audit_item(Event(kind, account_id, SYSTEM, target, at, changes or None), retention_days)

    return made


@bp.schedule(Rate(15, unit=Rate.MINUTES), name="recheck_email_domains")
def recheck_email_domains(event: object) -> dict[str, int]:
    deps = get_deps()
    now = deps.now()
    report = recheck_domains(
        deps.store,
        now,
        resolver=deps.settings.dns_resolver,
        retention_days=deps.settings.audit_retention_days,
        recorded_at=now,
        budget_seconds=SCHEDULED_BUDGET_SECONDS,
    )
    log.info("re-checked email domains: %s", report)
    return {"checked": report.checked, "unreachable": report.unreachable, "errors": report.errors}
