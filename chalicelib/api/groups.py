"""User groups (user_management; a group manager reads their own group)."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.api.lazy import groups
from chalicelib.api.lazy import groups_schemas as schemas
from chalicelib.api.route_guards import member_of

bp = Blueprint(__name__)

MANAGE = member_of("user_management")
READ = member_of("user_management", group_managers=True, counts=True)  # the default group's count
BASE = "/accounts/{account_id}/groups"
ONE = BASE + "/{group_id}"


@endpoint(bp, "GET", BASE, access=READ, query=schemas.GroupListQuery, returns=schemas.GroupPage)
def list_groups(call: Call, account_id: str) -> schemas.GroupPage:
    """The Default User Group first, then the custom groups by name (a group manager: their own)."""
    return groups.list_groups(call.deps, call.caller, call.account, call.query)


@endpoint(
    bp,
    "POST",
    BASE,
    access=MANAGE,
    body=schemas.GroupIn,
    returns=schemas.Group,
    status=201,
    errors=("conflict", "limit_reached"),  # conflict: the name is taken (API.md names it so)
)
def create_group(call: Call, account_id: str) -> schemas.Group:
    """A custom group: a named set of permissions and sub-accounts that its members share."""
    return groups.create_group(call.deps, call.caller, call.account, call.body)


@endpoint(bp, "GET", ONE, access=READ, returns=schemas.Group, errors=("not_found",))
def get_group(call: Call, account_id: str, group_id: str) -> schemas.Group:
    """One group."""
    return groups.get_group(call.deps, call.caller, call.account, group_id)


@endpoint(
    bp,
    "PATCH",
    ONE,
    access=MANAGE,
    body=schemas.GroupUpdateIn,
    returns=schemas.Group,
    errors=("not_found", "conflict"),  # conflict: the default group, or the name is taken (API.md)
)
def update_group(call: Call, account_id: str, group_id: str) -> schemas.Group:
    """Rename a group or change what it grants: every member holds the change on their next request."""
    return groups.update_group(call.deps, call.caller, call.account, group_id, call.body)


@endpoint(bp, "DELETE", ONE, access=MANAGE, status=204, errors=("not_found", "conflict", "group_not_empty"))
def delete_group(call: Call, account_id: str, group_id: str) -> None:
    """Delete an empty group (no members, no pending invitations)."""
    groups.delete_group(call.deps, call.caller, call.account, group_id)
