"""POST /authorize: the one question the rest of a portal asks before showing a page. Answered from one
BatchGetItem (user, revoked-token marker or sign-in session, membership, account with its live
sub-accounts and its second-factor policy)."""

from __future__ import annotations

from chalicelib.deps import Deps
from chalicelib.domain.authorization import Decision
from chalicelib.schemas.sub_accounts import AuthorizeIn, AuthorizeOut
from chalicelib.security.tokens import TokenClaims
from chalicelib.services.authentication import (
    confirm,
    keep_seen,
    live_sub_accounts,
    mfa_refused,
    read_context,
)
from chalicelib.services.group_hints import group_of_member
from chalicelib.store import keys


def authorize(deps: Deps, claims: TokenClaims, body: AuthorizeIn) -> AuthorizeOut:
    """An account the caller is not an active member of answers `not_member` whether or not it exists; so
    does any account but its own for a support session's token. The contract's order of refusals: signed
    out of the account (its routes' 401), not a member or deactivated (404), the policy's second factor
    (403 mfa_required), then the permission and sub-account."""
    account_id = body.account_id if keys.is_valid_id(body.account_id) else None
    context = read_context(deps, claims, account_id)
    session = confirm(claims, context, group_of_member(deps, context))
    keep_seen(deps, context)
    if claims.support_account_id is not None and account_id != claims.support_account_id:
        return AuthorizeOut(allowed=False, role=None, reason="not_member")
    caller = session.caller
    decision = caller.decide(body.permission, body.sub_account_id, live_sub_accounts(session.account))
    if session.signed_out:
        decision = Decision(False, "signed_out")
    elif decision.reason not in ("not_member", "deactivated") and mfa_refused(session, deps.now()):
        decision = Decision(False, "mfa_required")
    role = caller.grant.role if caller.grant is not None else None
    return AuthorizeOut(allowed=decision.allowed, role=role, reason=decision.reason)
