"""Per-email limits over a time window: 5 failed logins in 15 minutes lock the email until the window passes;
the public reset form's own limit is in domain/outbox.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class FailureWindow:
    count: int
    started_at: datetime


def retry_after_seconds(window: FailureWindow | None, now: datetime) -> int | None:
    """Seconds until login may be tried again, or None when it may be tried now."""
    if window is None or window.count < MAX_FAILURES:
        return None
    remaining = window.started_at + WINDOW - now
    return int(remaining.total_seconds()) if remaining.total_seconds() > 0 else None


def count_one_more(
    window: FailureWindow | None, now: datetime, limit: int, length: timedelta
) -> FailureWindow | None:
    """The window with this event counted (a new one if the last has passed), or None if it is full."""
    if window is None or now >= window.started_at + length:
        return FailureWindow(1, now)
    if window.count >= limit:
        return None
    return FailureWindow(window.count + 1, window.started_at)
