"""User groups, and what a member or an invitation holds through its group."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from chalicelib.domain.authorization import effective_scope, scope_out
from chalicelib.domain.groups import DEFAULT_GROUP_ID, DEFAULT_GROUP_NAME
from chalicelib.domain.permissions import Role, as_role, effective_permissions
from chalicelib.schemas.common import (
    GrantableKey,
    Input,
    ListQuery,
    Output,
    PermissionKey,
    Text,
    Timestamp,
    VisibleName,
)
from chalicelib.schemas.sub_accounts import ScopeIn, ScopeOut

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.store.models import GroupItem, InvitationItem, MembershipItem

GroupName = Annotated[VisibleName, Field(min_length=1, max_length=100)]
Description = Annotated[Text, Field(max_length=500)]
GroupId = Annotated[str, Field(min_length=1, max_length=64)]


class GroupIn(Input):
    name: GroupName
    description: Description | None = None
    permissions: list[GrantableKey] = Field(default_factory=list, max_length=32)
    sub_accounts: ScopeIn = "all"


class GroupUpdateIn(Input):
    name: GroupName | None = None
    description: Description | None = None
    permissions: list[GrantableKey] | None = Field(default=None, max_length=32)
    sub_accounts: ScopeIn | None = None


class Group(Output):
    group_id: str
    name: str
    description: str | None
    permissions: list[PermissionKey]
    sub_accounts: ScopeOut
    member_count: int
    created_at: Timestamp | None  # the built-in default group has none

    @classmethod
    def of(cls, item: GroupItem, live: frozenset[str]) -> Group:
        return cls(
            group_id=item.group_id,
            name=item.name,
            description=item.description,
            permissions=effective_permissions("member", item.permissions),
            sub_accounts=scope_out(effective_scope("member", item.sub_accounts, live)),
            member_count=int(item.member_count),
            created_at=item.created_at,
        )

    @classmethod
    def default(cls, member_count: int) -> Group:
        """The built-in group: its members carry their own role, permissions and scope."""
        return cls(
            group_id=DEFAULT_GROUP_ID,
            name=DEFAULT_GROUP_NAME,
            description="Members carry their own role, permissions and sub-accounts.",
            permissions=[],
            sub_accounts="all",
            member_count=member_count,
            created_at=None,
        )


class GroupPage(Output):
    items: list[Group]
    next_cursor: str | None


class GroupListQuery(ListQuery):
    pass


Holding = tuple[Role, list[str], ScopeOut]


def holding(
    item: MembershipItem | InvitationItem, groups: Mapping[str, GroupItem], live: frozenset[str]
) -> Holding:
    """Role, permissions and scope as the API shows them: a custom group's members hold what the group
    grants (nothing, if it is gone); everyone else what their own item says."""
    if item.group_id:
        group = groups.get(item.group_id)
        permissions = list(group.permissions) if group is not None else []
        scope = group.sub_accounts if group is not None else []
        return (
            "member",
            effective_permissions("member", permissions),
            scope_out(effective_scope("member", scope, live)),
        )
    role = as_role(item.role)
    return (
        role,
        effective_permissions(role, item.permissions),
        scope_out(effective_scope(role, item.sub_accounts, live)),
    )
