"""Contacts (the `contacts` permission) and the recipients of an account's email."""

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.access import member_of
from chalicelib.api.http import Call, endpoint
from chalicelib.lazy import LazyModule
from chalicelib.schemas.common import ListQuery
from chalicelib.schemas.contacts import (
    Contact,
    ContactIn,
    ContactPage,
    ContactUpdateIn,
    RecipientsOut,
    RecipientsQuery,
)

bp = Blueprint(__name__)
# Each use case loads with the first request that runs it (see chalicelib/lazy.py); the real imports
# are for readers and the type checker.
if TYPE_CHECKING:
    from chalicelib.services import contacts
else:
    contacts = LazyModule("chalicelib.services.contacts")
CONTACTS = member_of("contacts")
BASE = "/accounts/{account_id}/contacts"
ONE = BASE + "/{contact_id}"


@endpoint(bp, "GET", BASE, access=CONTACTS, query=ListQuery, returns=ContactPage)
def list_contacts(call: Call, account_id: str) -> ContactPage:
    """The account's contacts, by email."""
    return contacts.list_contacts(call.deps, account_id, call.query)


@endpoint(bp, "POST", BASE, access=CONTACTS, body=ContactIn, returns=Contact, status=201, errors=(409,))
def create_contact(call: Call, account_id: str) -> Contact:
    """Add a contact; one per email per account."""
    return contacts.create_contact(call.deps, call.caller, account_id, call.body)


@endpoint(bp, "GET", ONE, access=CONTACTS, returns=Contact, errors=(404,))
def get_contact(call: Call, account_id: str, contact_id: str) -> Contact:
    """One contact."""
    return contacts.get_contact(call.deps, account_id, contact_id)


@endpoint(bp, "PATCH", ONE, access=CONTACTS, body=ContactUpdateIn, returns=Contact, errors=(404, 409))
def update_contact(call: Call, account_id: str, contact_id: str) -> Contact:
    """Change a contact's details or email preferences."""
    return contacts.update_contact(call.deps, call.caller, account_id, contact_id, call.body)


@endpoint(bp, "DELETE", ONE, access=CONTACTS, status=204, errors=(404,))
def delete_contact(call: Call, account_id: str, contact_id: str) -> None:
    """Delete a contact."""
    contacts.delete_contact(call.deps, call.caller, account_id, contact_id)


@endpoint(
    bp, "GET", "/accounts/{account_id}/notification-recipients", access=CONTACTS, query=RecipientsQuery,
    returns=RecipientsOut,
)  # fmt: skip
def notification_recipients(call: Call, account_id: str) -> RecipientsOut:
    """Whom to email for a category (and, for support, a ticket's opener): to the owner, cc the rest."""
    return contacts.notification_recipients(call.deps, account_id, call.query)
