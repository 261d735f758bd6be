"""Contacts: people without a login who get copies of chosen email categories."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from chalicelib.domain.recipients import CATEGORIES
from chalicelib.schemas.common import (
    Email,
    Input,
    ListQuery,
    Name,
    OptionalText,
    Output,
    Phone,
    Timestamp,
)

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.store.models import ContactItem

Category = Literal[CATEGORIES]  # type: ignore[valid-type]


class EmailPreferencesIn(Input):
    """Only the categories given change; the others keep their value (false for a new contact)."""

    general: bool | None = None
    product: bool | None = None
    domain: bool | None = None
    invoice: bool | None = None
    support: bool | None = None
    affiliate: bool | None = None


class EmailPreferences(Output):
    general: bool
    product: bool
    domain: bool
    invoice: bool
    support: bool
    affiliate: bool


class ContactIn(Input):
    email: Email
    first_name: Name | None = None
    last_name: Name | None = None
    company_name: OptionalText | None = None
    phone: Phone | None = None
    email_preferences: EmailPreferencesIn = Field(default_factory=EmailPreferencesIn)


class ContactUpdateIn(Input):
    email: Email | None = None
    first_name: Name | None = None
    last_name: Name | None = None
    company_name: OptionalText | None = None
    phone: Phone | None = None
    email_preferences: EmailPreferencesIn | None = None


class Contact(Output):
    contact_id: str
    email: str
    first_name: str | None
    last_name: str | None
    company_name: str | None
    phone: str | None
    email_preferences: EmailPreferences
    created_at: Timestamp

    @classmethod
    def of(cls, item: ContactItem) -> Contact:
        chosen = set(item.email_preferences)
        return cls(
            contact_id=item.contact_id,
            email=item.email,
            first_name=item.first_name,
            last_name=item.last_name,
            company_name=item.company_name,
            phone=item.phone,
            email_preferences=EmailPreferences(**{category: category in chosen for category in CATEGORIES}),
            created_at=item.created_at,
        )


class ContactPage(Output):
    items: list[Contact]
    next_cursor: str | None


class RecipientsQuery(ListQuery):
    """`limit` and `cursor` page through `cc`, by email; `to` comes with every page."""

    category: Category
    ticket_opened_by: Email | None = None


class RecipientsOut(Output):
    to: list[str] = Field(description="the owner, on every page")
    cc: list[str] = Field(
        description="one page of the copies, by email: at most `limit`, fewer (even none) when a contact "
        "examined for it is a deactivated member or the owner; go on with `next_cursor`"
    )
    next_cursor: str | None
