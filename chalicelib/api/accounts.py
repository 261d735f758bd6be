"""Accounts."""

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.access import OPERATOR, OPERATOR_ON_ACCOUNT, OWNER, member_of
from chalicelib.api.http import Call, endpoint
from chalicelib.lazy import LazyModule
from chalicelib.schemas.accounts import (
    Account,
    AccountCreated,
    AccountCreateIn,
    AccountUpdateIn,
    OwnerInvitationIn,
    OwnershipIn,
)
from chalicelib.schemas.invitations import Invitation

bp = Blueprint(__name__)
# Each use case loads with the first request that runs it (see chalicelib/lazy.py); the real imports
# are for readers and the type checker.
if TYPE_CHECKING:
    from chalicelib.services import accounts
else:
    accounts = LazyModule("chalicelib.services.accounts")


@endpoint(bp, "POST", "/accounts", access=OPERATOR, body=AccountCreateIn, returns=AccountCreated, status=201)
def create_account(call: Call) -> AccountCreated:
    """Create an account and email its owner an invitation (operator only)."""
    return accounts.create_account(call.deps, call.body)


@endpoint(bp, "GET", "/accounts/{account_id}", access=member_of(), returns=Account)
def get_account(call: Call, account_id: str) -> Account:
    """An account, for any of its active members or an operator."""
    return accounts.get_account(call.account)


@endpoint(
    bp, "PATCH", "/accounts/{account_id}", access=member_of("profile"), body=AccountUpdateIn, returns=Account
)
def update_account(call: Call, account_id: str) -> Account:
    """Rename the account."""
    return accounts.rename_account(call.deps, call.account, call.body.name)


@endpoint(
    bp,
    "POST",
    "/accounts/{account_id}/ownership",
    access=OWNER,
    body=OwnershipIn,
    returns=Account,
    errors=(409,),
)
def transfer_ownership(call: Call, account_id: str) -> Account:
    """Make another active member the owner; the old owner becomes admin (owner or operator)."""
    own = call.session.membership  # the owner's, read while authorizing (none for the operator)
    return accounts.transfer_ownership(call.deps, call.caller, call.account, call.body.user_id, own)


@endpoint(
    bp, "POST", "/accounts/{account_id}/owner-invitation", access=OPERATOR_ON_ACCOUNT, body=OwnerInvitationIn,
    returns=Invitation, status=201, errors=(409,),
)  # fmt: skip
def invite_owner(call: Call, account_id: str) -> Invitation:
    """Invite an owner for an account that has none (its owner invitation lapsed or was revoked)."""
    return accounts.invite_owner(call.deps, call.account, call.body)
