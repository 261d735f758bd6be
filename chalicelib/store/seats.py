"""The account's seat counters moved in the transactions of the ways in and out (domain/seats.py).

A way in takes seats by `take_seats`: an ADD on the account whose condition is what the way in predicted
from the account it read (the limit as read, and the counter in the band where the predicted crossings, and
only those, happen), with the crossings' events in the same transaction. A condition failing is SEATS; the
service reads the account again and predicts again (a bounded loop). A way out frees by `free_seats`.

Expired invitations, chosen design: an invitation's seat is counted until it is *released*, and the
account's `used` (schemas/accounts.py `Seats.of`) leaves out its expired invitations still holding one. So:
- a way in that finds too few free seats, or predicts a crossing, first releases the account's expired
  holdings (`release_expired`: one Query of that account's invitations in expiry order in gsi3
  `INVITES#<aid>`, then each released by a conditional update, with the ADD of minus their number, in one
  transaction), but only once the account's bound on its holders' expiry (`seats_expire_from`, kept by
  `expiry_actions` in the ways in's transactions) has passed; the Query's first expiry after now raises
  the bound in the way in's transaction;
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
from chalicelib.store.models import AccountItem, AuditEventItem, InvitationItem
from chalicelib.store.tx import Tx, room

if TYPE_CHECKING:
    from pynamodb.attributes import NumberAttribute
    from pynamodb.expressions.condition import Condition
    from pynamodb.expressions.update import Action

SEATS: Final = "seats"
# (kind, used after, limit) -> the event, recorded in the way in's transaction
EventOf = Callable[[SeatEvent, int, int], AuditEventItem]


@dataclass(frozen=True)
class SeatsRead:
    """An account's seats as a way in read them, and how it records a crossing. `exempt`: never refused
    (an owner's invitation of an account without owner), still counted. `holders`, `expire_from` and
    `added`: the invitations holding a seat, the bound on their expiry and `holds_added`, as read;
    `raise_to`: the bound a Query of the expired holders found (the first expiry after now), if it ran."""

    limit: int | None
    held: int
    event_of: EventOf | None = None
    exempt: bool = False
    holders: int | None = None
    expire_from: datetime | None = None
    added: int = 0
    raise_to: datetime | None = None

    @classmethod
    def of(
        cls,
        account: AccountItem,
        event_of: EventOf | None = None,
        exempt: bool = False,
        raise_to: datetime | None = None,
        added: int | None = None,
    ) -> SeatsRead:
        """`added`: `holds_added` as read before the Query that found `raise_to` (default: as `account`)."""
        limit = int(account.seat_limit) if account.seat_limit is not None else None
        held = int(account.seats_held or 0)
        added = int(account.holds_added or 0) if added is None else added
        holders = held - int(account.active_count or 0) if account.seats_counted else None
        return cls(limit, held, event_of, exempt, holders, account.seats_expire_from, added, raise_to)

    def after(self, taken: int) -> SeatsRead:
        """As if `taken` more were held (the next chunk of one bulk invite; the bound then as the first
        chunk wrote it, so no SET again)."""
        holders = None if self.holders is None else self.holders + taken
        return SeatsRead(self.limit, self.held + taken, self.event_of, self.exempt, holders)


def _counter_is(value: int, held: NumberAttribute = AccountItem.seats_held) -> Condition:
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
    tx: Tx,
    account_id: str,
    read: SeatsRead | None,
    taken: int,
    also: Sequence[Action] = (),
    expires: datetime | None = None,
) -> list[SeatEvent]:
    """Adds to `tx` the ADD of `taken` seats (with `also`, other actions on the account) under the
    prediction's condition (label SEATS), and the crossings' events; answers the crossings. `expires`: the
    seats are taken by invitations expiring then (the earliest), so the expiry bound moves too. Without
    `read` (a seeded member): an unconditional ADD."""
    account = AccountItem(*keys.account(account_id))
    actions = [AccountItem.seats_held.add(taken), *also]
    if read is None:
        tx.update(account, actions, condition=AccountItem.pk.exists(), label="gone")
        return []
    bound_actions, bound_condition = expiry_actions(read, taken, expires)
    condition = seats_condition(read, taken)
    if bound_condition is not None:
        condition &= bound_condition
    tx.update(account, actions + bound_actions, condition=condition, label=SEATS)
    found = crossings(read.limit, read.held, read.held + taken)
    if read.event_of is not None and read.limit is not None:
        for kind in found:
            tx.record(read.event_of(kind, read.held + taken, read.limit))
    return found


def expiry_actions(
    read: SeatsRead, taken: int, expires: datetime | None
) -> tuple[list[Action], Condition | None]:
    """How a way in keeps `seats_expire_from` a lower bound on its holders' expiry. It is SET only where
    the holders are known (none held, or a Query just found the first expiry after now) and under the
    condition that no take made an invitation hold a seat since (`holds_added` as read); lowered by
    removing it; otherwise an invitation's take only requires the bound to be at or before its expiry (a
    SET meanwhile to a later one fails it). Releases and accepts only remove holders: the bound holds."""
    start = AccountItem.seats_expire_from
    actions: list[Action] = [AccountItem.holds_added.add(taken)] if expires is not None else []
    new = read.raise_to if read.holders != 0 or expires is None else expires
    if new is not None:
        new = min(new, expires) if expires is not None else new
        guard = _counter_is(read.added, AccountItem.holds_added)
        if read.holders == 0:  # none held as read: the counter as read too, so none came and went
            guard &= _counter_is(read.held)
        return [*actions, start.set(new)], guard
    if expires is None or read.expire_from is None:
        return actions, None
    if read.expire_from > expires:  # a shorter expiry than a holder's (the TTL changed): not known now
        return [*actions, start.remove()], None
    return actions, start.does_not_exist() | (start <= expires)


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


def _expired_holding(account_id: str, now: datetime) -> tuple[list[InvitationItem], datetime | None]:
    """The account's invitations expired by `now` still holding a seat, and the expiry of the first holder
    after them (None: none holds one after now). One Query of gsi3 `INVITES#<aid>` in expiry order, left
    at that first holder: bounded by what expired since the last purge."""
    partition = keys.invitations_index_partition(account_id)
    found = InvitationItem.by_account_expiry.query(
        partition, filter_condition=InvitationItem.holds_seat.exists()
    )
    expired: list[InvitationItem] = []
    for item in found:
        if isinstance(item, InvitationItem):
            if item.expires_at > now:
                return expired, item.expires_at
            expired.append(item)
    return expired, None


def expired_holdings(account_id: str, now: datetime) -> int:
    """How many of the account's invitations have expired by `now` and still hold a seat (one Query of
    its expired, not yet purged, invitations)."""
    return len(_expired_holding(account_id, now)[0])


@dataclass(frozen=True)
class Released:
    """What a release did: seats freed, and the first expiry of a holder after now (None: none known)."""

    count: int
    next_expiry: datetime | None


def release_expired(account_id: str, now: datetime) -> Released:
    """Releases the seats of the account's invitations expired by `now`: each invitation updated while it
    is still expired and holding one, and the account's counter down by as many, in one transaction per
    chunk (a chunk a concurrent resend, accept or purge cancels is retried one by one)."""
    released = 0
    holding, next_expiry = _expired_holding(account_id, now)
    size = room() - 1
    for start in range(0, len(holding), size):
        chunk = holding[start : start + size]
        if _release(account_id, chunk, now):
            released += len(chunk)
        elif len(chunk) > 1:
            released += sum(_release(account_id, [one], now) for one in chunk)
    return Released(released, next_expiry)


def _release(account_id: str, chunk: list[InvitationItem], now: datetime) -> bool:
    tx = Tx()
    for invitation in chunk:
        still = InvitationItem.holds_seat.exists() & (InvitationItem.expires_at <= now)
        tx.update(invitation, [InvitationItem.holds_seat.remove()], condition=still)
    free_seats(tx, account_id, len(chunk))
    return bool(tx.commit())


def seat_limit_actions(limit: int | None) -> list[Action]:
    return [AccountItem.seat_limit.remove() if limit is None else AccountItem.seat_limit.set(limit)]
