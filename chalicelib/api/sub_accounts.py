"""Sub-accounts (any member lists those they reach; the owner or operator changes them), and /authorize."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.api.lazy import access_check, sub_accounts
from chalicelib.api.lazy import sub_accounts_schemas as schemas
from chalicelib.api.route_guards import OWNER, TOKEN_CHECKED, member_of

bp = Blueprint(__name__)

BASE = "/accounts/{account_id}/sub-accounts"
ONE = BASE + "/{sub_account_id}"


@endpoint(
    bp, "GET", BASE, access=member_of(), query=schemas.SubAccountListQuery, returns=schemas.SubAccountPage
)
def list_sub_accounts(call: Call, account_id: str) -> schemas.SubAccountPage:
    """The sub-accounts the caller reaches, by name."""
    return sub_accounts.list_sub_accounts(call.deps, call.caller, call.account, call.query)


@endpoint(
    bp,
    "POST",
    BASE,
    access=OWNER,
    body=schemas.SubAccountIn,
    returns=schemas.SubAccount,
    status=201,
    errors=("limit_reached",),
)
def create_sub_account(call: Call, account_id: str) -> schemas.SubAccount:
    """Add a sub-account (owner or operator)."""
    return sub_accounts.create_sub_account(call.deps, call.caller, call.account, call.body)


@endpoint(
    bp,
    "PATCH",
    ONE,
    access=OWNER,
    body=schemas.SubAccountIn,
    returns=schemas.SubAccount,
    errors=("not_found",),
)
def rename_sub_account(call: Call, account_id: str, sub_account_id: str) -> schemas.SubAccount:
    """Rename a sub-account (owner or operator)."""
    return sub_accounts.rename_sub_account(call.deps, call.caller, call.account, sub_account_id, call.body)


@endpoint(bp, "DELETE", ONE, access=OWNER, status=204, errors=("not_found",))
def delete_sub_account(call: Call, account_id: str, sub_account_id: str) -> None:
    """Delete a sub-account: it drops out of every scope at once (owner or operator)."""
    sub_accounts.delete_sub_account(call.deps, call.caller, call.account, sub_account_id)


@endpoint(
    bp, "POST", "/authorize", access=TOKEN_CHECKED, body=schemas.AuthorizeIn, returns=schemas.AuthorizeOut
)
def authorize(call: Call) -> schemas.AuthorizeOut:
    """May the signed-in user use a permission on an account, and on one of its sub-accounts?"""
    assert call.session.claims is not None  # TOKEN_CHECKED answers 401 without a token
    return access_check.authorize(call.deps, call.session.claims, call.body)
