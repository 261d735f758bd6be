"""Accounts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import BeforeValidator, Field

from chalicelib.domain.branding import Brand as BrandValue
from chalicelib.domain.email_domains import InviteDomains
from chalicelib.domain.locales import as_locale
from chalicelib.domain.seats import MAX_SEAT_LIMIT
from chalicelib.schemas.brands import Brand
from chalicelib.schemas.common import (
    Email,
    Input,
    LocaleCode,
    Name,
    Output,
    Timestamp,
    VisibleName,
    integral,
)

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.store.models import AccountItem

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


class Seats(Output):
    """`used` = `members` (active, the owner included) + `pending` (invitations neither accepted, revoked
    nor expired); `limit` null: unlimited."""

    limit: int | None
    used: int
    members: int
    pending: int

    @classmethod
    def of(cls, account: AccountItem, expired: int = 0) -> Seats:
        """`expired`: invitations past their expiry whose seat the counter still holds (free already)."""
        members = int(account.active_count or 0)
        used = max(members, int(account.seats_held or 0) - expired)
        limit = int(account.seat_limit) if account.seat_limit is not None else None
        return cls(limit=limit, used=used, members=members, pending=used - members)


class Account(Output):
    account_id: str
    name: str
    owner_user_id: str | None
    created_at: Timestamp
    member_count: int  # active + deactivated members
    invitation_reminders: bool
    invite_domains: InviteDomains
    default_locale: LocaleCode
    seats: Seats
    brand: Brand  # what its pages and emails show: its brand, else the deployment's default

    @classmethod
    def of(cls, account: AccountItem, brand: BrandValue, expired_seats: int = 0) -> Account:
        return cls(
            account_id=account.account_id,
            name=account.name,
            owner_user_id=account.owner_user_id,
            created_at=account.created_at,
            member_count=int(account.member_count),
            invitation_reminders=account.invitation_reminders is not False,  # absent: on (the default)
            invite_domains="verified" if account.invite_domains == "verified" else "any",
            default_locale=as_locale(account.default_locale),
            seats=Seats.of(account, expired_seats),
            brand=Brand.of(brand),
        )
