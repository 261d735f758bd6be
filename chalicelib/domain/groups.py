"""User groups: the built-in default group, whose members carry their own role, permissions and scope, and
custom groups, whose members share the group's. Pure rules: which group a member is in, what a membership
in a custom group may not say for itself, and who a group manager may act on."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.permissions import AssignableRole

DEFAULT_GROUP_ID = "default"
DEFAULT_GROUP_NAME = "Default User Group"
MAX_GROUPS = 100


def group_of(stored_group_id: str | None) -> str:
    return stored_group_id or DEFAULT_GROUP_ID


def is_custom(group_id: str | None) -> bool:
    return group_id is not None and group_id != DEFAULT_GROUP_ID


def name_key(name: str) -> str:
    """Group names are unique per account whatever their case."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Placement:
    """Where a membership or invitation asks to be: its group and whether it manages it."""

    group_id: str
    group_manager: bool
    role: AssignableRole | None
    gives_permissions: bool
    gives_scope: bool


def placement_problem(placement: Placement) -> tuple[str, str] | None:
    """(field, message) when the request contradicts its group, else None. In a custom group the role is
    member and permissions and scope are the group's; only a custom group has managers."""
    if is_custom(placement.group_id):
        if placement.role == "admin":
            return "role", "an admin belongs to the default group"
        if placement.gives_permissions:
            return "permissions", "a custom group's members have the group's permissions"
        if placement.gives_scope:
            return "sub_accounts", "a custom group's members reach the group's sub-accounts"
    elif placement.group_manager:
        return "group_manager", "only a custom group has managers"
    return None


def manager_may_act_on(
    manager_group: str | None, target_group: str | None, target_is_manager: bool
) -> str | None:
    """None when a group manager may act on the target; else "not_found" (outside their group: as if
    absent) or "forbidden" (another manager of their group)."""
    if manager_group is None or group_of(target_group) != manager_group:
        return "not_found"
    if target_is_manager:
        return "forbidden"
    return None


def hidden_from_manager(manager_group: str | None, holder_group: str | None) -> bool:
    """Whether a group manager must not learn of a person (a member or an invitation) of this group: one
    outside their own group is, to them, nobody (issue 25: a bulk invite answered `already_member` for the
    owner)."""
    return manager_group is not None and group_of(holder_group) != manager_group
