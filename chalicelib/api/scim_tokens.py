"""SCIM tokens (issue 31): the owner (or the operator) makes, lists and revokes the bearer tokens the
account's identity provider calls /scim/v2/{account_id} with (api/scim_http.py)."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.api.lazy import scim_tokens
from chalicelib.api.lazy import scim_tokens_schemas as schemas
from chalicelib.api.route_guards import OWNER

bp = Blueprint(__name__)
BASE = "/accounts/{account_id}/scim-tokens"


@endpoint(
    bp,
    "POST",
    BASE,
    access=OWNER,
    returns=schemas.CreatedScimToken,
    status=201,
    errors=("conflict",),
    idempotent=False,  # its answer carries the token, which is never kept
)
def create_scim_token(call: Call, account_id: str) -> schemas.CreatedScimToken:
    """Make a SCIM token (shown only in this answer; 2 active at most)."""
    return scim_tokens.create_token(call.deps, call.caller, call.account)


@endpoint(bp, "GET", BASE, access=OWNER, returns=schemas.ScimTokenPage)
def list_scim_tokens(call: Call, account_id: str) -> schemas.ScimTokenPage:
    """The account's active SCIM tokens, newest first, with when each was last used."""
    return scim_tokens.list_tokens(call.deps, call.account)


@endpoint(bp, "DELETE", BASE + "/{scim_token_id}", access=OWNER, status=204, errors=("not_found",))
def revoke_scim_token(call: Call, account_id: str, scim_token_id: str) -> None:
    """Revoke a SCIM token: it stops working at once."""
    scim_tokens.revoke_token(call.deps, call.caller, call.account, scim_token_id)
