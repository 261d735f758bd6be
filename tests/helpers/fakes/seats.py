"""The account's seat counters in memory (store/seats.py): a way in's ADD under the bound its prediction
holds in (domain/seats.py `bound`), with the crossings' events; a way out's ADD down; the release of expired
invitations' seats."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.seats import bound, crossings
from chalicelib.store import keys
from chalicelib.store.models import AccountItem, InvitationItem
from chalicelib.store.seats import SeatsRead
from tests.helpers.fakes.table import Table


def _held(account: AccountItem) -> int:
    return int(account.seats_held or 0)


def seats_hold(t: Table, account_id: str, read: SeatsRead | None, taken: int) -> bool:
    """Whether store/seats.py `seats_condition` holds on the account as stored."""
    account = t.get(keys.account(account_id), AccountItem)
    if account is None:
        return False
    if read is None:
        return True
    found = bound(read.limit, read.held, taken, read.exempt)
    limit = int(account.seat_limit) if account.seat_limit is not None else None
    held = _held(account)
    return (
        limit == found.limit
        and (found.exact is None or held == found.exact)
        and (found.low is None or held >= found.low)
        and (found.high is None or held <= found.high)
    )


def take(t: Table, account_id: str, read: SeatsRead | None, taken: int, active: int = 0) -> None:
    """The ADD of a way in whose condition `seats_hold` answered; its crossings' events recorded."""
    account = t.get(keys.account(account_id), AccountItem)
    assert account is not None
    account.seats_held = _held(account) + taken
    if active:
        account.active_count = int(account.active_count or 0) + active
    if read is not None and read.event_of is not None and read.limit is not None:
        for kind in crossings(read.limit, read.held, read.held + taken):
            t.record(read.event_of(kind, read.held + taken, read.limit))


def free(t: Table, account_id: str, freed: int, active: int = 0) -> None:
    account = t.get(keys.account(account_id), AccountItem)
    if account is not None:
        account.seats_held = _held(account) - freed
        if active:
            account.active_count = int(account.active_count or 0) - active


def holding(t: Table, account_id: str) -> list[InvitationItem]:
    pk = keys.invitations_of(account_id)[0]
    return [i for i in t.of(InvitationItem, pk) if i.holds_seat]


def expired_holding(t: Table, account_id: str, now: datetime) -> list[InvitationItem]:
    return [i for i in holding(t, account_id) if i.expires_at <= now]


def release(t: Table, account_id: str, now: datetime) -> int:
    holding = expired_holding(t, account_id, now)
    for invitation in holding:
        invitation.holds_seat = None
    free(t, account_id, len(holding))
    return len(holding)
