"""Rules of the email outbox: what kinds of email it holds, when a failed send is tried again and when it is
given up, and the fixed windows that limit how many emails one address (or one account) is sent.

Windows are fixed (a clock hour, a UTC day) rather than sliding, so a count is one conditional ADD on one item
with no read first; the price is that a burst across a window's edge may reach twice the limit for a moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from chalicelib.domain.retry import RetryPolicy

# link_join: a no-login use of an invite link, sorted out by the worker (services/link_emails.py)
MailKind = Literal["invitation", "reminder", "password_reset", "reset_request", "notice", "link_join"]
# Long enough for one send (SES's client gives up within ~20 s) and its record.
LEASE = timedelta(minutes=2)
GIVE_UP_AFTER = timedelta(hours=24)  # an email that could not be sent in a day is reported failed
# Each wait counts from the failed send (the longest repeats), until a day has passed since it was queued.
EMAIL_RETRIES = RetryPolicy(
    waits=(
        timedelta(seconds=30),
        timedelta(minutes=2),
        timedelta(minutes=10),
        timedelta(minutes=30),
        timedelta(hours=1),
        timedelta(hours=2),
        timedelta(hours=4),
        timedelta(hours=6),
    ),
    counted_from="last",
    give_up_after=GIVE_UP_AFTER,
)
KEPT_AFTER = timedelta(days=7)  # a sent or given-up email stays that long (for support), then its TTL ends it
MAX_RESET_REQUESTS = 3  # public password-reset requests per address per clock hour
MAX_LINK_EMAILS = 3  # no-login uses of invite links per address per UTC day


@dataclass(frozen=True)
class Window:
    """One fixed counting window: its name (part of the counter's key), its limit and its end."""

    kind: Literal["hour", "day"]
    name: str
    limit: int
    ends_at: datetime

    def retry_after(self, now: datetime) -> int:
        return max(1, int((self.ends_at - now).total_seconds()))


def _hour(now: datetime) -> tuple[str, datetime]:
    start = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return start.strftime("%Y-%m-%dT%H"), start + timedelta(hours=1)


def _day(now: datetime) -> tuple[str, datetime]:
    start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return start.strftime("%Y-%m-%d"), start + timedelta(days=1)


def recipient_windows(now: datetime, per_hour: int, per_day: int) -> list[Window]:
    """The windows an email to one address counts in (invitations, resends, admin resets)."""
    hour, hour_ends = _hour(now)
    day, day_ends = _day(now)
    return [
        Window("hour", f"HOUR#{hour}", per_hour, hour_ends),
        Window("day", f"DAY#{day}", per_day, day_ends),
    ]


def reset_request_window(now: datetime) -> Window:
    """The public reset form's own window: kept apart, so strangers asking for resets cannot use up the
    address's allowance for invitations."""
    hour, ends = _hour(now)
    return Window("hour", f"RESETS#{hour}", MAX_RESET_REQUESTS, ends)


def link_email_window(now: datetime) -> Window:
    """The no-login invite link path's own window per address (any link, any account): strangers cannot
    use up the address's allowance for invitations, nor send it more than a few a day."""
    day, ends = _day(now)
    return Window("day", f"LINKJOINS#{day}", MAX_LINK_EMAILS, ends)


def account_day(now: datetime, per_day: int) -> Window:
    day, ends = _day(now)
    return Window("day", day, per_day, ends)
