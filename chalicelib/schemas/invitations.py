"""Invitations, and accepting them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, field_validator

from chalicelib.domain.groups import group_of
from chalicelib.domain.invitations import Delivery, InvitationStatus, SkipReason, as_delivery, status_of
from chalicelib.domain.locales import as_locale
from chalicelib.domain.permissions import AssignableRole, Role
from chalicelib.domain.profile import PROFILE_FIELDS
from chalicelib.domain.wording import looks_like_link
from chalicelib.schemas.accounts import Account
from chalicelib.schemas.brands import Brand
from chalicelib.schemas.common import (
    AnyPassword,
    DaysValid,
    GrantableKey,
    Input,
    LinkToken,
    ListQuery,
    LocaleCode,
    Output,
    PermissionKey,
    Timestamp,
)
from chalicelib.schemas.groups import GroupId, holding
from chalicelib.schemas.members import Member
from chalicelib.schemas.sessions import Profile, User
from chalicelib.schemas.sub_accounts import ScopeIn, ScopeOut

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from collections.abc import Mapping

    from chalicelib.store.models import GroupItem, InvitationItem

MAX_EMAILS = 50


class InviteeIn(Profile):
    """One row of a spreadsheet invite: the address and that person's own contact details."""

    # Not checked here: a bad address is that row's `invalid_email` result, as it is for a plain string.
    email: str


def _as_row(value: Any) -> Any:
    """An address given as a plain string is a row with nothing but its email."""
    if isinstance(value, str):
        return {"email": value}
    if not isinstance(value, dict):
        raise ValueError("must be an email address, or an object with one under 'email'")
    return value


# Stated in the document as what a client sends: an address, or a row with its own details.
Invitee = Annotated[InviteeIn, BeforeValidator(_as_row, json_schema_input_type=str | InviteeIn)]


class InviteIn(Profile):
    # Stated in the schema too: with more than one email, the profile fields must be left out (or null).
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"emails": {"minItems": 2}}},
            "then": {"properties": {name: {"type": "null"} for name in PROFILE_FIELDS}},
        }
    )

    # Items are checked one by one (a bad address is a per-email result, not a failed request); an item is
    # an address or a row with that person's own contact details (a spreadsheet's columns).
    emails: list[Invitee] = Field(min_length=1, max_length=MAX_EMAILS)
    role: AssignableRole = "member"  # a portal's "User"
    permissions: list[GrantableKey] = Field(default_factory=list, max_length=32)
    sub_accounts: ScopeIn = "all"
    group_id: GroupId = "default"
    group_manager: bool = False
    expires_in_days: DaysValid | None = None
    message: str | None = Field(default=None, max_length=500)
    # the language of the invitations' emails (and of the login each makes); default: the account's
    locale: LocaleCode | None = None

    @field_validator("message")
    @classmethod
    def _no_link(cls, message: str | None) -> str | None:
        # Our email carries this text: a stranger's link in it would borrow our name (docs/security.md).
        if message is not None and looks_like_link(message):
            raise ValueError(
                "must not contain anything a mail client could make a link of: a web or email address "
                "(like example.com), an IP address, a host and port, or a scheme such as mailto: or "
                "javascript:. The invitation's own button is the only link in the email"
            )
        return message

    def addresses(self) -> list[str]:
        return [row.email for row in self.emails]


class Invitation(Output):
    invitation_id: str
    account_id: str
    email: str
    role: Role
    permissions: list[PermissionKey]
    status: InvitationStatus
    invited_by: str | None
    created_at: Timestamp
    expires_at: Timestamp
    last_sent_at: Timestamp
    send_count: int
    delivery: Delivery
    sub_accounts: ScopeOut
    group_id: str
    group_manager: bool
    # When its one reminder was sent (null: none yet, or resent since: a resend starts it afresh).
    reminded_at: Timestamp | None
    locale: LocaleCode  # its emails' language

    @classmethod
    def of(
        cls, item: InvitationItem, now: datetime, live: frozenset[str], groups: Mapping[str, GroupItem]
    ) -> Invitation:
        """`live`: the account's sub-accounts that exist now; `groups`: custom groups by id."""
        role, permissions, scope = (
            holding(item, groups, live) if item.role != "owner" else ("owner", [], "all")
        )
        return cls(
            invitation_id=item.invitation_id,
            account_id=item.account_id,
            email=item.email,
            role=role,
            permissions=permissions,
            status=status_of(item.expires_at, now),
            invited_by=item.invited_by,
            created_at=item.created_at,
            expires_at=item.expires_at,
            last_sent_at=item.last_sent_at,
            send_count=int(item.send_count),
            delivery=as_delivery(item.delivery),
            sub_accounts=scope,
            group_id=group_of(item.group_id),
            group_manager=bool(item.group_manager),
            reminded_at=item.reminded_at,
            locale=as_locale(item.locale),
        )


class InviteResult(Output):
    email: str
    status: Literal["invited", "skipped"]
    reason: SkipReason | None = None
    invitation: Invitation | None = None


class InviteResults(Output):
    results: list[InviteResult]


class InvitationAllowance(Output):
    """How many invitations the account may still send today (ACCOUNT_INVITATIONS_PER_DAY, a UTC day)."""

    per_day: int
    sent_today: int
    remaining_today: int
    resets_at: Timestamp


class InvitationListQuery(ListQuery):
    status: InvitationStatus = "pending"
    group_id: GroupId | None = None


class InvitationPage(Output):
    items: list[Invitation]
    next_cursor: str | None


class TokenIn(Input):
    token: LinkToken


class LookupOut(Output):
    email: str
    account_name: str
    role: Role
    invited_by_name: str | None
    expires_at: Timestamp
    existing_user: bool
    brand: Brand  # the inviting account's (issue 32): the accept page shows it
    locale: LocaleCode  # the invitation's: the accept page speaks it


class AcceptIn(Profile):
    token: LinkToken
    password: AnyPassword | None = None


class AcceptOut(Output):
    access_token: str
    expires_at: Timestamp
    user: User
    account_id: str
    membership: Member


class AccountCreated(Output):
    """A new account and its owner's invitation (here, not in schemas/accounts.py: reading an account loads
    no invitation model)."""

    account: Account
    owner_invitation: Invitation
