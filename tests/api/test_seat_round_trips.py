"""Issue 33: an invitation that crosses a seat threshold costs the round trips of one that does not (3), as
the account keeps a lower bound on its seat-holding invitations' expiry (store/seats.py `expiry_actions`);
only where an invitation holding a seat may have expired does it Query (the rare case, counted here)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib.store.seats import SEATS, SeatsRead, take_seats
from chalicelib.store.tx import Tx
from tests.api.test_seats import seat_events, seats, set_limit
from tests.helpers import PASSWORD, DynamoCalls, accept_new, invite, onboard

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock

# the route's own reads here: authorization's account (with the caller's session read before, in tests)
ONE_WRITE = ["BatchGetItem", "TransactWriteItems"]


def invite_one(api: Api, account_id: str, token: str, email: str) -> list[str]:
    with DynamoCalls() as calls:
        invite(api, account_id, token, [email])
    return calls.operations


def test_the_warning_and_the_full_crossing_cost_what_an_invitation_without_one_costs(api: Api) -> None:
    account_id, owner = onboard(api)
    set_limit(api, account_id, 5)  # the warning at 4
    plain = invite_one(api, account_id, owner.token, "a@example.com")  # 2 of 5: no crossing
    assert plain == ONE_WRITE
    assert invite_one(api, account_id, owner.token, "b@example.com") == plain  # 3 of 5
    assert invite_one(api, account_id, owner.token, "c@example.com") == plain  # 4 of 5: warning
    assert invite_one(api, account_id, owner.token, "d@example.com") == plain  # 5 of 5: full
    assert seat_events(api, account_id) == [
        "account.seats_changed",
        "account.seats_warning",
        "account.seats_full",
    ]
    assert seats(api, account_id) == {"limit": 5, "used": 5, "members": 1, "pending": 4}
    late = invite(api, account_id, owner.token, ["e@example.com"])["results"][0]
    assert (late["status"], late["reason"]) == ("skipped", "seat_limit_reached")  # full: skipped as before


def test_an_expired_holder_at_the_crossing_is_released_first_and_not_counted(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    set_limit(api, account_id, 5)
    invite(api, account_id, owner.token, ["a@example.com", "b@example.com", "c@example.com"])  # 4: warning
    clock.advance(days=8)  # the three lapse; the counter still holds them until released
    token = api.post("/auth/login", {"email": owner.email, "password": PASSWORD}).body["access_token"]
    operations = invite_one(api, account_id, token, "d@example.com")  # 5 by the counter: 2 in use
    # the rare case: the Query, the release's transaction, then the invitation's (4 here, 5 in the bench)
    assert operations == ["BatchGetItem", "Query", "TransactWriteItems", "TransactWriteItems"]
    assert seat_events(api, account_id).count("account.seats_full") == 0  # the expired ones never counted
    assert seats(api, account_id) == {"limit": 5, "used": 2, "members": 1, "pending": 1}
    # the Query raised the bound to d's expiry: the next crossing is back at 3
    invite(api, account_id, token, ["e@example.com"])  # 3
    assert invite_one(api, account_id, token, "f@example.com") == ONE_WRITE  # 4 of 5: warning
    assert seat_events(api, account_id).count("account.seats_warning") == 2


def test_a_bound_left_behind_by_an_accept_is_raised_by_the_one_query(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    set_limit(api, account_id, 5)
    invite(api, account_id, owner.token, ["first@example.com"])  # its expiry: the bound
    clock.advance(days=2)
    token = api.post("/auth/login", {"email": owner.email, "password": PASSWORD}).body["access_token"]
    invite(api, account_id, token, ["b@example.com"])
    accept_new(api, "first@example.com")  # no longer holding: the bound is left at its expiry
    clock.advance(days=6)  # past the first's expiry, not b's
    token = api.post("/auth/login", {"email": owner.email, "password": PASSWORD}).body["access_token"]
    # 4 of 5: nothing expired, but the bound passed: one Query, the bound raised in the same transaction
    assert invite_one(api, account_id, token, "c@example.com") == [
        "BatchGetItem",
        "Query",
        "TransactWriteItems",
    ]
    assert invite_one(api, account_id, token, "d@example.com") == ONE_WRITE  # 5 of 5: back at 3
    assert seat_events(api, account_id)[-2:] == ["account.seats_warning", "account.seats_full"]


def _bound(deps: Deps, account_id: str) -> tuple[datetime | None, int]:
    account = deps.store.accounts.get_account(account_id)
    assert account is not None
    return account.seats_expire_from, int(account.holds_added or 0)


def _take(deps: Deps, read: SeatsRead, account_id: str, expires: datetime | None) -> set[object]:
    tx = Tx()
    take_seats(tx, account_id, read, 1, expires=expires)
    return set(tx.commit().failed)


def test_a_raise_fails_once_an_invitation_was_taken_since_its_query(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["a@example.com"])  # none held before: a's expiry is the bound
    before = deps.store.accounts.get_account(account_id)
    assert before is not None and before.seats_expire_from is not None
    first, added = before.seats_expire_from, int(before.holds_added or 0)
    invite(api, account_id, owner.token, ["b@example.com"])  # after the Query this raise stands for
    later = first + timedelta(days=30)
    stale = SeatsRead.of(before, raise_to=later)
    assert _take(deps, stale, account_id, None) == {SEATS}  # b may expire before `later`
    assert _bound(deps, account_id) == (first, added + 1)
    fresh = deps.store.accounts.get_account(account_id)
    assert fresh is not None
    assert _take(deps, SeatsRead.of(fresh, raise_to=later), account_id, None) == set()
    assert _bound(deps, account_id) == (later, added + 1)  # raised; a reactivation adds no holder


def test_an_invitation_under_a_bound_raised_past_its_expiry_fails_and_a_shorter_one_forgets_it(
    api: Api, deps: Deps
) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["a@example.com"])
    read = deps.store.accounts.get_account(account_id)
    assert read is not None and read.seats_expire_from is not None
    first = read.seats_expire_from
    assert _take(deps, SeatsRead.of(read, raise_to=first + timedelta(days=30)), account_id, None) == set()
    # read before that raise: its expiry is after the bound it read, not after the one now
    assert _take(deps, SeatsRead.of(read), account_id, first + timedelta(days=1)) == {SEATS}
    again = deps.store.accounts.get_account(account_id)
    assert again is not None
    assert _take(deps, SeatsRead.of(again), account_id, first + timedelta(days=1)) == set()
    assert _bound(deps, account_id)[0] is None  # before the bound: not known any more
