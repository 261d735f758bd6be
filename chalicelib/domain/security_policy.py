"""Each account's second-factor policy: who it covers, from when, and whether it refuses a request. Pure:
decided from the account's stored policy, the member's role and join time, and how their session started."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from typing_extensions import TypeAliasType

from chalicelib.domain.sign_in import with_second_factor

MfaLevel = TypeAliasType("MfaLevel", Literal["off", "admins", "all"])
MAX_GRACE_DAYS = 30


@dataclass(frozen=True)
class Policy:
    level: str = "off"
    grace_days: int = 0
    level_changed_at: datetime | None = None  # the PUT that set the level (enforced_from counts from it)

    @property
    def enforced_from(self) -> datetime | None:
        """When the level applies to the members already there (None while it is off)."""
        if self.level == "off" or self.level_changed_at is None:
            return None
        return self.level_changed_at + timedelta(days=self.grace_days)


OFF = Policy()


def covers(policy: Policy, role: str) -> bool:
    """`admins` covers the owner and the admins; `all` everyone."""
    return policy.level == "all" or (policy.level == "admins" and role in ("owner", "admin"))


def deadline(policy: Policy, joined_at: datetime | None) -> datetime | None:
    """From when a member must have signed in with a second factor: the policy's enforced_from, or for
    a member who joined after the level was set, their join time plus the grace days."""
    start = policy.enforced_from
    if start is None:
        return None
    if joined_at is not None and policy.level_changed_at is not None and joined_at > policy.level_changed_at:
        return max(start, joined_at + timedelta(days=policy.grace_days))
    return start


def mfa_refuses(
    policy: Policy, role: str, joined_at: datetime | None, via: str | None, now: datetime, *, support: bool
) -> bool:
    """Whether this account refuses the request for want of a second factor: a covered member past their
    grace whose session did not start with one. A support session is never held to it."""
    if support or not covers(policy, role) or with_second_factor(via):
        return False
    due = deadline(policy, joined_at)
    return due is not None and now >= due


def changed(current: Policy, level: str, grace_days: int, now: datetime) -> Policy:
    """The policy a PUT leaves: a new level counts its grace from now; the same level keeps its start (only
    the grace days change, and enforced_from with them)."""
    if level == current.level and current.level_changed_at is not None:
        return Policy(level, grace_days, current.level_changed_at)
    return Policy(level, grace_days, now if level != "off" else None)
