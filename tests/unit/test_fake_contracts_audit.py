"""Contract cases (as tests/unit/test_fake_contracts.py) for the audit log's reads: the events each change
writes with it, newest first, by type, actor, target and time, a page at a time."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.domain.caller import OPERATOR
from chalicelib.schemas.contacts import ContactIn
from chalicelib.services import contacts
from chalicelib.store.audit import AuditFilter
from tests.unit.test_fake_contracts import covers


@covers("audit.events")
def test_events_are_read_newest_first_by_filter_and_page(world, clock):
    account_id = world.account("Acme")
    deps = world.deps
    made = []
    for n in range(3):
        made.append(contacts.create_contact(deps, OPERATOR, account_id, ContactIn(email=f"c{n}@x.com")))
        clock.advance(seconds=10)
    contacts.delete_contact(deps, OPERATOR, account_id, made[0].contact_id)
    audit = deps.store.audit
    everything, more = audit.events(account_id, AuditFilter(), 10, None)
    assert ([e.type for e in everything], more) == (["contact.deleted"] + ["contact.created"] * 3, False)
    assert [e.target_id for e in everything[1:]] == [c.contact_id for c in reversed(made)]
    first, more = audit.events(account_id, AuditFilter(type="contact.created"), 2, None)
    assert ([e.target_id for e in first], more) == ([made[2].contact_id, made[1].contact_id], True)
    rest, more = audit.events(account_id, AuditFilter(type="contact.created"), 2, first[-1].sk)
    assert ([e.target_id for e in rest], more) == ([made[0].contact_id], False)
    on_one, _ = audit.events(account_id, AuditFilter(target_id=made[0].contact_id), 10, None)
    assert [e.type for e in on_one] == ["contact.deleted", "contact.created"]
    start = everything[-1].occurred_at
    window = AuditFilter(since=start + timedelta(seconds=10), until=start + timedelta(seconds=20))
    assert [e.target_id for e in audit.events(account_id, window, 10, None)[0]] == [made[1].contact_id]
    assert audit.events(world.account("Other"), AuditFilter(), 10, None) == ([], False)
