"""SCIM tokens (issue 31, API.md "SCIM 2.0"): the owner (or the operator) makes at most 2 active tokens
(one in use, one to rotate to), lists them with when each was last used, and revokes them. A token is shown
once; the table keeps its SHA-256. Authenticating a SCIM request with one is services/scim_auth.py."""

from __future__ import annotations

import re
from typing import Final

from chalicelib.deps import Deps
from chalicelib.domain.audit import Target
from chalicelib.domain.caller import Caller
from chalicelib.errors import AppError, changed_meanwhile, not_found
from chalicelib.ids import new_id
from chalicelib.schemas.scim_tokens import CreatedScimToken, ScimToken, ScimTokenPage
from chalicelib.security.links import hash_link_token, new_link_token
from chalicelib.services.audit_record import record
from chalicelib.store import keys
from chalicelib.store.models import AccountItem, ScimTokenItem

# A prefix says what a leaked token is (secret scanners match it); 43 random characters follow.
PREFIX: Final = "pascim_"
_SHAPE = re.compile(r"^pascim_[A-Za-z0-9_-]{43}$")
FULL = "An account has at most 2 active SCIM tokens: revoke one first."


def new_token() -> tuple[str, str]:
    """(the token shown once, its hash for the table)."""
    raw, _ = new_link_token()
    token = PREFIX + raw
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hash_link_token(token)


def is_token_shape(token: str) -> bool:
    """A string of another shape was never issued: refused without reading the table."""
    return bool(_SHAPE.match(token))


def create_token(deps: Deps, caller: Caller, account: AccountItem) -> CreatedScimToken:
    token, token_hash = new_token()
    token_id = new_id("sct")
    item = ScimTokenItem(
        *keys.scim_token(account.account_id, token_id),
        account_id=account.account_id,
        scim_token_id=token_id,
        token_hash=token_hash,
        created_by=caller.user_id,
        created_at=deps.now(),
    )
    event = record(deps, "scim_token.created", caller, account.account_id, _target(item))
    outcome = deps.store.scim_tokens.create(item, event)
    if "full" in outcome.failed:
        raise AppError("conflict", FULL)
    if not outcome:
        raise changed_meanwhile("SCIM tokens kept changing; try again.")
    return CreatedScimToken(**ScimToken.of(item).model_dump(), token=token)


def _target(item: ScimTokenItem) -> Target:
    return Target("scim_token", item.scim_token_id)


def list_tokens(deps: Deps, account: AccountItem) -> ScimTokenPage:
    """The active ones, newest first."""
    found = [t for t in deps.store.scim_tokens.tokens_of(account.account_id) if t.revoked_at is None]
    found.sort(key=lambda item: item.created_at, reverse=True)
    return ScimTokenPage(items=[ScimToken.of(item) for item in found], next_cursor=None)


def revoke_token(deps: Deps, caller: Caller, account: AccountItem, token_id: str) -> None:
    """It stops working at once (its hash pointer goes in the same transaction)."""
    token = (
        deps.store.scim_tokens.get_token(account.account_id, token_id) if keys.is_valid_id(token_id) else None
    )
    if token is None or token.revoked_at is not None:
        raise not_found("SCIM token")
    event = record(deps, "scim_token.revoked", caller, account.account_id, _target(token))
    if not deps.store.scim_tokens.revoke(token, deps.now(), event):
        raise not_found("SCIM token")
