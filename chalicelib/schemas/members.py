"""Members: a user as seen from one account."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from chalicelib.domain.groups import group_of
from chalicelib.domain.permissions import AssignableRole, MemberStatus, Role, as_member_status
from chalicelib.domain.profile import CONTACT_FIELDS
from chalicelib.schemas.common import (
    Extension,
    GrantableKey,
    Input,
    ListQuery,
    OptionalText,
    Output,
    PermissionKey,
    Phone,
    Timestamp,
)
from chalicelib.schemas.groups import GroupId, holding
from chalicelib.schemas.sessions import User
from chalicelib.schemas.sub_accounts import ScopeIn, ScopeOut

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from collections.abc import Mapping

    from chalicelib.store.models import GroupItem, MembershipItem, UserItem


class Member(User):
    """A user as one account sees them: `title`, `cell_phone`, `office_phone` and `extension` are their
    contact details at this account; the names are the user's own."""

    role: Role
    permissions: list[PermissionKey]
    status: MemberStatus
    joined_at: Timestamp
    invited_by: str | None
    sub_accounts: ScopeOut
    group_id: str
    group_manager: bool
    mfa_enabled: bool = Field(
        description="has a second factor (in a list: as of the copies job's last run, seconds behind)"
    )

    @classmethod
    def of_pair(
        cls, user: UserItem, membership: MembershipItem, live: frozenset[str], groups: Mapping[str, GroupItem]
    ) -> Member:
        """`live`: the account's sub-accounts that exist now (a scope shows only those); `groups`: the
        custom groups by id (at least the member's own)."""
        role, permissions, scope = holding(membership, groups, live)
        return cls(
            **(User.of(user).model_dump() | {name: getattr(membership, name) for name in CONTACT_FIELDS}),
            role=role,
            permissions=permissions,
            status=as_member_status(membership.status),
            joined_at=membership.joined_at,
            invited_by=membership.invited_by,
            sub_accounts=scope,
            group_id=group_of(membership.group_id),
            group_manager=bool(membership.group_manager),
            mfa_enabled=bool(user.factors),
        )


SortColumn = Literal[
    "email", "first_name", "last_name", "title", "role", "status", "joined_at", "last_login_at"
]


class MemberListQuery(ListQuery):
    status: MemberStatus | None = None
    sort: SortColumn = "email"
    order: Literal["asc", "desc"] = "asc"
    group_id: GroupId | None = None
    mfa: bool | None = Field(
        default=None,
        description="only members with (true) or without (false) a second factor; a page may hold fewer "
        "than `limit`, even none, and still a `next_cursor`",
    )


class MemberPage(Output):
    items: list[Member]
    next_cursor: str | None


class MemberUpdateIn(Input):
    """Access (role, permissions, scope, group: user_management only) and the member's contact details at
    the account (also the member themself; null clears one)."""

    role: AssignableRole | None = None
    permissions: list[GrantableKey] | None = Field(default=None, max_length=32)
    sub_accounts: ScopeIn | None = None
    group_id: GroupId | None = None
    group_manager: bool | None = None
    title: OptionalText | None = None
    cell_phone: Phone | None = None
    office_phone: Phone | None = None
    extension: Extension | None = None

    def contact_changes(self) -> dict[str, str | None]:
        """The contact details the request names, null (clear) included."""
        return {name: getattr(self, name) for name in CONTACT_FIELDS if name in self.model_fields_set}

    def changes_access(self) -> bool:
        return any(name not in CONTACT_FIELDS for name in self.model_fields_set)
