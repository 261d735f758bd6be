"""User groups (user_management; a group manager reads their own group)."""

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.access import member_of
from chalicelib.api.http import Call, endpoint
from chalicelib.lazy import LazyModule
from chalicelib.schemas.groups import Group, GroupIn, GroupListQuery, GroupPage, GroupUpdateIn

bp = Blueprint(__name__)
# Each use case loads with the first request that runs it (see chalicelib/lazy.py); the real imports
# are for readers and the type checker.
if TYPE_CHECKING:
    from chalicelib.services import groups
else:
    groups = LazyModule("chalicelib.services.groups")
MANAGE = member_of("user_management")
READ = member_of("user_management", group_managers=True)
BASE = "/accounts/{account_id}/groups"
ONE = BASE + "/{group_id}"


@endpoint(bp, "GET", BASE, access=READ, query=GroupListQuery, returns=GroupPage)
def list_groups(call: Call, account_id: str) -> GroupPage:
    """The Default User Group first, then the custom groups by name (a group manager: their own)."""
    return groups.list_groups(call.deps, call.caller, call.account, call.query)


@endpoint(bp, "POST", BASE, access=MANAGE, body=GroupIn, returns=Group, status=201, errors=(409,))
def create_group(call: Call, account_id: str) -> Group:
    """A custom group: a named set of permissions and sub-accounts that its members share."""
    return groups.create_group(call.deps, call.caller, call.account, call.body)


@endpoint(bp, "GET", ONE, access=READ, returns=Group, errors=(404,))
def get_group(call: Call, account_id: str, group_id: str) -> Group:
    """One group."""
    return groups.get_group(call.deps, call.caller, call.account, group_id)


@endpoint(bp, "PATCH", ONE, access=MANAGE, body=GroupUpdateIn, returns=Group, errors=(404, 409))
def update_group(call: Call, account_id: str, group_id: str) -> Group:
    """Rename a group or change what it grants: every member holds the change on their next request."""
    return groups.update_group(call.deps, call.caller, call.account, group_id, call.body)


@endpoint(bp, "DELETE", ONE, access=MANAGE, status=204, errors=(404, 409))
def delete_group(call: Call, account_id: str, group_id: str) -> None:
    """Delete an empty group (no members, no pending invitations)."""
    groups.delete_group(call.deps, call.caller, call.account, group_id)
