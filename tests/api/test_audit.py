"""The audit log: every change is recorded in its own transaction (a failed change records nothing, a
successful one exactly one event), listed newest first, filtered from keys or an index."""

from __future__ import annotations

import pytest

from tests.helpers import onboard


def events(api, account_id: str, token: str | None = None, query: str = "", **kw) -> list[dict]:
    auth = {"token": token} if token else {"operator": True}
    reply = api.get(f"/accounts/{account_id}/audit-events{query}", **auth, **kw)
    assert reply.status == 200, reply.body
    return reply.body["items"]


def types(found: list[dict]) -> list[str]:
    return [event["type"] for event in found]


@pytest.fixture
def acme(api):
    return onboard(api)


def test_contact_changes_are_recorded_with_actor_target_and_changed_fields(api, acme):
    account_id, owner = acme
    base = f"/accounts/{account_id}/contacts"
    contact = api.post(base, {"email": "bill@x.com", "first_name": "Bill"}, token=owner.token).body
    assert api.post(base, {"email": "bill@x.com"}, token=owner.token).code == "contact_exists"
    api.patch(f"{base}/{contact['contact_id']}", {"phone": "+1 555 0100"}, token=owner.token)
    api.patch(f"{base}/{contact['contact_id']}", {"phone": "+1 555 0100"}, token=owner.token)  # no change
    api.delete(f"{base}/{contact['contact_id']}", token=owner.token)
    found = events(api, account_id, owner.token, "?target_id=" + contact["contact_id"])
    assert types(found) == ["contact.deleted", "contact.updated", "contact.created"]  # newest first
    deleted, updated, created = found
    assert updated["actor"] == {"kind": "user", "user_id": owner.user_id, "email": owner.email}
    assert updated["target"] == {"kind": "contact", "id": contact["contact_id"], "email": "bill@x.com"}
    assert updated["changes"] == {"phone": [None, "+1 555 0100"]}
    assert created["changes"]["email"] == [None, "bill@x.com"] and created["account_id"] == account_id
    assert deleted["changes"] is None and deleted["occurred_at"] == "2026-11-23T09:00:00Z"
