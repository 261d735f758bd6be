"""Invitations written under the account's seats: the emails past the free seats are refused in input order
(the last ones), the rest written in the transactions that take their seats (store/invitation_writes.py).
Seats that changed meanwhile (a condition failed) are read again and the rest tried again, as are the
refused ones when some granted email was lost to another reason (its seat is then free for the next)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.deps import Deps
from chalicelib.domain.caller import Caller
from chalicelib.domain.outbox import Window
from chalicelib.domain.seats import free_seats
from chalicelib.errors import changed_meanwhile
from chalicelib.services.seats import SEAT_TRIES, read_again, seats_read, with_room
from chalicelib.store.invitations import NewInvitation, Written
from chalicelib.store.models import AccountItem


@dataclass
class SeatedWrite:
    """What became of a batch: the store's answers over every try, and the emails refused for seats."""

    lost: set[str] = field(default_factory=set)
    limited: dict[str, Window] = field(default_factory=dict)
    over_account_limit: set[str] = field(default_factory=set)
    group_gone: bool = False
    refused: set[str] = field(default_factory=set)

    def add(self, written: Written) -> None:
        self.lost |= written.lost
        self.limited |= written.limited
        self.over_account_limit |= written.over_account_limit
        self.group_gone = self.group_gone or written.group_gone


def write_invitations(
    deps: Deps,
    caller: Caller,
    account: AccountItem,
    entries: list[NewInvitation],
    now: datetime,
    day: Window | None = None,
    exempt: bool = False,
) -> SeatedWrite:
    """Writes `entries` (in input order) under the seats of `account` as read; `exempt`: none refused (an
    owner's invitation of an account without owner), still counted. An entry replacing an expired
    invitation needs that one's seat released first (store/invitation_items.py `add_invitation`)."""
    result = SeatedWrite()
    if any(entry.replaces for entry in entries):  # rare: one Query, and the releases it finds
        deps.store.accounts.release_expired_seats(account.account_id, now)
        account = read_again(deps, account.account_id)
    pending, waiting = list(entries), list[NewInvitation]()
    for _ in range(SEAT_TRIES):
        room = with_room(deps, account, len(pending))
        account = room.account
        free = free_seats(_limit(account), int(account.seats_held or 0))
        if not exempt and free is not None and free < len(pending):
            pending, waiting = pending[:free], pending[free:] + waiting
        written = (
            deps.store.invitations.create_invitations(
                pending, now, day, seats_read(deps, caller, room, exempt)
            )
            if pending
            else Written(set())
        )
        result.add(written)
        if written.group_gone:
            return result
        changed = set(written.seats_changed)
        again = [entry for entry in pending if entry.invitation.email in changed]
        if not again and not (waiting and (written.lost or written.limited)):
            result.refused = {entry.invitation.email for entry in waiting}
            return result
        pending, waiting = again + waiting, []
        account = read_again(deps, account.account_id)
    raise changed_meanwhile("The account's seats kept changing while inviting; try again.")


def _limit(account: AccountItem) -> int | None:
    return int(account.seat_limit) if account.seat_limit is not None else None
