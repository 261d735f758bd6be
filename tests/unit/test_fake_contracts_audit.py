"""Contract cases (as tests/unit/test_fake_contracts.py) for the audit log's reads: the events each change
writes with it, newest first, by type, actor, target and time, a page at a time."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.caller import OPERATOR
from chalicelib.schemas.contacts import ContactIn, ContactUpdateIn
from chalicelib.services import contacts
from chalicelib.store.audit import AuditFilter
from tests.unit.test_fake_contracts import covers

if TYPE_CHECKING:
    from tests.helpers import Clock
    from tests.helpers.fakes import FakeWorld


@covers("audit.events")
def test_events_are_read_newest_first_by_filter_and_page(world: FakeWorld, clock: Clock) -> None:
    account_id = world.account("Acme")
    deps = world.deps
    made = []
    for n in range(3):
        made.append(contacts.create_contact(deps, OPERATOR, account_id, ContactIn(email=f"c{n}@x.com")))
        clock.advance(seconds=10)
    contacts.delete_contact(deps, OPERATOR, account_id, made[0].contact_id)
    audit = deps.store.audit
    everything, last = audit.events(account_id, AuditFilter(), 10, None)
    assert ([e.type for e in everything], last) == (["contact.deleted"] + ["contact.created"] * 3, None)
    assert [e.target_id for e in everything[1:]] == [c.contact_id for c in reversed(made)]
    first, last = audit.events(account_id, AuditFilter(type="contact.created"), 2, None)
    assert ([e.target_id for e in first], last) == ([made[2].contact_id, made[1].contact_id], first[-1].sk)
    rest, last = audit.events(account_id, AuditFilter(type="contact.created"), 2, first[-1].sk)
    assert ([e.target_id for e in rest], last) == ([made[0].contact_id], None)
    on_one, _ = audit.events(account_id, AuditFilter(target_id=made[0].contact_id), 10, None)
    assert [e.type for e in on_one] == ["contact.deleted", "contact.created"]
    start = everything[-1].occurred_at
    window = AuditFilter(since=start + timedelta(seconds=10), until=start + timedelta(seconds=20))
    assert [e.target_id for e in audit.events(account_id, window, 10, None)[0]] == [made[1].contact_id]
    assert audit.events(world.account("Other"), AuditFilter(), 10, None) == ([], None)


@covers("audit.events")
def test_a_second_filter_examines_four_times_limit_and_says_where_it_stopped(
    world: FakeWorld, clock: Clock
) -> None:
    account_id = world.account("Acme")
    deps = world.deps
    made = contacts.create_contact(deps, OPERATOR, account_id, ContactIn(email="c@x.com"))
    for n in range(4):
        clock.advance(seconds=10)
        contacts.update_contact(
            deps, OPERATOR, account_id, made.contact_id, ContactUpdateIn(phone=f"+1 555 010{n}")
        )
    both = AuditFilter(type="contact.created", target_id=made.contact_id)
    audit = deps.store.audit
    # the target's 5 events, newest first: 4 x 1 examined (the updates), no match, and where it stopped
    found, last = audit.events(account_id, both, 1, None)
    updates, _ = audit.events(account_id, AuditFilter(target_id=made.contact_id), 4, None)
    assert (found, last) == ([], updates[-1].sk)
    found, last = audit.events(account_id, both, 1, last)
    assert ([e.type for e in found], last) == (["contact.created"], None)
    found, last = audit.events(account_id, both, 2, None)  # 8 examined: all 5, the match, the end
    assert ([e.type for e in found], last) == (["contact.created"], None)
