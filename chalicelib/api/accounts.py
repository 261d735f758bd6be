"""Accounts."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.api.lazy import account_changes_schemas as changes
from chalicelib.api.lazy import accounts, invitations_schemas, owner_invitations, seats
from chalicelib.api.lazy import accounts_schemas as schemas
from chalicelib.api.route_guards import OPERATOR, OPERATOR_ON_ACCOUNT, OWNER_COUNTED, member_of

bp = Blueprint(__name__)


@endpoint(
    bp,
    "POST",
    "/accounts",
    access=OPERATOR,
    body=changes.AccountCreateIn,
    returns=invitations_schemas.AccountCreated,
    status=201,
    errors=("rate_limited",),  # the owner's address has had its fill of emails
)
def create_account(call: Call) -> invitations_schemas.AccountCreated:
    """Create an account and email its owner an invitation (operator only)."""
    return owner_invitations.create_account(call.deps, call.caller, call.body)


@endpoint(bp, "GET", "/accounts/{account_id}", access=member_of(counts=True), returns=schemas.Account)
def get_account(call: Call, account_id: str) -> schemas.Account:
    """An account, for any of its active members or an operator."""
    return accounts.get_account(call.deps, call.account)


@endpoint(
    bp,
    "PATCH",
    "/accounts/{account_id}",
    access=member_of("profile", counts=True),
    body=changes.AccountUpdateIn,
    returns=schemas.Account,
)
def update_account(call: Call, account_id: str) -> schemas.Account:
    """Rename the account, turn its invitation reminders on or off, choose which domains it may invite
    (`invite_domains`: the owner or the operator) or its brand (`brand_id`: the operator)."""
    brand = (call.body.brand_named, call.body.brand_id)
    return accounts.update_account(call.deps, call.caller, call.account, call.body.changes(), brand)


@endpoint(
    bp,
    "POST",
    "/accounts/{account_id}/ownership",
    access=OWNER_COUNTED,
    body=changes.OwnershipIn,
    returns=schemas.Account,
    errors=("not_found", "member_deactivated"),
)
def transfer_ownership(call: Call, account_id: str) -> schemas.Account:
    """Make another active member the owner; the old owner becomes admin (owner or operator)."""
    own = call.session.membership  # the owner's, read while authorizing (none for the operator)
    return accounts.transfer_ownership(call.deps, call.caller, call.account, call.body.user_id, own)


@endpoint(
    bp,
    "POST",
    "/accounts/{account_id}/owner-invitation",
    access=OPERATOR_ON_ACCOUNT,
    body=changes.OwnerInvitationIn,
    returns=invitations_schemas.Invitation,
    status=201,
    errors=("conflict", "address_taken", "rate_limited"),
)
def invite_owner(call: Call, account_id: str) -> invitations_schemas.Invitation:
    """Invite an owner for an account that has none (its owner invitation lapsed or was revoked)."""
    return owner_invitations.invite_owner(call.deps, call.caller, call.account, call.body)


@endpoint(
    bp,
    "PUT",
    "/accounts/{account_id}/seats",
    access=OPERATOR_ON_ACCOUNT,
    body=changes.SeatsIn,
    returns=schemas.Account,
    errors=("conflict",),  # the account's seats are not counted yet (the backfill counts them)
)
def set_seats(call: Call, account_id: str) -> schemas.Account:
    """Set the plan's user limit (null: unlimited); a limit below what is used removes nobody (operator)."""
    return seats.set_limit(call.deps, call.caller, call.account, call.body.limit)
