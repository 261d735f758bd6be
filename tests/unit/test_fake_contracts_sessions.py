"""Contract cases (as tests/unit/test_fake_contracts.py) for sign-in sessions, security events and an
account's second-factor policy: run on the fakes here and on moto in tests/api/test_rules_on_moto.py."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.audit import Target
from chalicelib.domain.caller import OPERATOR
from chalicelib.ids import new_id, new_sortable_id
from chalicelib.services.audit_record import record
from chalicelib.store.audit import AuditFilter
from chalicelib.store.sessions import new_security_event, new_session_item
from tests.helpers.present import present
from tests.unit.test_fake_contracts import covers

if TYPE_CHECKING:
    from chalicelib.store.models import SessionItem
    from tests.helpers.fakes import FakeWorld


def started(world: FakeWorld, user_id: str, minutes_ago: int = 0) -> SessionItem:
    """A session and its "signed_in" event, written as a login writes them (with the login's own write)."""
    now = world.deps.now() - timedelta(minutes=minutes_ago)
    session = new_session_item(
        user_id, new_id("ses"), "password", now, now + timedelta(hours=1), ("203.0.113.9", "Firefox")
    )
    event = new_security_event(user_id, new_sortable_id("sev"), "signed_in", now, session)
    world.deps.store.member_copies.record_login(user_id, now, None, (session, event))
    return session


@covers("member_copies.record_login", "sessions.sessions_of", "users.auth_context")
def test_a_sign_in_writes_its_session_with_the_login_and_the_caller_read_brings_it(world: FakeWorld) -> None:
    store = world.deps.store
    account_id = world.account("Acme")
    dev, other = world.member(account_id, "dev@acme.com"), world.member(account_id, "other@acme.com")
    first, second = started(world, dev, 10), started(world, dev)
    found = {s.session_id: (s.via, s.ip, s.user_agent) for s in store.sessions.sessions_of(dev)}
    assert found == {
        sid: ("password", "203.0.113.9", "Firefox") for sid in (first.session_id, second.session_id)
    }
    assert store.sessions.sessions_of(other) == []
    context = store.users.auth_context(dev, "tok_1", account_id, session_id=first.session_id)
    assert (present(context.session).session_id, present(context.membership).user_id) == (
        first.session_id,
        dev,
    )
    assert store.users.auth_context(dev, "tok_1", session_id="ses_missing").session is None
    # another user's session id names nothing in this user's partition
    assert store.users.auth_context(other, "tok_1", session_id=first.session_id).session is None
    assert present(store.users.get_user(dev)).last_login_at == world.deps.now()


@covers("sessions.end_sessions", "sessions.security_events")
def test_ending_sessions_deletes_them_with_one_event_and_one_missing_fails_gone(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    dev = world.member(world.account("Acme"), "dev@acme.com")
    one, two, three = (started(world, dev, minutes) for minutes in (3, 2, 1))
    event = new_security_event(dev, new_sortable_id("sev"), "session_ended", now, detail="signed_out")
    assert store.sessions.end_sessions(dev, [one.session_id], event)
    assert {s.session_id for s in store.sessions.sessions_of(dev)} == {two.session_id, three.session_id}
    again = new_security_event(dev, new_sortable_id("sev"), "session_ended", now, detail="signed_out")
    assert store.sessions.end_sessions(dev, [one.session_id], again).failed == {"gone"}
    both = new_security_event(dev, new_sortable_id("sev"), "sessions_ended", now, detail="elsewhere")
    assert store.sessions.end_sessions(dev, [two.session_id, three.session_id], both)
    assert store.sessions.sessions_of(dev) == []
    events, last = store.sessions.security_events(dev, now - timedelta(days=90), 10, None)
    assert [e.type for e in events][:2] == ["sessions_ended", "session_ended"] and last is None
    assert sorted(e.type for e in events) == ["session_ended", "sessions_ended", *["signed_in"] * 3]


@covers("sessions.security_events")
def test_security_events_page_newest_first_within_their_window(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    dev = world.member(world.account("Acme"), "dev@acme.com")
    for minutes in (5, 4, 3, 2, 1):
        started(world, dev, minutes)
    page, last = store.sessions.security_events(dev, now - timedelta(days=90), 2, None)
    assert len(page) == 2 and last is not None and page[0].occurred_at > page[1].occurred_at
    rest, after = store.sessions.security_events(dev, now - timedelta(days=90), 2, last)
    final, end = store.sessions.security_events(dev, now - timedelta(days=90), 2, after)
    times = [e.occurred_at for e in (*page, *rest, *final)]
    assert times == sorted(times, reverse=True) and len(times) == 5 and end is None
    recent, _ = store.sessions.security_events(dev, now - timedelta(minutes=2), 10, None)
    assert len(recent) == 2  # from 2 minutes ago on: that one and the last


@covers("sessions.touch")
def test_touch_moves_last_seen_once_and_never_brings_an_ended_session_back(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    dev = world.member(world.account("Acme"), "dev@acme.com")
    session = started(world, dev, 10)
    store.sessions.touch(session, now, now - timedelta(minutes=5))
    assert store.sessions.sessions_of(dev)[0].last_seen_at == now
    store.sessions.touch(session, now + timedelta(minutes=1), now - timedelta(minutes=4))  # seen since
    assert store.sessions.sessions_of(dev)[0].last_seen_at == now
    event = new_security_event(dev, new_sortable_id("sev"), "session_ended", now)
    store.sessions.end_sessions(dev, [session.session_id], event)
    store.sessions.touch(session, now + timedelta(minutes=30), now + timedelta(minutes=25))
    assert store.sessions.sessions_of(dev) == []


@covers("users.change_password")
def test_a_password_change_keeps_its_session_alive_or_fails_gone_when_it_ended(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    dev = world.member(world.account("Acme"), "dev@acme.com")
    session = started(world, dev)
    later = now + timedelta(hours=2)
    assert store.users.change_password(
        present(store.users.get_user(dev)), "hash-2", (session.session_id, later)
    )
    assert store.sessions.sessions_of(dev)[0].ttl == later
    store.sessions.end_sessions(
        dev, [session.session_id], new_security_event(dev, new_sortable_id("sev"), "x", now)
    )
    user = present(store.users.get_user(dev))
    assert store.users.change_password(user, "hash-3", (session.session_id, later)).failed == {"gone"}
    assert present(store.users.login_state("dev@acme.com")[0]).password_hash == "hash-2"


@covers("accounts.set_security")
def test_the_policy_is_written_with_its_event_and_off_is_no_level(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    account_id = world.account("Acme")
    account = present(store.accounts.get_account(account_id))
    target = Target("account", account_id)
    event = record(world.deps, "account.security_updated", OPERATOR, account_id, target)
    assert store.accounts.set_security(account, ("all", 7, now), event)
    stored = present(store.accounts.get_account(account_id))
    assert (stored.mfa_required, stored.mfa_grace_days, stored.mfa_level_changed_at) == ("all", 7, now)
    assert [e.type for e in store.audit.events(account_id, AuditFilter(), 10, None)[0]] == [
        "account.security_updated"
    ]
    assert store.accounts.set_security(stored, ("off", 0, None), event)
    stored = present(store.accounts.get_account(account_id))
    assert stored.mfa_required is None and stored.mfa_level_changed_at is None
    gone = present(store.accounts.get_account(account_id))
    gone.pk = "ACCOUNT#acc_missing"
    assert store.accounts.set_security(gone, ("all", 0, now), event).failed == {"gone"}
