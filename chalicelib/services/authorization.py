"""POST /authorize: the one question the rest of a portal asks before showing a page. Answered from one
BatchGetItem (user, revoked-token marker, membership, account with its live sub-accounts)."""

from __future__ import annotations

from chalicelib.deps import Deps
from chalicelib.schemas.sub_accounts import AuthorizeIn, AuthorizeOut
from chalicelib.security.tokens import TokenClaims
from chalicelib.services.auth import GROUP_HINTS, confirm, group_of_member, live_sub_accounts
from chalicelib.store import keys


def authorize(deps: Deps, claims: TokenClaims, body: AuthorizeIn) -> AuthorizeOut:
    """An account the caller is not an active member of answers `not_member` whether or not it exists."""
    account_id = body.account_id if keys.is_valid_id(body.account_id) else None
    hint = GROUP_HINTS.get((claims.user_id, account_id)) if account_id else None
    context = deps.store.users.auth_context(claims.user_id, claims.token_id, account_id, group_id=hint)
    session = confirm(claims, context, group_of_member(deps, context))
    caller = session.caller
    decision = caller.decide(body.permission, body.sub_account_id, live_sub_accounts(session.account))
    role = caller.grant.role if caller.grant is not None else None
    return AuthorizeOut(allowed=decision.allowed, role=role, reason=decision.reason)
