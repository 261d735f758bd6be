"""Invite links (issue 29): a shareable link to join an account, its lookup before sign-in, and the join."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from chalicelib.schemas.brands import Brand
from chalicelib.schemas.common import Email, GrantableKey, Input, LocaleCode, Output, Timestamp, WholeNumber
from chalicelib.schemas.groups import GroupId
from chalicelib.schemas.members import Member
from chalicelib.schemas.sub_accounts import ScopeIn, ScopeOut

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.store.models import InviteLinkItem

MAX_TOKEN = 64
MAX_DOMAIN = 253


class InviteLinkIn(Input):
    permissions: list[GrantableKey] = Field(default_factory=list, max_length=32)
    sub_accounts: ScopeIn = "all"
    group_id: GroupId | None = None
    max_uses: WholeNumber = Field(default=25, ge=1, le=1000)
    expires_in_days: WholeNumber = Field(default=7, ge=1, le=30)
    allowed_domains: list[str] | None = Field(default=None, max_length=20)
    require_approval: bool = True


class InviteLink(Output):
    invite_link_id: str
    permissions: list[str]
    sub_accounts: ScopeOut
    group_id: str | None
    max_uses: int
    uses: int
    expires_at: Timestamp
    allowed_domains: list[str] | None
    require_approval: bool
    created_by: str | None
    created_at: Timestamp
    revoked_at: Timestamp | None

    @classmethod
    def of(cls, item: InviteLinkItem, live: frozenset[str]) -> InviteLink:
        scope = item.sub_accounts
        return cls(
            invite_link_id=item.invite_link_id,
            permissions=list(item.permissions or []),
            sub_accounts="all" if scope is None else [s for s in scope if s in live],
            group_id=item.group_id,
            max_uses=int(item.max_uses),
            uses=int(item.uses),
            expires_at=item.expires_at,
            allowed_domains=list(item.allowed_domains) if item.allowed_domains is not None else None,
            require_approval=bool(item.require_approval),
            created_by=item.created_by,
            created_at=item.created_at,
            revoked_at=item.revoked_at,
        )


class CreatedInviteLink(InviteLink):
    url: str  # PORTAL_URL/join#token=...: the token is shown only here


class InviteLinkPage(Output):
    items: list[InviteLink]
    next_cursor: str | None


class InviteLinkTokenIn(Input):
    token: str = Field(min_length=1, max_length=MAX_TOKEN)


class InviteLinkJoinIn(Input):
    """With a Bearer token: `{"token"}` (the signed-in person joins as themselves; an `email` beside the
    token is refused, 400). Without one: `{"token", "email"}`, and the address is emailed."""

    token: str = Field(min_length=1, max_length=MAX_TOKEN)
    email: Email | None = None


class EmailSent(Output):
    """The no-login join's one answer, whatever the address (whether it has a login, is a member or is
    invited): what happens next comes by email."""

    status: Literal["email_sent"]


class InviteLinkLookup(Output):
    account_name: str
    require_approval: bool
    expires_at: datetime
    brand: Brand  # the link's account's (issue 32): the join page shows it
    locale: LocaleCode  # the account's default_locale


class LinkMember(Member):
    """The member a confirmed join through a link made (or already was), with the account to open."""

    account_id: str
