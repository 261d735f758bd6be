"""Invite links (issue 29): an account's user managers make, list and revoke them; anyone looks one up
before signing in; a signed-in person who confirms joins through one, and anyone else gives an email to be
sent a personal invitation (or to ask, when the link requires approval)."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.errors import JSON_HEADERS
from chalicelib.api.http import Call, endpoint
from chalicelib.api.lazy import invite_links, joining_schemas, link_emails, link_joins
from chalicelib.api.lazy import invite_links_schemas as schemas
from chalicelib.api.route_guards import PUBLIC, SIGNED_IN_OR_NOT, member_of
from chalicelib.errors import unauthenticated, validation_error

bp = Blueprint(__name__)

MANAGE = member_of("user_management")
BASE = "/accounts/{account_id}/invite-links"


@endpoint(
    bp,
    "POST",
    BASE,
    access=MANAGE,
    body=schemas.InviteLinkIn,
    returns=schemas.CreatedInviteLink,
    status=201,
    errors=("conflict",),
    idempotent=False,  # its answer carries the link's token, which is never kept
)
def create_invite_link(call: Call, account_id: str) -> schemas.CreatedInviteLink:
    """Make an invite link (its url, with the token, is shown only in this answer)."""
    return invite_links.create_link(call.deps, call.caller, call.account, call.body)


@endpoint(bp, "GET", BASE, access=MANAGE, returns=schemas.InviteLinkPage)
def list_invite_links(call: Call, account_id: str) -> schemas.InviteLinkPage:
    """The account's invite links, newest first."""
    return invite_links.list_links(call.deps, call.account)


@endpoint(bp, "DELETE", BASE + "/{invite_link_id}", access=MANAGE, status=204, errors=("not_found",))
def revoke_invite_link(call: Call, account_id: str, invite_link_id: str) -> None:
    """Revoke an invite link: it stops working at once."""
    invite_links.revoke_link(call.deps, call.caller, call.account, invite_link_id)


@endpoint(
    bp,
    "POST",
    "/invite-links/lookup",
    access=PUBLIC,
    body=schemas.InviteLinkTokenIn,
    returns=schemas.InviteLinkLookup,
    errors=("not_found", "invite_link_expired"),
    idempotent=False,
)
def look_up_invite_link(call: Call) -> schemas.InviteLinkLookup:
    """What an invite link is for, before signing in."""
    return invite_links.lookup(call.deps, call.body.token)


@endpoint(
    bp,
    "POST",
    "/invite-links/join",
    access=SIGNED_IN_OR_NOT,
    body=schemas.InviteLinkJoinIn,
    returns=joining_schemas.JoinRequest,
    status=202,
    answers=(
        (202, schemas.EmailSent),
        (200, schemas.LinkMember),
        (200, joining_schemas.JoinRequest),
        (201, schemas.LinkMember),
    ),
    errors=(
        "not_found",
        "invite_link_expired",
        "domain_not_allowed",
        "conflict",
        "already_member",
        "seat_limit_reached",
        "rate_limited",
    ),
    idempotent=False,
)
def join_by_invite_link(call: Call) -> Response:
    """Join through an invite link. Signed in, `{"token"}`: 201 Member (+ account_id), or 202 JoinRequest
    when the link requires approval; 200 the member you are or your pending request. Without a Bearer
    token, `{"token", "email"}`: 202 `{"status": "email_sent"}`, whatever the address."""
    body = call.body
    if call.caller.user_id is None:
        if body.email is None:
            raise unauthenticated("Sign in, or give the email address to send the invitation to.")
        sent = link_emails.ask_by_email(call.deps, body.token, body.email)
        return Response(body=sent.model_dump_json(), status_code=202, headers={**JSON_HEADERS})
    if body.email is not None:  # signed in, one joins as oneself: an address beside it would be ignored
        raise validation_error("email", "Leave it out when signed in: you join as yourself.")
    joined = link_joins.join_by_link(call.deps, call.caller, body.token)
    return Response(body=joined.answer.model_dump_json(), status_code=joined.status, headers={**JSON_HEADERS})
