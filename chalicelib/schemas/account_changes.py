"""What changes an account: its creation with its owner's invitation, its settings, its owner, its seats
(the answers are schemas/accounts.py's Account)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from chalicelib.domain.email_domains import InviteDomains
from chalicelib.domain.seats import MAX_SEAT_LIMIT
from chalicelib.schemas.common import Email, Input, LocaleCode, Name, VisibleName, integral

AccountName = Field(min_length=1, max_length=200)


class AccountCreateIn(Input):
    name: VisibleName = AccountName
    owner_email: Email
    owner_first_name: Name | None = None
    owner_last_name: Name | None = None


class AccountUpdateIn(Input):
    """Any of the account's settings (`profile`; `invite_domains`: the owner or the operator); one not named
    is left as it is."""

    name: VisibleName | None = Field(default=None, min_length=1, max_length=200)
    # Whether pending invitations get their one reminder before they end (domain/reminders.py).
    invitation_reminders: bool | None = None
    # "verified": invitations to addresses outside the account's verified domains are skipped
    invite_domains: InviteDomains | None = None
    # the language of the account's invitations, and of emails to its users who chose none
    default_locale: LocaleCode | None = None
    # The account's brand (the operator's only; null: the deployment's default again): its own transaction,
    # recorded as account.brand_changed (services/brands.py).
    brand_id: str | None = Field(default=None, min_length=1, max_length=64)

    @property
    def brand_named(self) -> bool:
        """Whether the body names `brand_id` (null included: back to the default brand)."""
        return "brand_id" in self.model_fields_set

    def changes(self) -> dict[str, object]:
        named = ("name", "invitation_reminders", "invite_domains", "default_locale")
        return {name: value for name in named if (value := getattr(self, name)) is not None}


class OwnerInvitationIn(Input):
    email: Email
    first_name: Name | None = None
    last_name: Name | None = None


class OwnershipIn(Input):
    user_id: str = Field(min_length=1, max_length=64)


# The bounds before the validator (schemas/common.py's DaysValid says why).
SeatLimit = Annotated[int, Field(ge=1, le=MAX_SEAT_LIMIT), BeforeValidator(integral)]


class SeatsIn(Input):
    """The plan's user limit; null: unlimited."""

    limit: SeatLimit | None
