"""Members: a user as seen from one account."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from chalicelib.domain.access import effective_scope, scope_out
from chalicelib.domain.permissions import effective_permissions
from chalicelib.schemas.auth import User
from chalicelib.schemas.common import GrantableKey, Input, ListQuery, Output, Timestamp
from chalicelib.schemas.sub_accounts import ScopeIn, ScopeOut

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.store.models import MembershipItem, UserItem


class Member(User):
    role: Literal["owner", "admin", "member"]
    permissions: list[str]
    status: Literal["active", "deactivated"]
    joined_at: Timestamp
    invited_by: str | None
    sub_accounts: ScopeOut

    @classmethod
    def of_pair(cls, user: UserItem, membership: MembershipItem, live: frozenset[str]) -> Member:
        """`live`: the account's sub-accounts that exist now (a scope shows only those)."""
        return cls(
            **User.of(user).model_dump(),
            role=membership.role,
            permissions=effective_permissions(membership.role, membership.permissions),
            status=membership.status,
            joined_at=membership.joined_at,
            invited_by=membership.invited_by,
            sub_accounts=scope_out(effective_scope(membership.role, membership.sub_accounts, live)),
        )


SortColumn = Literal[
    "email", "first_name", "last_name", "title", "role", "status", "joined_at", "last_login_at"
]


class MemberListQuery(ListQuery):
    status: Literal["active", "deactivated"] | None = None
    sort: SortColumn = "email"
    order: Literal["asc", "desc"] = "asc"


class MemberPage(Output):
    items: list[Member]
    next_cursor: str | None


class MemberUpdateIn(Input):
    role: Literal["admin", "member"] | None = None
    permissions: list[GrantableKey] | None = Field(default=None, max_length=32)
    sub_accounts: ScopeIn | None = None
