"""The rules of webhook delivery that need no I/O: when to try again, when to give up on an endpoint, and
the exact bytes of an event's body (they are signed, so they must not depend on how a dict was built)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.retry import RetryPolicy

# The wait before each retry, counted from the first attempt, so a worker that runs late does not push every
# later retry back. Together they span 27 h 36 min: a receiver that is down for a whole day (a deploy gone
# wrong, a weekend) still gets the event.
DELIVERY_RETRIES = RetryPolicy(
    waits=(
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=5),
        timedelta(hours=10),
        timedelta(hours=10),
    ),
    counted_from="first",
    max_attempts=8,
)
# An event that cannot be handed to its endpoints (a bug, bad data) is tried on its own schedule, then
# parked: out of the queue, marked on the event, logged; it never holds up another event.
FAN_OUT_RETRIES = RetryPolicy(
    waits=(timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1)),
    counted_from="last",
    max_attempts=5,
)
# An endpoint whose deliveries have all failed for this long (no success since its first failure) is turned
# off and its owner emailed; its later events are held for it, not lost.
DISABLE_AFTER_FAILING_FOR = timedelta(days=5)

_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def should_disable(failing_since: datetime | None, now: datetime) -> bool:
    """True once an endpoint has been failing (every delivery given up or still failing) for 5 days."""
    return failing_since is not None and now - failing_since >= DISABLE_AFTER_FAILING_FOR


def envelope(event_type: str, occurred_at: datetime, data: dict[str, Any]) -> bytes:
    """The body of a delivery: `{"type","timestamp","data"}` as compact JSON, in that key order, with the
    keys inside `data` sorted. The same event always gives the same bytes, whatever order its fields were
    read in; a value JSON cannot carry (a datetime, NaN) is the caller's bug and raises."""
    if occurred_at.tzinfo is None:
        raise ValueError("occurred_at must be timezone-aware")
    parts = (
        ("type", event_type),
        ("timestamp", occurred_at.astimezone(UTC).strftime(_TIMESTAMP_FORMAT)),
        ("data", data),
    )
    fields = ",".join(f"{_json(name)}:{_json(value)}" for name, value in parts)
    return ("{" + fields + "}").encode("ascii")


def _json(value: object) -> str:
    # ensure_ascii: the body is plain ASCII, so no receiver can disagree with the signer about its bytes.
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=True, allow_nan=False)
