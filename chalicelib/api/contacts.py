"""Contacts (the `contacts` permission) and the recipients of an account's email."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.api.lazy import contacts
from chalicelib.api.lazy import contacts_schemas as schemas
from chalicelib.api.route_guards import member_of
from chalicelib.schemas import common as common_schemas

bp = Blueprint(__name__)

CONTACTS = member_of("contacts")
BASE = "/accounts/{account_id}/contacts"
ONE = BASE + "/{contact_id}"


@endpoint(bp, "GET", BASE, access=CONTACTS, query=common_schemas.ListQuery, returns=schemas.ContactPage)
def list_contacts(call: Call, account_id: str) -> schemas.ContactPage:
    """The account's contacts, by email."""
    return contacts.list_contacts(call.deps, account_id, call.query)


@endpoint(
    bp,
    "POST",
    BASE,
    access=CONTACTS,
    body=schemas.ContactIn,
    returns=schemas.Contact,
    status=201,
    errors=("contact_exists",),
)
def create_contact(call: Call, account_id: str) -> schemas.Contact:
    """Add a contact; one per email per account."""
    return contacts.create_contact(call.deps, call.caller, account_id, call.body)


@endpoint(bp, "GET", ONE, access=CONTACTS, returns=schemas.Contact, errors=("not_found",))
def get_contact(call: Call, account_id: str, contact_id: str) -> schemas.Contact:
    """One contact."""
    return contacts.get_contact(call.deps, account_id, contact_id)


@endpoint(
    bp,
    "PATCH",
    ONE,
    access=CONTACTS,
    body=schemas.ContactUpdateIn,
    returns=schemas.Contact,
    errors=("not_found", "contact_exists"),
)
def update_contact(call: Call, account_id: str, contact_id: str) -> schemas.Contact:
    """Change a contact's details or email preferences."""
    return contacts.update_contact(call.deps, call.caller, account_id, contact_id, call.body)


@endpoint(bp, "DELETE", ONE, access=CONTACTS, status=204, errors=("not_found",))
def delete_contact(call: Call, account_id: str, contact_id: str) -> None:
    """Delete a contact."""
    contacts.delete_contact(call.deps, call.caller, account_id, contact_id)


@endpoint(
    bp,
    "GET",
    "/accounts/{account_id}/notification-recipients",
    access=CONTACTS,
    query=schemas.RecipientsQuery,
    returns=schemas.RecipientsOut,
)
def notification_recipients(call: Call, account_id: str) -> schemas.RecipientsOut:
    """Whom to email for a category (and, for support, a ticket's opener): to the owner, cc the rest, a page
    at a time (`limit`, `cursor`)."""
    return contacts.notification_recipients(call.deps, call.caller, call.account, call.query)
