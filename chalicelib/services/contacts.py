"""Contacts and the recipients of an account's email."""

from __future__ import annotations

from chalicelib.deps import Deps
from chalicelib.domain.audit import Target, changed
from chalicelib.domain.caller import Caller
from chalicelib.domain.paging import decode_cursor, encode_cursor
from chalicelib.domain.recipients import CATEGORIES, recipients_page
from chalicelib.errors import AppError, not_found
from chalicelib.ids import new_id
from chalicelib.schemas.common import ListQuery
from chalicelib.schemas.contacts import (
    Contact,
    ContactIn,
    ContactPage,
    ContactUpdateIn,
    EmailPreferencesIn,
    RecipientsOut,
    RecipientsQuery,
)
from chalicelib.services.audit_record import record
from chalicelib.services.groups import managed_group
from chalicelib.store import keys
from chalicelib.store.contacts import new_contact_item
from chalicelib.store.models import AccountItem, ContactItem

DETAIL_FIELDS = ("first_name", "last_name", "company_name", "phone")
RECORDED_FIELDS = ("email", *DETAIL_FIELDS, "email_preferences")


def _recorded(contact: ContactItem) -> dict[str, object]:
    return {name: getattr(contact, name) for name in RECORDED_FIELDS}


def _target(contact: ContactItem) -> Target:
    return Target("contact", contact.contact_id, contact.email)


def contact_exists() -> AppError:
    return AppError("contact_exists", "This email is already a contact of the account.")


def _apply_preferences(current: list[str], changes: EmailPreferencesIn) -> list[str]:
    chosen = set(current)
    for category, value in changes.model_dump(exclude_none=True).items():
        (chosen.add if value else chosen.discard)(category)
    return [category for category in CATEGORIES if category in chosen]


def list_contacts(deps: Deps, account_id: str, query: ListQuery) -> ContactPage:
    """By email, O(page): the account's email items in order, then the page's contacts by key."""
    scope, secret = f"contacts:{account_id}", deps.settings.token_secret
    after = decode_cursor(query.cursor, scope, secret)[0] if query.cursor else None
    items, last = deps.store.contacts.contacts_page(account_id, limit=query.limit, after=after)
    cursor = encode_cursor(scope, (last,), secret) if last is not None else None
    return ContactPage(items=[Contact.of(c) for c in items], next_cursor=cursor)


def create_contact(deps: Deps, caller: Caller, account_id: str, body: ContactIn) -> Contact:
    contact = new_contact_item(
        new_id("con"),
        account_id,
        body.email,
        _apply_preferences([], body.email_preferences),
        {name: getattr(body, name) for name in DETAIL_FIELDS},
        deps.now(),
    )
    event = record(
        deps, "contact.created", caller, account_id, _target(contact), changed({}, _recorded(contact))
    )
    if not deps.store.contacts.create_contact(contact, event):
        raise contact_exists()
    return Contact.of(contact)


def _find(deps: Deps, account_id: str, contact_id: str) -> ContactItem:
    contact = (
        deps.store.contacts.get_contact(account_id, contact_id) if keys.is_valid_id(contact_id) else None
    )
    if contact is None:
        raise not_found("contact")
    return contact


def get_contact(deps: Deps, account_id: str, contact_id: str) -> Contact:
    return Contact.of(_find(deps, account_id, contact_id))


def update_contact(
    deps: Deps, caller: Caller, account_id: str, contact_id: str, body: ContactUpdateIn
) -> Contact:
    """Fields given replace the stored ones (null clears a detail); preferences change one by one."""
    contact = _find(deps, account_id, contact_id)
    previous_email, before = contact.email, _recorded(contact)
    previous_categories = list(contact.email_preferences)
    given = body.model_fields_set
    if body.email is not None:
        contact.email = body.email
    for name in DETAIL_FIELDS:
        if name in given:
            setattr(contact, name, getattr(body, name))
    if body.email_preferences is not None:
        contact.email_preferences = _apply_preferences(contact.email_preferences, body.email_preferences)
    changes = changed(before, _recorded(contact))
    event = (
        record(deps, "contact.updated", caller, account_id, _target(contact), changes) if changes else None
    )
    outcome = deps.store.contacts.save_contact(
        contact,
        previous_email,
        event,
        previous_categories=previous_categories,
    )
    if "contact_exists" in outcome.failed:
        raise contact_exists()
    if not outcome:
        raise not_found("contact")
    return Contact.of(contact)


def delete_contact(deps: Deps, caller: Caller, account_id: str, contact_id: str) -> None:
    contact = _find(deps, account_id, contact_id)
    event = record(deps, "contact.deleted", caller, account_id, _target(contact))
    if not deps.store.contacts.delete_contact(contact, event):
        raise not_found("contact")


def sees_members(caller: Caller) -> bool:
    """Whether the caller may list every member (the operator, user_management not limited to a group)."""
    return caller.manages_users() and managed_group(caller) is None


def notification_recipients(
    deps: Deps, caller: Caller, account: AccountItem, query: RecipientsQuery
) -> RecipientsOut:
    """One page of `cc` by email, O(page): each stream of people it can hold is read from after the
    cursor's email (store.contacts.people_for states the reads); the answer does not tell a caller who
    cannot list members who is one (domain/recipients.py). The cursor is bound to the account, the category
    and the opener."""
    visible = sees_members(caller)
    opener = query.ticket_opened_by
    scope, secret = (
        f"recipients:{account.account_id}:{query.category}:{opener or ''}",
        deps.settings.token_secret,
    )
    after = decode_cursor(query.cursor, scope, secret)[0] if query.cursor else None
    people = deps.store.contacts.people_for(
        account, query.category, opener, members=visible, after=after, limit=query.limit
    )
    found = recipients_page(
        people, query.category, opener, sees_members=visible, after=after, limit=query.limit
    )
    cursor = encode_cursor(scope, (found.last,), secret) if found.last is not None else None
    return RecipientsOut(to=found.to, cc=found.cc, next_cursor=cursor)
