"""Roles, a membership's status and the permission catalog: who may do what, as pure functions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from typing_extensions import TypeAliasType

from chalicelib.msgids import N_

# Named aliases: the OpenAPI document then has one `Role` schema that every model refers to, and generated
# clients get one type rather than an enum per field.
Role = TypeAliasType("Role", Literal["owner", "admin", "member"])
AssignableRole = TypeAliasType("AssignableRole", Literal["admin", "member"])  # what an invitation can give
ROLES: tuple[Role, ...] = ("owner", "admin", "member")
# A plain alias: the document keeps its inline enum for a member's status.
MemberStatus = Literal["active", "deactivated"]
MEMBER_STATUSES: tuple[MemberStatus, ...] = ("active", "deactivated")

# key -> (label, admin_only), in the order a portal shows them.
CATALOG: dict[str, tuple[str, bool]] = {
    "profile": (N_("Edit account profile"), False),
    "contacts": (N_("Manage contacts"), False),
    "products": (N_("View products and services"), False),
    "manage_products": (N_("Manage products and services"), False),
    "product_sso": (N_("Single sign-on to products"), False),
    "domains": (N_("View domains"), False),
    "manage_domains": (N_("Manage domains"), False),
    "invoices": (N_("View and pay invoices"), False),
    "quotes": (N_("View and accept quotes"), False),
    "tickets": (N_("Open and view support tickets"), False),
    "affiliates": (N_("Affiliate program"), False),
    "emails": (N_("View email history"), False),
    "orders": (N_("Place new orders"), False),
    "pricing": (N_("View pricing"), True),
    "payments": (N_("Manage payment methods"), True),
    "user_management": (N_("Manage users"), True),
}
ALL_KEYS: tuple[str, ...] = tuple(CATALOG)
ADMIN_ONLY: frozenset[str] = frozenset(key for key, (_, admin_only) in CATALOG.items() if admin_only)
MEMBER_GRANTABLE: tuple[str, ...] = tuple(key for key in ALL_KEYS if key not in ADMIN_ONLY)


def effective_permissions(role: Role, granted: Iterable[str]) -> list[str]:
    """What the role really holds, in catalog order: every key for owner and admin, the grant for a member."""
    if role in ("owner", "admin"):
        return list(ALL_KEYS)
    granted_set = set(granted)
    return [key for key in MEMBER_GRANTABLE if key in granted_set]


def allows(role: Role, granted: Iterable[str], permission: str) -> bool:
    return permission in effective_permissions(role, granted)


def stored_grant(role: Role, permissions: Iterable[str]) -> list[str]:
    """What to store: owners and admins hold everything by role, so their grant is kept empty."""
    return [] if role in ("owner", "admin") else effective_permissions(role, permissions)


_ROLE_NAMED: dict[str, Role] = {role: role for role in ROLES}


def as_role(value: str) -> Role:
    """A role read from storage, checked: anything else is a corrupt item, not a role (KeyError)."""
    return _ROLE_NAMED[value]


_STATUS_NAMED: dict[str, MemberStatus] = {status: status for status in MEMBER_STATUSES}


def as_member_status(value: str) -> MemberStatus:
    """A membership's status read from storage, checked like `as_role` (KeyError if corrupt)."""
    return _STATUS_NAMED[value]
