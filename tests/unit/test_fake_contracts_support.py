"""Contract cases (as tests/unit/test_fake_contracts.py) for support sessions: started only while the member
is active, read back, ended once."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.audit import Target
from chalicelib.domain.caller import OPERATOR
from chalicelib.services.audit_record import record
from chalicelib.store.support_sessions import new_support_session_item
from tests.helpers.present import present
from tests.unit.test_fake_contracts import covers

if TYPE_CHECKING:
    from chalicelib.domain.audit import EventType
    from chalicelib.store.models import AuditEventItem, SupportSessionItem
    from chalicelib.store.outcomes import Outcome
    from tests.helpers.fakes import FakeWorld


@covers("support_sessions.target", "support_sessions.start", "support_sessions.get", "support_sessions.end")
def test_a_support_session_starts_while_the_member_is_active_and_ends_once(world: FakeWorld) -> None:
    deps, now = world.deps, world.deps.now()
    store = deps.store
    account_id = world.account("Acme")
    owner = world.member(account_id, "owner@acme.com", "owner")
    dev = world.member(account_id, "dev@acme.com")
    asleep = world.member(account_id, "asleep@acme.com", status="deactivated")
    membership, user, owners = store.support_sessions.target(account_id, dev, owner)
    assert (present(membership).user_id, present(user).email, present(owners).email) == (
        dev,
        "dev@acme.com",
        "owner@acme.com",
    )
    assert store.support_sessions.target(account_id, "usr_missing", None) == (None, None, None)

    def event(kind: EventType, session_id: str) -> AuditEventItem:
        return record(deps, kind, OPERATOR, account_id, Target("support_session", session_id))

    def started(session_id: str, user_id: str) -> tuple[SupportSessionItem, Outcome]:
        later = now + timedelta(hours=1)
        session = new_support_session_item(session_id, account_id, user_id, "a reason", now, later)
        return session, store.support_sessions.start(session, event("support_session.started", session_id))

    session, outcome = started("sup_1", dev)
    assert outcome
    again = store.support_sessions.start(session, event("support_session.started", "sup_1"))
    assert again.failed == {"conflict"}
    assert started("sup_2", asleep)[1].failed == {"inactive"}
    assert started("sup_3", "usr_missing")[1].failed == {"inactive"}
    assert present(store.support_sessions.get(account_id, "sup_1")).user_id == dev
    assert store.support_sessions.get(account_id, "sup_2") is None
    ended = event("support_session.ended", "sup_1")
    assert store.support_sessions.end(session, now, ended)
    assert present(store.support_sessions.get(account_id, "sup_1")).ended_at == now
    assert store.support_sessions.end(session, now, ended).failed == {"ended"}
