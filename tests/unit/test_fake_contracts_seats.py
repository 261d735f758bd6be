"""Contract cases (as tests/unit/test_fake_contracts.py) for an account's seats: the limit, the ADD a way
in takes under its prediction (SEATS when the counter is not where it was predicted), the crossings'
events in the same write, and the seats of expired invitations: counted until released, released by
`release_expired_seats`, freed by the purge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.audit import SYSTEM, Event, Target
from chalicelib.services.invitations import new_invitation
from chalicelib.store.audit import AuditFilter, audit_item
from chalicelib.store.seats import SEATS, Released, SeatsRead
from tests.helpers.present import present
from tests.unit.test_fake_contracts import covers

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.domain.audit import EventType
    from chalicelib.store.invitation_items import NewInvitation
    from chalicelib.store.models import AuditEventItem
    from tests.helpers import Clock
    from tests.helpers.fakes import FakeWorld


def _entry(world: FakeWorld, account_id: str, email: str) -> NewInvitation:
    entry, _ = new_invitation(world.deps, account_id, email, "member", ["tickets"], None, {})
    return entry


def _seats(world: FakeWorld, account_id: str) -> tuple[float | None, float, float]:
    account = present(world.deps.store.accounts.get_account(account_id))
    return account.seat_limit, account.seats_held, account.active_count


def _event_of(account_id: str, now: datetime) -> Callable[[EventType, int, int], AuditEventItem]:
    def made(kind: EventType, used: int, limit: int) -> AuditEventItem:
        return audit_item(Event(kind, account_id, SYSTEM, Target("account", account_id), now), 30)

    return made


@covers("accounts.set_seat_limit")
def test_a_limit_is_set_and_taken_away_on_a_counted_account(world: FakeWorld) -> None:
    account_id = world.account("Acme")
    world.member(account_id, "olive@example.com", role="owner")
    store = world.deps.store
    account = present(store.accounts.get_account(account_id))
    assert store.accounts.set_seat_limit(account, 3) and account.seat_limit == 3
    assert _seats(world, account_id) == (3, 1, 1)
    assert store.accounts.set_seat_limit(account, None)
    assert _seats(world, account_id) == (None, 1, 1)
    account.account_id, account.pk = "acc_missing", "ACCOUNT#acc_missing"
    assert store.accounts.set_seat_limit(account, 2).failed == {"gone"}


def test_invitations_take_their_seats_under_the_prediction_and_record_crossings(world: FakeWorld) -> None:
    account_id = world.account("Acme")
    store, now = world.deps.store, world.deps.now()
    account = present(store.accounts.get_account(account_id))
    assert store.accounts.set_seat_limit(account, 2)
    read = SeatsRead(2, 0, _event_of(account_id, now))
    stale = SeatsRead(2, 1, _event_of(account_id, now))  # as if read before a seat went
    first = [_entry(world, account_id, "a@example.com")]
    refused = store.invitations.create_invitations(first, now, None, stale)
    assert refused.seats_changed == ["a@example.com"] and _seats(world, account_id) == (2, 0, 0)
    written = store.invitations.create_invitations(first, now, None, read)
    assert written.seats_changed == [] and _seats(world, account_id) == (2, 1, 0)
    assert _types(world, account_id) == []  # 1 of 2 is 50 %: 80 % is 2
    full = SeatsRead(2, 1, _event_of(account_id, now))
    assert not store.invitations.create_invitations(
        [_entry(world, account_id, "b@example.com")], now, None, full
    ).seats_changed
    assert _seats(world, account_id) == (2, 2, 0)
    assert _types(world, account_id) == ["account.seats_full", "account.seats_warning"]  # newest first


def _types(world: FakeWorld, account_id: str) -> list[str]:
    events = world.deps.store.audit.events(account_id, AuditFilter(), 50, None)[0]
    return [e.type for e in events if e.type.startswith("account.seats")]


def test_a_reactivation_takes_a_seat_only_where_predicted(world: FakeWorld) -> None:
    account_id = world.account("Acme")
    user_id = world.member(account_id, "ann@example.com", status="deactivated")
    store = world.deps.store
    account = present(store.accounts.get_account(account_id))
    assert _seats(world, account_id) == (None, 0, 0)
    assert store.accounts.set_seat_limit(account, 1)
    membership = present(store.members.get_membership(account_id, user_id))
    wrong = SeatsRead(1, 1)  # full as read: the condition says so
    assert store.members.update_member(membership, seats=wrong, status="active").failed == {SEATS}
    assert store.members.update_member(membership, seats=SeatsRead(1, 0), status="active")
    assert _seats(world, account_id) == (1, 1, 1)
    membership = present(store.members.get_membership(account_id, user_id))
    assert store.members.update_member(membership, status="deactivated")
    assert _seats(world, account_id) == (1, 0, 0)


@covers("accounts.expired_seats", "accounts.release_expired_seats")
def test_an_expired_invitation_holds_its_seat_until_released(world: FakeWorld, clock: Clock) -> None:
    account_id = world.account("Acme")
    store = world.deps.store
    assert store.invitations.create_invitations(
        [_entry(world, account_id, "a@example.com")], world.deps.now(), None, SeatsRead(None, 0)
    )
    assert store.accounts.expired_seats(account_id, world.deps.now()) == 0
    clock.advance(days=8)  # past the default 7 days
    later = world.deps.now()
    assert store.accounts.expired_seats(account_id, later) == 1
    assert store.accounts.release_expired_seats(account_id, later).count == 1
    assert store.accounts.expired_seats(account_id, later) == 0
    assert store.accounts.release_expired_seats(account_id, later).count == 0
    assert _seats(world, account_id) == (None, 0, 0)


@covers("accounts.release_expired_seats")
def test_a_release_answers_the_first_expiry_of_a_holder_after_now(world: FakeWorld, clock: Clock) -> None:
    account_id = world.account("Acme")
    store = world.deps.store
    first = _entry(world, account_id, "a@example.com")
    assert store.invitations.create_invitations([first], world.deps.now(), None, SeatsRead(None, 0))
    clock.advance(days=2)
    second = _entry(world, account_id, "b@example.com")
    assert store.invitations.create_invitations([second], world.deps.now(), None, SeatsRead(None, 1))
    clock.advance(days=6)  # past the first's 7 days, not the second's
    later = world.deps.now()
    assert store.accounts.release_expired_seats(account_id, later) == Released(
        1, second.invitation.expires_at
    )
    assert store.accounts.release_expired_seats(account_id, later) == Released(
        0, second.invitation.expires_at
    )
    clock.advance(days=2)
    assert store.accounts.release_expired_seats(account_id, world.deps.now()) == Released(1, None)
    assert _seats(world, account_id) == (None, 0, 0)


def test_the_purge_frees_the_seats_of_what_it_deletes(world: FakeWorld, clock: Clock) -> None:
    account_id = world.account("Acme")
    store = world.deps.store
    emails = ["a@example.com", "b@example.com"]
    entries = [_entry(world, account_id, email) for email in emails]
    assert store.invitations.create_invitations(entries, world.deps.now(), None, SeatsRead(None, 0))
    clock.advance(days=8)
    later = world.deps.now()
    assert store.accounts.release_expired_seats(account_id, later - timedelta(days=10)).count == 0
    assert _seats(world, account_id) == (None, 2, 0)
    pages = list(store.invitations.expired_pages(later))
    assert store.invitations.delete_expired([i for page in pages for i in page], later) == 2
    assert _seats(world, account_id) == (None, 0, 0)


def test_a_removal_frees_a_seat_only_at_the_status_read(world: FakeWorld) -> None:
    account_id = world.account("Acme")
    user_id = world.member(account_id, "ann@example.com")
    store = world.deps.store
    read = present(store.members.get_membership(account_id, user_id))  # active: removing it would free a seat
    assert store.members.update_member(
        present(store.members.get_membership(account_id, user_id)), status="deactivated"
    )
    assert _seats(world, account_id) == (None, 0, 0)
    assert not store.members.remove_member(read, "ann@example.com")  # deactivated meanwhile: not as read
    assert _seats(world, account_id) == (None, 0, 0)
    fresh = present(store.members.get_membership(account_id, user_id))
    assert store.members.remove_member(fresh, "ann@example.com")
    assert (
        _seats(world, account_id) == (None, 0, 0)
        and store.members.get_membership(account_id, user_id) is None
    )
