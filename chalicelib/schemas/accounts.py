"""Accounts as they are read (GET /accounts/{id} and every change's answer). The bodies that change one are
in schemas/account_changes.py: reading an account, a cold start's commonest first request, builds none of
their classes (about half a millisecond each, even deferred)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.branding import Brand as BrandValue
from chalicelib.domain.email_domains import InviteDomains
from chalicelib.domain.locales import as_locale
from chalicelib.schemas.brands import Brand
from chalicelib.schemas.common import LocaleCode, Output, Timestamp

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.store.models import AccountItem


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
