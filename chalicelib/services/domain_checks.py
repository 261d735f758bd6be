"""A DNS check of an email domain and what it changes, for the verify route and the scheduled re-checks
(jobs/domains.py) alike: look the TXT record up, apply domain/domain_checks.py's rules, and write the
result with its event (and the domain's claim taken or given up) in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Target, changed
from chalicelib.domain.domain_checks import (
    Checked,
    CheckResult,
    DomainEvent,
    DomainState,
    after_check,
    restarted,
)
from chalicelib.domain.email_domains import JoinPolicy, record_name, record_value
from chalicelib.lookups.dns_txt import has_txt
from chalicelib.services.ports import Repositories
from chalicelib.store.email_domains import ClaimChange, due_keys
from chalicelib.store.models import AuditEventItem, EmailDomainItem
from chalicelib.store.tx import Outcome

# (name, value, resolver) -> what DNS said; tests may hand their own, the service uses dnspython's
Lookup = Callable[[str, str, str | None], CheckResult]
# (type, account_id, target, changes) -> the event to commit with the change
Recorder = Callable[[DomainEvent, str, Target, Mapping[str, tuple[Any, Any]]], AuditEventItem]


def look_up(domain: EmailDomainItem, resolver: str | None, lookup: Lookup = has_txt) -> CheckResult:
    return lookup(record_name(domain.domain), record_value(domain.secret), resolver)


def state_of(domain: EmailDomainItem) -> DomainState:
    policy: JoinPolicy = domain.join_policy  # type: ignore[assignment]  # written from JoinPolicy only
    return DomainState(domain.status, policy, domain.pending_since, domain.missing_since)  # type: ignore[arg-type]


def target_of(domain: EmailDomainItem) -> Target:
    return Target("email_domain", domain.domain)


def claim_change(before: str, after: str) -> ClaimChange:
    if after == "verified" and before != "verified":
        return "take"
    if before == "verified" and after != "verified":
        return "release"
    return "keep"


def check_changes(
    domain: EmailDomainItem, checked: Checked, result: CheckResult, now: datetime
) -> dict[str, object]:
    state = checked.state
    changes: dict[str, object] = {
        "status": state.status,
        "join_policy": state.join_policy,
        "pending_since": state.pending_since,
        "missing_since": state.missing_since,
        "last_checked_at": now,
        "last_check": result,
        **due_keys(domain, checked.next_check_at),
    }
    if state.status == "verified" and domain.status != "verified":
        changes |= {"verified_at": now, "verified_by": "dns"}
    return changes


def apply_check(
    store: Repositories,
    domain: EmailDomainItem,
    result: CheckResult,
    now: datetime,
    recorder: Recorder,
    *,
    by_hand: bool = False,
    counts_as: CheckResult | None = None,
) -> tuple[Outcome, DomainEvent | None]:
    """Writes what the check changes. By hand (the verify route), a `failed` domain starts its 72 hours
    again. "taken": another account holds the domain verified; the caller then applies the same check
    again as `counts_as="missing"`: the record was seen (`last_check` says so) but cannot verify it here,
    so the domain stays pending and its 72 hours run on."""
    state = restarted(state_of(domain), now) if by_hand else state_of(domain)
    checked = after_check(state, counts_as or result, now)
    changes = check_changes(domain, checked, result, now)
    event = None
    if checked.event is not None:
        before = {"status": domain.status, "join_policy": domain.join_policy}
        after = {"status": checked.state.status, "join_policy": checked.state.join_policy}
        event = recorder(checked.event, domain.account_id, target_of(domain), changed(before, after))
    claim = claim_change(domain.status, checked.state.status)
    return store.email_domains.save(domain, changes, [event] if event else [], claim), checked.event
