"""Joining without an invitation (issue 29): the accounts the caller's email domain lets them join, the
join, and the join requests an account's user managers decide."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.errors import JSON_HEADERS
from chalicelib.api.http import Call, endpoint
from chalicelib.api.lazy import invitations_schemas, join_requests, joining, members_schemas
from chalicelib.api.lazy import joining_schemas as schemas
from chalicelib.api.route_guards import SIGNED_IN, member_of

bp = Blueprint(__name__)

MANAGE = member_of("user_management", group_managers=True)
REQUESTS = "/accounts/{account_id}/join-requests"


@endpoint(bp, "GET", "/me/joinable-accounts", access=SIGNED_IN, returns=schemas.JoinableAccountPage)
def list_joinable_accounts(call: Call) -> schemas.JoinableAccountPage:
    """The accounts your email's verified domain lets you join or ask to join."""
    return joining.joinable_accounts(call.deps, call.caller)


@endpoint(
    bp,
    "POST",
    "/accounts/{account_id}/join",
    access=SIGNED_IN,
    returns=schemas.JoinRequest,
    status=202,
    answers=(
        (200, members_schemas.Member),
        (200, schemas.JoinRequest),
        (201, members_schemas.Member),
    ),
    errors=("not_found", "conflict", "already_member", "seat_limit_reached"),
    idempotent=False,
)
def join_account(call: Call, account_id: str) -> Response:
    """Join through your email's verified domain: 201 Member (auto_join), 202 JoinRequest (request), 200
    the member you are or the request pending."""
    joined = joining.join(call.deps, call.caller, account_id)
    return Response(body=joined.answer.model_dump_json(), status_code=joined.status, headers={**JSON_HEADERS})


@endpoint(
    bp, "GET", REQUESTS, access=MANAGE, query=schemas.JoinRequestListQuery, returns=schemas.JoinRequestPage
)
def list_join_requests(call: Call, account_id: str) -> schemas.JoinRequestPage:
    """The account's join requests of one status (default pending), newest first."""
    return join_requests.list_requests(call.deps, call.caller, call.account, call.query)


@endpoint(
    bp,
    "POST",
    REQUESTS + "/{join_request_id}/approve",
    access=MANAGE,
    body=schemas.ApproveIn,
    returns=members_schemas.Member,
    status=201,
    answers=((201, invitations_schemas.Invitation),),  # a request made by email: its invitation
    errors=("not_found", "conflict", "already_member", "seat_limit_reached"),
    idempotent=False,
)
def approve_join_request(call: Call, account_id: str, join_request_id: str) -> Response:
    """Approve a join request: the requester becomes a member (taking a seat); for a request made by email,
    201 Invitation: the address is sent an invitation (taking the seat)."""
    made = join_requests.approve(call.deps, call.caller, call.account, join_request_id, call.body)
    return Response(body=made.model_dump_json(), status_code=201, headers={**JSON_HEADERS})


@endpoint(
    bp,
    "POST",
    REQUESTS + "/{join_request_id}/deny",
    access=MANAGE,
    status=204,
    errors=("not_found", "conflict"),
    idempotent=False,
)
def deny_join_request(call: Call, account_id: str, join_request_id: str) -> None:
    """Deny a join request (the requester may ask again after 7 days)."""
    join_requests.deny(call.deps, call.caller, call.account, join_request_id)
