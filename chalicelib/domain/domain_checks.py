"""What one DNS check of an email domain changes: pure, so the verify route and the scheduled re-checks
apply the same rules. Pending domains are looked at every 15 minutes for 72 hours, then `failed`; verified
ones daily, and a record missing 7 days in a row sets the domain back to `pending` and `invite_only`. A
check that got no answer (a timeout, SERVFAIL) is neither found nor missing: it changes no count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from chalicelib.domain.email_domains import DomainStatus, JoinPolicy

CheckResult = Literal["found", "missing", "unreachable"]
DomainEvent = Literal["domain.verified", "domain.verification_failed", "domain.verification_lost"]
PENDING_EVERY = timedelta(minutes=15)
PENDING_FOR = timedelta(hours=72)
VERIFIED_EVERY = timedelta(days=1)
LOST_AFTER = timedelta(days=7)
VERIFY_EVERY = timedelta(minutes=1)  # the verify route, per domain


@dataclass(frozen=True)
class DomainState:
    status: DomainStatus
    join_policy: JoinPolicy
    pending_since: datetime
    missing_since: datetime | None


@dataclass(frozen=True)
class Checked:
    """The domain after the check, when to look again (None: not by the schedule) and what to record."""

    state: DomainState
    next_check_at: datetime | None
    event: DomainEvent | None


def restarted(state: DomainState, now: datetime) -> DomainState:
    """Verifying a `failed` domain by hand restarts its 72 hours."""
    if state.status != "failed":
        return state
    return DomainState("pending", state.join_policy, now, None)


def after_check(state: DomainState, result: CheckResult, now: datetime) -> Checked:
    if state.status == "verified":
        return _verified_after(state, result, now)
    if result == "found":
        verified = DomainState("verified", state.join_policy, state.pending_since, None)
        return Checked(verified, now + VERIFIED_EVERY, "domain.verified")
    if state.status == "pending" and now >= state.pending_since + PENDING_FOR:
        return Checked(DomainState("failed", state.join_policy, state.pending_since, None), None,
                       "domain.verification_failed")  # fmt: skip
    return Checked(state, now + PENDING_EVERY if state.status == "pending" else None, None)


def _verified_after(state: DomainState, result: CheckResult, now: datetime) -> Checked:
    if result == "found":
        return Checked(DomainState("verified", state.join_policy, state.pending_since, None),
                       now + VERIFIED_EVERY, None)  # fmt: skip
    if result == "unreachable":
        return Checked(state, now + VERIFIED_EVERY, None)
    missing_since = state.missing_since or now
    if now - missing_since >= LOST_AFTER:
        lost = DomainState("pending", "invite_only", now, None)
        return Checked(lost, now + PENDING_EVERY, "domain.verification_lost")
    still = DomainState("verified", state.join_policy, state.pending_since, missing_since)
    return Checked(still, now + VERIFIED_EVERY, None)


def verify_wait(last_verify_at: datetime | None, now: datetime) -> int:
    """Seconds until the verify route may look this domain up again (0: now)."""
    if last_verify_at is None or now - last_verify_at >= VERIFY_EVERY:
        return 0
    return max(1, int((last_verify_at + VERIFY_EVERY - now).total_seconds()))
