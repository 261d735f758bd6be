"""Members of an account (user_management; a member may read or remove themselves)."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.api.lazy import members
from chalicelib.api.lazy import members_schemas as schemas
from chalicelib.api.route_guards import member_of

bp = Blueprint(__name__)

# A member may change their own contact details at the account (the service refuses them the rest).
MANAGE_OR_SELF = member_of("user_management", self_param="user_id")
# A group manager may do these too, for the members of their own group (the service checks which).
MANAGE_GROUP = member_of("user_management", group_managers=True)
MANAGE_GROUP_OR_SELF = member_of("user_management", self_param="user_id", group_managers=True)
BASE = "/accounts/{account_id}/members"
ONE = BASE + "/{user_id}"


@endpoint(bp, "GET", BASE, access=MANAGE_GROUP, query=schemas.MemberListQuery, returns=schemas.MemberPage)
def list_members(call: Call, account_id: str) -> schemas.MemberPage:
    """Members, filtered by status and sorted by any column."""
    return members.list_members(call.deps, call.caller, call.account, call.query, call.session)


@endpoint(bp, "GET", ONE, access=MANAGE_GROUP_OR_SELF, returns=schemas.Member, errors=("not_found",))
def get_member(call: Call, account_id: str, user_id: str) -> schemas.Member:
    """One member; anyone may read themselves."""
    return members.get_member(call.deps, call.caller, call.account, user_id, call.session)


@endpoint(
    bp,
    "PATCH",
    ONE,
    access=MANAGE_OR_SELF,
    body=schemas.MemberUpdateIn,
    returns=schemas.Member,
    errors=("not_found", "owner_immutable"),
)
def update_member(call: Call, account_id: str, user_id: str) -> schemas.Member:
    """Change a member's access (never the owner's) or contact details at this account."""
    return members.update_member(call.deps, call.caller, call.account, user_id, call.body)


@endpoint(
    bp,
    "POST",
    ONE + "/deactivate",
    access=MANAGE_GROUP,
    returns=schemas.Member,
    errors=("not_found", "owner_immutable", "cannot_deactivate_self"),
)
def deactivate_member(call: Call, account_id: str, user_id: str) -> schemas.Member:
    """Cut a member's access to this account at once, keeping their place."""
    return members.set_status(call.deps, call.caller, call.account, user_id, "deactivated")


@endpoint(
    bp,
    "POST",
    ONE + "/reactivate",
    access=MANAGE_GROUP,
    returns=schemas.Member,
    errors=("not_found", "owner_immutable", "seat_limit_reached"),
)
def reactivate_member(call: Call, account_id: str, user_id: str) -> schemas.Member:
    """Give a deactivated member their access back."""
    return members.set_status(call.deps, call.caller, call.account, user_id, "active")


@endpoint(bp, "DELETE", ONE, access=MANAGE_GROUP_OR_SELF, status=204, errors=("not_found", "owner_immutable"))
def remove_member(call: Call, account_id: str, user_id: str) -> None:
    """Remove a member, or leave the account yourself; the owner cannot be removed."""
    members.remove_member(call.deps, call.caller, call.account, user_id)


@endpoint(
    bp, "POST", ONE + "/password-reset", access=MANAGE_GROUP, status=202, errors=("not_found", "rate_limited")
)
def reset_member_password(call: Call, account_id: str, user_id: str) -> None:
    """Email the member a password-reset link."""
    members.send_password_reset(call.deps, call.caller, call.account, user_id)
