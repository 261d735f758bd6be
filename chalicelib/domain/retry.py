"""One retry policy type for every kind of background delivery (emails, webhook deliveries, an event's
fan-out): how long to wait after each failed attempt, what the waits are counted from, and when to give up.
Each kind states its own schedule (domain/outbox.py, domain/webhooks.py); the worker loop knows none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal


@dataclass(frozen=True)
class RetryPolicy:
    """`waits[n]`: the wait after the (n+1)th failed attempt (the last one repeats). `counted_from`: "first"
    adds the waits to the first attempt (a worker that runs late does not push later retries back), "last"
    to the attempt just made. Given up after `max_attempts`, or once the next attempt would fall past
    `give_up_after` from the first."""

    waits: tuple[timedelta, ...]
    counted_from: Literal["first", "last"] = "last"
    max_attempts: int | None = None
    give_up_after: timedelta | None = None

    def __post_init__(self) -> None:
        if not self.waits or (self.max_attempts is None and self.give_up_after is None):
            raise ValueError("a policy has waits and an end")

    def next_attempt_at(self, attempts_made: int, first_at: datetime, now: datetime) -> datetime | None:
        """When to try again after `attempts_made` failed attempts, or None: give up. A time already past
        means "as soon as a worker runs"."""
        if attempts_made < 1:
            raise ValueError("at least one attempt was made")
        if self.max_attempts is not None and attempts_made >= self.max_attempts:
            return None
        if self.counted_from == "first":
            following = first_at + sum(self._waits(attempts_made), timedelta())
        else:
            following = now + self._waits(attempts_made)[-1]
        if self.give_up_after is not None and following > first_at + self.give_up_after:
            return None
        return following

    def _waits(self, attempts_made: int) -> tuple[timedelta, ...]:
        taken = self.waits[:attempts_made]
        return taken + (self.waits[-1],) * (attempts_made - len(taken))
