"""The account's seat counters moved in the transactions of the ways in and out (domain/seats.py).

A way in takes seats by `take_seats`: an ADD on the account whose condition is what the way in predicted
from the account it read (the limit as read, and the counter in the band where the predicted crossings, and
only those, happen), with the crossings' events in the same transaction. A condition failing is SEATS; the
service reads the account again and predicts again (a bounded loop). A way out frees by `free_seats`.

Expired invitations, chosen design: an invitation's seat is counted until it is *released*, and the
account's `used` (schemas/accounts.py `Seats.of`) leaves out its expired invitations still holding one. So:
- a way in that finds too few free seats, or predicts a crossing, first releases the account's expired
  holdings (`release_expired`: one Query of that account's invitations up to now in gsi3
  `INVITES#<aid>`, then each released by a conditional update, with the ADD of minus their number, in one
  transaction) and reads again;
- the purge frees the seats of what it deletes, in its transaction;
- reading an account counts the expired holdings (`expired_holdings`: the same Query, counting), only when
  the account has pending invitations at all (`seats_held` above `active_count`); bounded by what expired
  since the last purge, as the purge deletes them hourly.
So an expired invitation's seat is free from its expiry on, with no write at expiry and no scan."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final

from chalicelib.domain.seats import SeatEvent, bound, crossings
from chalicelib.store import keys
from chalicelib.store.models import AccountItem, AuditEventItem, InvitationItem, format_time
from chalicelib.store.tx import Tx, room

if TYPE_CHECKING:
    from pynamodb.expressions.condition import Condition
    from pynamodb.expressions.update import Action

SEATS: Final = "seats"
# (kind, used after, limit) -> the event, recorded in the way in's transaction
EventOf = Callable[[SeatEvent, int, int], AuditEventItem]


@dataclass(frozen=True)
class SeatsRead:
    """An account's seats as a way in read them, and how it records a crossing. `exempt`: never refused
    (an owner's invitation of an account without owner), still counted."""

    limit: int | None
    held: int
    event_of: EventOf | None = None
    exempt: bool = False

    @classmethod
    def of(cls, account: AccountItem, event_of: EventOf | None = None, exempt: bool = False) -> SeatsRead:
        limit = int(account.seat_limit) if account.seat_limit is not None else None
        return cls(limit, int(account.seats_held or 0), event_of, exempt)

    def after(self, taken: int) -> SeatsRead:
        """As if `taken` more were held (the next chunk of one bulk invite)."""
        return SeatsRead(self.limit, self.held + taken, self.event_of, self.exempt)


def _counter_is(value: int) -> Condition:
    held = AccountItem.seats_held
    return (held.does_not_exist() | (held == 0)) if value == 0 else held == value


def seats_condition(read: SeatsRead, taken: int) -> Condition:
    """The account exists, its limit is the one read, and its counter is where the prediction holds."""
    found = bound(read.limit, read.held, taken, read.exempt)
    limit = AccountItem.seat_limit
    condition: Condition = AccountItem.pk.exists() & (
        limit.does_not_exist() if found.limit is None else limit == found.limit
    )
    if found.exact is not None:
        condition &= _counter_is(found.exact)
    if found.low is not None:
        condition &= AccountItem.seats_held >= found.low
    if found.high is not None:  # an absent counter is zero: within any upper bound
        condition &= AccountItem.seats_held.does_not_exist() | (AccountItem.seats_held <= found.high)
    return condition


def take_seats(
    tx: Tx, account_id: str, read: SeatsRead | None, taken: int, also: Sequence[Action] = ()
) -> list[SeatEvent]:
    """Adds to `tx` the ADD of `taken` seats (with `also`, other actions on the account) under the
    prediction's condition (label SEATS), and the crossings' events; answers the crossings. Without `read`
    (a seeded member): an unconditional ADD."""
    account = AccountItem(*keys.account(account_id))
    actions = [AccountItem.seats_held.add(taken), *also]
    if read is None:
        tx.update(account, actions, condition=AccountItem.pk.exists(), label="gone")
        return []
    tx.update(account, actions, condition=seats_condition(read, taken), label=SEATS)
    found = crossings(read.limit, read.held, read.held + taken)
    if read.event_of is not None and read.limit is not None:
        for kind in found:
            tx.record(read.event_of(kind, read.held + taken, read.limit))
    return found


def free_actions(freed: int, active: int = 0) -> list[Action]:
    """The ADDs of a way out: `freed` seats, `active` active members (both counts down by these)."""
    actions: list[Action] = [AccountItem.seats_held.add(-freed)] if freed else []
    return actions + ([AccountItem.active_count.add(-active)] if active else [])


def free_seats(tx: Tx, account_id: str, freed: int, active: int = 0) -> None:
    """Adds to `tx` the account's counters down by `freed` seats and `active` active members."""
    actions = free_actions(freed, active)
    if actions:
        tx.update(AccountItem(*keys.account(account_id)), actions, condition=AccountItem.pk.exists())


def holds_seat_as_read(invitation: InvitationItem) -> Condition:
    """The invitation holds a seat or not, as read (a release or a resend meanwhile fails the write)."""
    holds = InvitationItem.holds_seat
    return holds.exists() if invitation.holds_seat else holds.does_not_exist()


def _expired_holding(account_id: str, now: datetime) -> list[InvitationItem]:
    bound_key = keys.invitation_index_bound(format_time(now))
    partition = keys.invitations_index_partition(account_id)
    found = InvitationItem.by_account_expiry.query(
        partition,
        InvitationItem.gsi3sk <= bound_key,
        filter_condition=InvitationItem.holds_seat.exists(),
    )
    return [item for item in found if isinstance(item, InvitationItem)]


def expired_holdings(account_id: str, now: datetime) -> int:
    """How many of the account's invitations have expired by `now` and still hold a seat (one Query of
    its expired, not yet purged, invitations)."""
    return len(_expired_holding(account_id, now))


def release_expired(account_id: str, now: datetime) -> int:
    """Releases the seats of the account's invitations expired by `now`: each invitation updated while it
    is still expired and holding one, and the account's counter down by as many, in one transaction per
    chunk (a chunk a concurrent resend, accept or purge cancels is retried one by one). Answers how many."""
    released = 0
    holding = _expired_holding(account_id, now)
    size = room() - 1
    for start in range(0, len(holding), size):
        chunk = holding[start : start + size]
        if _release(account_id, chunk, now):
            released += len(chunk)
        elif len(chunk) > 1:
            released += sum(_release(account_id, [one], now) for one in chunk)
    return released


def _release(account_id: str, chunk: list[InvitationItem], now: datetime) -> bool:
    tx = Tx()
    for invitation in chunk:
        still = InvitationItem.holds_seat.exists() & (InvitationItem.expires_at <= now)
        tx.update(invitation, [InvitationItem.holds_seat.remove()], condition=still)
    free_seats(tx, account_id, len(chunk))
    return bool(tx.commit())


def seat_limit_actions(limit: int | None) -> list[Action]:
    return [AccountItem.seat_limit.remove() if limit is None else AccountItem.seat_limit.set(limit)]
