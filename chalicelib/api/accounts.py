"""Accounts."""

from chalice import Blueprint

from chalicelib.api.access import OPERATOR, member_of
from chalicelib.api.http import Call, endpoint
from chalicelib.schemas.accounts import Account, AccountCreated, AccountCreateIn
from chalicelib.services import accounts

bp = Blueprint(__name__)


@endpoint(bp, "POST", "/accounts", access=OPERATOR, body=AccountCreateIn, returns=AccountCreated, status=201)
def create_account(call: Call) -> AccountCreated:
    """Create an account and email its owner an invitation (operator only)."""
    return accounts.create_account(call.deps, call.body)


@endpoint(bp, "GET", "/accounts/{account_id}", access=member_of(), returns=Account)
def get_account(call: Call, account_id: str) -> Account:
    """An account, for any of its active members or an operator."""
    return accounts.get_account(call.deps, call.principal, account_id)
