"""A plan's seats (API.md "Seats"): the operator's limit, the seats an account shows, and the loop every way
in takes its seats through (predict from the account read, write under that prediction, read again on a
failed condition: store/seats.py).

A way in that finds too few free seats, or predicts a crossing (whose event must count only seats in use),
first releases the seats of the account's expired invitations (their seat is free from expiry on) and reads
the account again; only then is it refused. It looks for them (one Query) only when one may have expired:
the account keeps a lower bound on its holders' expiry (store/seats.py `expiry_actions`), so a crossing
before that bound costs no round trip of its own; the Query's answer raises the bound in the way in's
transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from chalicelib.deps import Deps
from chalicelib.domain.caller import Caller
from chalicelib.domain.seats import SeatEvent, crossings, free_seats, refusal
from chalicelib.errors import AppError, changed_meanwhile, not_found
from chalicelib.schemas.accounts import Account
from chalicelib.services.brands import brand_of_account
from chalicelib.store.models import AccountItem, AuditEventItem
from chalicelib.store.seats import SEATS, EventOf, SeatsRead
from chalicelib.store.tx import Outcome

# The audit vocabulary and its recorder are imported where an event is made, not here: `show` is part of a
# cold read of an account, which records nothing (services/accounts.py says what they cost).
SEAT_TRIES: Final = 5  # reads of the account per way in while others change its seats meanwhile


def seat_limit_reached(limit: int | None) -> AppError:
    return AppError("seat_limit_reached", refusal(limit), params={"limit": str(limit)})


def event_of(deps: Deps, caller: Caller, account_id: str) -> EventOf:
    """How a way in records a crossing: by its caller, on the account, with the seats it leaves."""

    from chalicelib.domain.audit import Target, changed
    from chalicelib.services.audit_record import record

    def made(kind: SeatEvent, used: int, limit: int) -> AuditEventItem:
        seats = changed({}, {"seats_used": used, "seat_limit": limit})
        return record(deps, kind, caller, account_id, Target("account", account_id), seats)

    return made


@dataclass(frozen=True)
class Room:
    """The account a way in writes under, and the first expiry of a holder after now if a Query found it
    (the way in's transaction raises the account's bound to it)."""

    account: AccountItem
    raise_to: datetime | None = None
    added: int | None = None  # the raise's guard: `holds_added` as read before the Query


def seats_read(deps: Deps, caller: Caller, room: Room, exempt: bool = False) -> SeatsRead:
    account = room.account
    made = event_of(deps, caller, account.account_id)
    return SeatsRead.of(account, made, exempt, room.raise_to, room.added)


def read_again(deps: Deps, account_id: str) -> AccountItem:
    account = deps.store.accounts.get_account(account_id)
    if account is None:
        raise not_found("account")
    return account


def may_hold_expired(account: AccountItem, now: datetime) -> bool:
    """Whether an invitation holding a seat may have expired by `now`: some hold one, and the account's
    bound on their expiry is not known or not after `now`."""
    if int(account.seats_held or 0) <= int(account.active_count or 0):
        return False
    return account.seats_expire_from is None or account.seats_expire_from <= now


def with_room(deps: Deps, account: AccountItem, wanted: int) -> Room:
    """The account, after releasing its expired invitations' seats (then read again) when some may have
    expired and either fewer than `wanted` are free, or taking them would cross 80 % or the limit: a
    crossing's event must count only the seats in use, not those expired ones."""
    limit, held, now = _limit(account), int(account.seats_held or 0), deps.now()
    free = free_seats(limit, held)
    short = free is not None and free < wanted
    if not may_hold_expired(account, now) or not (short or crossings(limit, held, held + wanted)):
        return Room(account)
    released = deps.store.accounts.release_expired_seats(account.account_id, now)
    # No read again: the counter as this release left it is a prediction like any other, which the way
    # in's condition checks (another change meanwhile fails it, and the loop reads again).
    account.seats_held = held - released.count
    added = int(account.holds_added or 0)  # as before the Query: an invitation made since fails the raise
    return Room(account, released.next_expiry, added)


def take_one(
    deps: Deps,
    caller: Caller,
    account: AccountItem,
    write: Callable[[SeatsRead], Outcome],
    exempt: bool = False,
) -> Outcome:
    """A way in that takes one seat: refused (409 seat_limit_reached) when none is free, unless `exempt`;
    `write` is the way in's transaction under the seats it is given. A failed seat condition reads the
    account again, up to SEAT_TRIES times."""
    for _ in range(SEAT_TRIES):
        room = with_room(deps, account, 1)
        account = room.account
        if not exempt and free_seats(_limit(account), int(account.seats_held or 0)) == 0:
            raise seat_limit_reached(_limit(account))
        outcome = write(seats_read(deps, caller, room, exempt))
        if SEATS not in outcome.failed:
            return outcome
        account = read_again(deps, account.account_id)
    raise changed_meanwhile("The account's seats kept changing; try again.")


def show(deps: Deps, account: AccountItem) -> Account:
    """The account with its seats as they are now: the expired invitations' seats are free (counted here
    only when any invitation holds a seat: one Query of what expired since the last purge)."""
    now = deps.now()
    expired = (
        deps.store.accounts.expired_seats(account.account_id, now) if may_hold_expired(account, now) else 0
    )
    return Account.of(account, brand_of_account(deps, account), expired)


def set_limit(deps: Deps, caller: Caller, account: AccountItem, limit: int | None) -> Account:
    """The operator's plan limit: a limit below what is used removes nobody, it only stops new entries. No
    crossing event (API.md): only ways in emit them."""
    if not account.seats_counted:
        raise AppError(
            "conflict", "This account's seats are not counted yet: run the backfill, then set the limit."
        )
    from chalicelib.domain.audit import Target, changed
    from chalicelib.services.audit_record import record

    before = _limit(account)
    moved = changed({"seat_limit": before}, {"seat_limit": limit})
    event = record(
        deps,
        "account.seats_changed",
        caller,
        account.account_id,
        Target("account", account.account_id),
        moved,
    )
    if moved and not deps.store.accounts.set_seat_limit(account, limit, event):
        raise not_found("account")
    account.seat_limit = limit
    return show(deps, account)


def _limit(account: AccountItem) -> int | None:
    return int(account.seat_limit) if account.seat_limit is not None else None
