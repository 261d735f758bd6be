"""Login lockout: 5 failures for one email within 15 minutes lock that email until the window passes."""

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
