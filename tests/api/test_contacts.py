"""Contacts CRUD and notification recipients through the API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import DynamoCalls, accept_new, join, onboard

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Joined, Reply


def contacts_path(account_id: str, suffix: str = "") -> str:
    return f"/accounts/{account_id}/contacts{suffix}"


@pytest.fixture
def account(api: Api) -> tuple[str, Joined]:
    return onboard(api)


def add(api: Api, account_id: str, token: str, email: str, **prefs: bool) -> Any:
    reply = api.post(contacts_path(account_id), {"email": email, "email_preferences": prefs}, token=token)
    assert reply.status == 201, reply.body
    return reply.body


def test_contact_crud(api: Api, account: tuple[str, Joined]) -> None:
    account_id, owner = account
    created = api.post(
        contacts_path(account_id),
        {
            "email": " Billing@Example.com",
            "first_name": "Bill",
            "company_name": "Acme",
            "email_preferences": {"invoice": True},
        },
        token=owner.token,
    )
    assert created.status == 201
    contact = created.body
    assert contact["email"] == "billing@example.com" and contact["first_name"] == "Bill"
    preferences = contact["email_preferences"]
    assert preferences == dict.fromkeys(["general", "product", "domain", "support", "affiliate"], False) | {
        "invoice": True
    }
    one = contacts_path(account_id, f"/{contact['contact_id']}")
    assert api.get(one, token=owner.token).body == contact
    changed = api.patch(
        one, {"phone": "+44 20 7946 0000", "email_preferences": {"support": True}}, token=owner.token
    )
    assert changed.status == 200
    assert changed.body["phone"] == "+44 20 7946 0000"
    assert changed.body["email_preferences"]["invoice"] and changed.body["email_preferences"]["support"]
    cleared = api.patch(one, {"first_name": None}, token=owner.token)
    assert cleared.body["first_name"] is None and cleared.body["phone"] == "+44 20 7946 0000"
    listed = api.get(contacts_path(account_id), token=owner.token).body
    assert [c["contact_id"] for c in listed["items"]] == [contact["contact_id"]] and listed[
        "next_cursor"
    ] is None
    assert api.delete(one, token=owner.token).status == 204
    assert api.get(one, token=owner.token).code == "not_found"
    assert api.delete(one, token=owner.token).code == "not_found"


def test_one_contact_per_email_per_account(api: Api, account: tuple[str, Joined]) -> None:
    account_id, owner = account
    first = add(api, account_id, owner.token, "c@example.com")
    again = api.post(contacts_path(account_id), {"email": "C@example.com"}, token=owner.token)
    assert again.status == 409 and again.code == "contact_exists"
    second = add(api, account_id, owner.token, "d@example.com")
    moved = api.patch(
        contacts_path(account_id, f"/{second['contact_id']}"), {"email": "c@example.com"}, token=owner.token
    )
    assert moved.code == "contact_exists"
    renamed = api.patch(
        contacts_path(account_id, f"/{first['contact_id']}"), {"email": "e@example.com"}, token=owner.token
    )
    assert renamed.status == 200
    assert add(api, account_id, owner.token, "c@example.com")  # the old email is free again
    other_id, other = onboard(api, "Other", "boss@other.com")
    assert add(api, other_id, other.token, "c@example.com")  # per account, not global


def test_contact_validation(api: Api, account: tuple[str, Joined]) -> None:
    account_id, owner = account
    for body in [
        {"email": "nope"},
        {"email": "a@example.com", "email_preferences": {"spam": True}},
        {"email": "a@example.com", "email_preferences": {"general": "yes"}},
        {"email": "a@example.com", "role": "admin"},
        {"email": "a@example.com", "first_name": "A\nB"},
    ]:
        assert api.post(contacts_path(account_id), body, token=owner.token).code == "validation_error", body


def test_contacts_page_by_email(api: Api, account: tuple[str, Joined]) -> None:
    account_id, owner = account
    for i in [3, 1, 4, 0, 2]:
        add(api, account_id, owner.token, f"c{i}@example.com")
    first = api.get(contacts_path(account_id, "?limit=2"), token=owner.token).body
    rest = api.get(
        contacts_path(account_id, f"?limit=5&cursor={first['next_cursor']}"), token=owner.token
    ).body
    assert [c["email"] for c in first["items"] + rest["items"]] == [f"c{i}@example.com" for i in range(5)]


def test_contacts_of_another_account_are_invisible(api: Api, account: tuple[str, Joined]) -> None:
    account_id, owner = account
    contact = add(api, account_id, owner.token, "c@example.com")
    other_id, other = onboard(api, "Other", "boss@other.com")
    one = f"/{contact['contact_id']}"
    assert api.get(contacts_path(account_id), token=other.token).code == "not_found"
    assert api.get(contacts_path(other_id, one), token=other.token).code == "not_found"
    assert api.patch(contacts_path(other_id, one), {"phone": "1"}, token=other.token).code == "not_found"
    assert api.delete(contacts_path(other_id, one), token=other.token).code == "not_found"
    assert api.get(contacts_path(account_id, one), token=owner.token).status == 200


def recipients(api: Api, account_id: str, token: str | None = None, **query: str) -> Reply:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return api.get(
        f"/accounts/{account_id}/notification-recipients?{params}", token=token, operator=token is None
    )


def test_recipients_follow_preferences_and_tickets(api: Api, account: tuple[str, Joined]) -> None:
    account_id, owner = account
    dev = join(api, account_id, owner.token, "dev@acme.com", permissions=["tickets"])
    gone = join(api, account_id, owner.token, "gone@acme.com")
    add(api, account_id, owner.token, "billing@example.com", invoice=True)
    add(api, account_id, owner.token, "help@example.com", support=True)
    add(api, account_id, owner.token, "dev@acme.com", support=True)  # a member who is also a contact
    add(api, account_id, owner.token, "gone@acme.com", support=True, invoice=True)
    api.post(f"/accounts/{account_id}/members/{gone.user_id}/deactivate", token=owner.token)

    assert recipients(api, account_id, category="invoice").body == {
        "to": ["owner@acme.com"],
        "cc": ["billing@example.com"],
        "next_cursor": None,
    }
    assert recipients(api, account_id, category="support").body["cc"] == ["dev@acme.com", "help@example.com"]
    by_owner = recipients(api, account_id, category="support", ticket_opened_by="owner@acme.com").body
    assert by_owner["cc"] == ["dev@acme.com", "help@example.com"]
    by_dev = recipients(api, account_id, owner.token, category="support", ticket_opened_by="DEV@acme.com")
    assert by_dev.status == 200
    assert by_dev.body == {"to": ["owner@acme.com"], "cc": ["dev@acme.com"], "next_cursor": None}
    by_gone = recipients(api, account_id, category="support", ticket_opened_by="gone@acme.com").body
    assert by_gone["cc"] == []
    assert recipients(api, account_id, category="general").body["cc"] == []
    assert dev.user_id


def test_recipients_validation(api: Api, account: tuple[str, Joined]) -> None:
    account_id, owner = account
    assert recipients(api, account_id, category="spam").code == "validation_error"
    assert (
        api.get(f"/accounts/{account_id}/notification-recipients", operator=True).code == "validation_error"
    )
    assert (
        recipients(api, account_id, category="support", ticket_opened_by="not-an-email").code
        == "validation_error"
    )
    assert recipients(api, "acc_000000000000000000000000", category="general").code == "not_found"


def test_recipients_read_what_they_return_whatever_the_account_holds(
    api: Api, deps: Deps, account: tuple[str, Joined]
) -> None:
    account_id, owner = account
    for i in range(60):
        add(api, account_id, owner.token, f"c{i:02d}@example.com", general=True)
    for i in range(40):
        add(api, account_id, owner.token, f"other{i:02d}@example.com", invoice=True)
    with DynamoCalls() as calls:
        reply = recipients(api, account_id, owner.token, category="general")
    assert reply.body["cc"] == [f"c{i:02d}@example.com" for i in range(50)]  # the default limit
    # authorization (with the account), the category's rows, then their email claims with the owner
    assert calls.operations == ["BatchGetItem", "Query", "BatchGetItem"]
    assert calls.items <= 2 * 50 + 5
    cursor = reply.body["next_cursor"]
    with DynamoCalls() as calls:
        rest = recipients(api, account_id, owner.token, category="general", cursor=cursor)
    assert rest.body == {
        "to": ["owner@acme.com"],
        "cc": [f"c{i:02d}@example.com" for i in range(50, 60)],
        "next_cursor": None,
    }
    assert calls.operations == ["BatchGetItem", "Query", "BatchGetItem"]
    assert calls.items <= 2 * 10 + 5


def test_the_owners_ticket_reaches_every_active_member_holding_tickets(api: Api) -> None:
    account_id, owner = onboard(api)
    join(api, account_id, owner.token, "admin@acme.com", role="admin")
    join(api, account_id, owner.token, "dev@acme.com", permissions=["tickets"])
    join(api, account_id, owner.token, "books@acme.com", permissions=["invoices"])
    off = join(api, account_id, owner.token, "off@acme.com", permissions=["tickets"])
    api.post(f"/accounts/{account_id}/members/{off.user_id}/deactivate", token=owner.token)
    group = api.post(
        f"/accounts/{account_id}/groups", {"name": "Web", "permissions": ["tickets"]}, token=owner.token
    )
    into_group = {"emails": ["web@acme.com"], "group_id": group.body["group_id"]}
    api.post(f"/accounts/{account_id}/invitations", into_group, token=owner.token)
    accept_new(api, "web@acme.com")
    found = api.get(
        f"/accounts/{account_id}/notification-recipients?category=support&ticket_opened_by=owner@acme.com",
        token=owner.token,
    ).body
    assert found == {
        "to": ["owner@acme.com"],
        "cc": ["admin@acme.com", "dev@acme.com", "web@acme.com"],
        "next_cursor": None,
    }
