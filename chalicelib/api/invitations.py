"""Invitations: sending and managing them (user_management), and opening their links (no auth)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint, Request

from chalicelib.api.http import Call, endpoint
from chalicelib.api.lazy import acceptance, invitation_admin, invitations
from chalicelib.api.lazy import invitations_schemas as schemas
from chalicelib.api.route_guards import MAYBE_SIGNED_IN, PUBLIC, member_of

if TYPE_CHECKING:
    from chalicelib.store.keys import Key

bp = Blueprint(__name__)


def _claims_ahead(request: Request, account_id: str) -> list[Key]:
    """The account's claims on the body's emails, read with the authorizing read (so an invite of 50 reads
    nothing before its transactions)."""
    return invitations.claim_keys_ahead(account_id, request.raw_body)


# A group manager may do these too, within their own group (the service checks which).
MANAGE = member_of("user_management", group_managers=True)
INVITE = member_of("user_management", group_managers=True, ahead=_claims_ahead)
BASE = "/accounts/{account_id}/invitations"


@endpoint(
    bp,
    "POST",
    BASE,
    access=INVITE,
    body=schemas.InviteIn,
    returns=schemas.InviteResults,
    errors=("group_deleted", "rate_limited"),
    idempotent=True,  # creates invitations, though it answers 200 (one result per email)
    resumable=True,  # a retry under the key invites whoever a lost run did not, and answers every email
)
def invite(call: Call, account_id: str) -> schemas.InviteResults:
    """Invite 1 to 50 emails with one role and permission set; one result per email, in order."""
    return invitations.invite(call.deps, call.caller, call.account, call.body, call.session.ahead)


@endpoint(bp, "GET", BASE + "/allowance", access=MANAGE, returns=schemas.InvitationAllowance)
def invitation_allowance(call: Call, account_id: str) -> schemas.InvitationAllowance:
    """How many invitations the account may still send today (a UTC day): for a spreadsheet's preview."""
    return invitations.allowance(call.deps, account_id)


@endpoint(bp, "GET", BASE, access=MANAGE, query=schemas.InvitationListQuery, returns=schemas.InvitationPage)
def list_invitations(call: Call, account_id: str) -> schemas.InvitationPage:
    """Pending (default) or expired invitations, newest first."""
    return invitation_admin.list_invitations(call.deps, call.caller, call.account, call.query)


@endpoint(
    bp,
    "POST",
    BASE + "/{invitation_id}/resend",
    access=MANAGE,
    returns=schemas.Invitation,
    errors=("not_found", "rate_limited", "seat_limit_reached"),  # an expired one takes a seat again
)
def resend_invitation(call: Call, account_id: str, invitation_id: str) -> schemas.Invitation:
    """Send a new link with a new expiry; the old link stops working. Once a minute at most."""
    return invitation_admin.resend(call.deps, call.caller, call.account, invitation_id)


@endpoint(bp, "DELETE", BASE + "/{invitation_id}", access=MANAGE, status=204, errors=("not_found",))
def revoke_invitation(call: Call, account_id: str, invitation_id: str) -> None:
    """Revoke an invitation: its link stops working."""
    invitation_admin.revoke(call.deps, call.caller, account_id, invitation_id)


@endpoint(
    bp,
    "POST",
    "/invitations/lookup",
    access=PUBLIC,
    body=schemas.TokenIn,
    returns=schemas.LookupOut,
    errors=("not_found", "invitation_expired"),
)
def lookup_invitation(call: Call) -> schemas.LookupOut:
    """What an invitation link is for, so the portal can show the right accept form."""
    return acceptance.lookup(call.deps, call.body.token)


@endpoint(
    bp,
    "POST",
    "/invitations/accept",
    access=MAYBE_SIGNED_IN,
    body=schemas.AcceptIn,
    returns=schemas.AcceptOut,
    status=201,
    errors=(
        "invalid_credentials",
        "mfa_required",
        "email_mismatch",
        "not_found",
        "already_member",
        "owner_exists",
        "login_exists",
        "invitation_expired",
        "rate_limited",
    ),
    idempotent=False,  # its answer is an access token (and the link, once used, answers 404 to a retry)
)
def accept_invitation(call: Call) -> schemas.AcceptOut:
    """Accept as a new user (password and names) or an existing one (Bearer token or password)."""
    return acceptance.accept(call.deps, call.session.claims, call.body, call.request)
