"""Who calls /scim/v2/{account_id}: a SCIM token of that account, nothing else (issue 31). Any other
account's token, a revoked or unknown one, an access token: 401, the same answer for each, so a token says
nothing about accounts it is not for. Each token makes 10 requests a second at most (429)."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.deps import Deps
from chalicelib.domain.caller import Caller, RequestInfo
from chalicelib.domain.scim_errors import ScimError
from chalicelib.services.scim_tokens import hash_token, is_token_shape
from chalicelib.store import keys
from chalicelib.store.models import AccountItem

UNKNOWN = "A SCIM token of this account is required (Authorization: Bearer <token>)."
TOO_FAST = "More than 10 requests in a second with this token: slow down."


@dataclass(frozen=True)
class ScimSession:
    caller: Caller  # the operator's reach, recorded as SCIM's (domain/caller.py `scim_token_id`)
    account: AccountItem


def authenticate(deps: Deps, account_id: str, token: str | None, request: RequestInfo | None) -> ScimSession:
    """The account's identity provider, by its token: one read of the hash's pointer, one count of the
    second's requests, the account, and `last_used_at` at most once a minute."""
    pointer = None
    if token is not None and is_token_shape(token) and keys.is_valid_id(account_id):
        pointer = deps.store.scim_tokens.by_hash(hash_token(token))
    if pointer is None or pointer.account_id != account_id:
        raise ScimError(401, UNKNOWN)
    now = deps.now()
    if not deps.store.scim_tokens.count_request(pointer.scim_token_id, now):
        raise ScimError(429, TOO_FAST)
    account = deps.store.accounts.get_account(account_id)
    if account is None:
        raise ScimError(401, UNKNOWN)
    deps.store.scim_tokens.mark_used(pointer, now)
    caller = Caller("operator", request=request, scim_token_id=pointer.scim_token_id)
    return ScimSession(caller, account)
