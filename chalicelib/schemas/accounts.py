"""Accounts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from chalicelib.schemas.common import Email, Input, Name, Output, Timestamp, VisibleName

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.store.models import AccountItem

AccountName = Field(min_length=1, max_length=200)


class AccountCreateIn(Input):
    name: VisibleName = AccountName
    owner_email: Email
    owner_first_name: Name | None = None
    owner_last_name: Name | None = None


class AccountUpdateIn(Input):
    """Any of the account's settings (`profile`); one not named is left as it is."""

    name: VisibleName | None = Field(default=None, min_length=1, max_length=200)
    # Whether pending invitations get their one reminder before they end (domain/reminders.py).
    invitation_reminders: bool | None = None

    def changes(self) -> dict[str, object]:
        named = ("name", "invitation_reminders")
        return {name: value for name in named if (value := getattr(self, name)) is not None}


class OwnerInvitationIn(Input):
    email: Email
    first_name: Name | None = None
    last_name: Name | None = None


class OwnershipIn(Input):
    user_id: str = Field(min_length=1, max_length=64)


class Account(Output):
    account_id: str
    name: str
    owner_user_id: str | None
    created_at: Timestamp
    member_count: int
    invitation_reminders: bool

    @classmethod
    def of(cls, account: AccountItem) -> Account:
        return cls(
            account_id=account.account_id,
            name=account.name,
            owner_user_id=account.owner_user_id,
            created_at=account.created_at,
            member_count=int(account.member_count),
            invitation_reminders=account.invitation_reminders is not False,  # absent: on (the default)
        )
