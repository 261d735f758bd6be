"""A plan's seats (API.md "Seats"): how many a way in may take, which crossings it makes, and the bound on
the account's counter under which that prediction holds.

The counter (`seats_held` on the account) is active members plus invitations that hold a seat. A way in
reads it with the account (authorization already did), predicts from that value, and writes an ADD whose
condition is the prediction: when no crossing is predicted, the counter must stay in the band where none
happens; when one is, the counter must be exactly the value read. Whatever another request did meanwhile
only fails the condition, and the way in reads again and predicts again: no read-then-write gap."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from chalicelib.msgids import N_

SeatEvent = Literal["account.seats_warning", "account.seats_full"]
MAX_SEAT_LIMIT = 100_000
WARNING_PERCENT = 80


def warning_at(limit: int) -> int:
    """The least `used` that is 80 % of the limit or more (integers only: 80 % of 7 is 5.6, so 6)."""
    return -(-limit * WARNING_PERCENT // 100)


def free_seats(limit: int | None, held: int) -> int | None:
    """Seats a way in may still take (None: unlimited); a limit lowered below `held` leaves none."""
    return None if limit is None else max(0, limit - held)


def crossings(limit: int | None, before: int, after: int) -> list[SeatEvent]:
    """The events of `used` moving from `before` to `after`: each threshold crossed upwards, warning
    first. A move down, or within a band, crosses nothing."""
    if limit is None or after <= before:
        return []
    found: list[SeatEvent] = []
    if before < warning_at(limit) <= after:
        found.append("account.seats_warning")
    if before < limit <= after:
        found.append("account.seats_full")
    return found


@dataclass(frozen=True)
class Bound:
    """The counter's values for which a write taking `taken` seats is as predicted: `exact`, or within
    `low`..`high` (either may be open). The limit itself is part of the condition too (`limit`)."""

    limit: int | None
    exact: int | None = None
    low: int | None = None
    high: int | None = None


def bound(limit: int | None, held: int, taken: int, exempt: bool = False) -> Bound:
    """Under which counter values taking `taken` seats at `held` (as read) stays what was predicted: within
    the limit (unless `exempt`: an owner's invitation of an account without owner) and with the same
    crossings. Unlimited: only that the limit is still absent."""
    if limit is None:
        return Bound(None)
    if crossings(limit, held, held + taken):
        return Bound(limit, exact=held)
    warn = warning_at(limit)
    # below the warning band and staying there, or inside it and staying below full, or at/over full
    if held + taken < warn:
        return Bound(limit, high=warn - taken - 1)
    if held >= limit:
        return Bound(limit, low=limit) if exempt else Bound(limit, exact=held)
    high = limit - taken - 1 if held + taken < limit else None
    if high is None:  # reaches the limit without crossing it: only an exempt way in goes past it
        return Bound(limit, exact=held)
    return Bound(limit, low=warn, high=high)


def refusal(limit: int | None) -> str:
    """The 409's message id (its `$limit`: the limit): what a person reads when the plan is full."""
    if limit == 1:
        return N_(
            "This account's plan has 1 seat, and it is in use or held by a pending invitation. Free it "
            "(revoke the invitation, deactivate or remove the user) or ask for a larger plan."
        )
    return N_(
        "This account's plan has $limit seats, and all of them are in use or held by pending invitations. "
        "Free one (revoke an invitation, deactivate or remove a user) or ask for a larger plan."
    )
