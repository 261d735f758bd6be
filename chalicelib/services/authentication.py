"""Authentication: turning an access token or the operator key into a `Caller`, with what the request's
first read brought along (the user, their membership and the account in the path, or a link).

Nothing but the user id is trusted from a token: the user, the revocation marker (or the token's sign-in
session) and the membership are read on every request (one BatchGetItem), so logout, ending a session,
password changes, deactivation, removal and an admin's sign-out apply at once.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain.authorization import effective_scope
from chalicelib.domain.caller import ANONYMOUS, OPERATOR, Caller, Grant, SupportSession, display_name
from chalicelib.domain.permissions import as_role
from chalicelib.domain.security_policy import Policy, mfa_refuses
from chalicelib.domain.sign_in import SEEN_EVERY, seen_due
from chalicelib.errors import not_found, unauthenticated

if TYPE_CHECKING:  # storage types only: authenticating loads the store with its first read
    from chalicelib.deps import Deps
    from chalicelib.domain.lockout import FailureWindow
    from chalicelib.security.tokens import TokenClaims
    from chalicelib.store.keys import Key
    from chalicelib.store.models import AccountItem, GroupItem, LinkItem, LoginItem, MembershipItem, UserItem
    from chalicelib.store.read_ahead import ReadAhead
    from chalicelib.store.users import AuthContext


@dataclass(frozen=True)
class Session:
    """An authenticated request: who is calling, and the items authorizing it read."""

    caller: Caller = ANONYMOUS
    claims: TokenClaims | None = None
    user: UserItem | None = None
    membership: MembershipItem | None = None
    account: AccountItem | None = None
    link: LinkItem | None = None
    group: GroupItem | None = None  # the caller's custom group, read while authorizing
    # An admin signed the user out of the account in the path after this token was issued: 401 there
    # (POST /authorize: reason "signed_out"), and nothing else changes.
    signed_out: bool = False
    # What `with_login` read with the user: the login of the token's email and its failure window.
    login_state: tuple[LoginItem | None, FailureWindow | None] | None = None
    ahead: ReadAhead | None = None  # what the route read ahead with it: the keys asked, the items found


NO_SESSION = Session()


def read_token(deps: Deps, token: str) -> TokenClaims:
    """Signature and expiry only (401 otherwise); `confirm` checks the user behind it."""
    return deps.tokens.read(token, deps.now())


def signed_in(
    deps: Deps,
    token: str,
    account_id: str | None = None,
    link_hash: str | None = None,
    *,
    counts: bool = False,
    with_login: bool = False,
    ahead: Callable[[], Sequence[Key]] | None = None,
) -> Session:
    """The signed-in caller, with their membership of `account_id` and the account, or the link being
    opened, from the same one BatchGetItem (with their custom group when a hint names it; see below).
    `with_login`: the login the token's email hint names and its failure window too (POST /me/password
    checks the password again: one round trip fewer), as `Session.login_state`. `ahead`: keys the route
    reads ahead in that BatchGetItem, asked for once the token's signature holds (`Session.ahead`).

    A support session's token reaches its own account only: any other is absent for it (404, unread)."""
    from chalicelib.services.group_hints import group_of_member  # with the store: on a signed-in read

    claims = read_token(deps, token)
    if claims.support_account_id is not None and account_id not in (None, claims.support_account_id):
        raise not_found("account")
    extra = ahead() if ahead is not None else ()
    context = read_context(
        deps, claims, account_id, link_hash, counts=counts, with_login=with_login, ahead=extra
    )
    session = confirm(claims, context, group_of_member(deps, context))
    if session.signed_out:
        raise unauthenticated("You were signed out of this account; sign in again.")
    keep_seen(deps, context)
    if not (with_login or ahead is not None):  # the hot path: a plain read needs neither
        return session
    login_state = context.login_state if with_login else None
    return replace(session, login_state=login_state, ahead=context.ahead if ahead is not None else None)


def keep_seen(deps: Deps, context: AuthContext) -> None:
    """The session's `last_seen_at`, written only when older than SEEN_EVERY (one write per session per
    5 minutes, not one per request); the condition lets one of concurrent requests write it."""
    session = context.session
    now = deps.now()
    if session is not None and seen_due(session.last_seen_at, now):
        deps.store.sessions.touch(session, now, now - SEEN_EVERY)


def read_context(
    deps: Deps,
    claims: TokenClaims,
    account_id: str | None,
    link_hash: str | None = None,
    *,
    counts: bool = False,
    with_login: bool = False,
    ahead: Sequence[Key] = (),
) -> AuthContext:
    """The authorizing BatchGetItem. A support session's token always reads its account's membership and
    the session item with it (still one round trip), so a route without an account checks them too; and
    its row among the member's sessions, whose `last_seen_at` keep_seen keeps as a sign-in's (the support
    session item decides whether the token is live, not the row)."""
    from chalicelib.services.group_hints import GROUP_HINTS

    if claims.support_account_id is not None:
        account_id = claims.support_account_id
    # the process's own hint (learned from a membership read) first, else the one the token carries
    hint = (
        (GROUP_HINTS.get((claims.user_id, account_id)) or claims.group_hint(account_id))
        if account_id
        else None
    )
    return deps.store.users.auth_context(
        claims.user_id,
        claims.token_id,
        account_id,
        link_hash,
        hint,
        claims.support_session_id,
        claims.session_id or claims.support_session_id,
        counts,
        claims.email if with_login else None,
        ahead,
    )


def confirm(claims: TokenClaims, context: AuthContext, group: GroupItem | None = None) -> Session:
    """401 unless the user still exists, the token was not revoked (logout), its sign-in session was not
    ended and its version is current (password change); a support session's token, also unless its session
    is live and its member active."""
    user = context.user
    if user is None or context.revoked or int(user.token_version) != claims.version:
        raise unauthenticated("The access token is no longer valid.")
    if claims.session_id is not None and (context.session is None or context.session.user_id != user.user_id):
        raise unauthenticated("This session has ended; sign in again.")
    support = support_of(claims, context)
    membership, account = context.membership, context.account
    grant = grant_of(membership, group, live_sub_accounts(account)) if membership is not None else None
    caller = Caller(
        "user",
        user_id=user.user_id,
        email=user.email,
        name=display_name(user.first_name, user.last_name, user.email),
        grant=grant,
        support_session=support,
    )
    out = signed_out_of(claims, membership)
    return Session(caller, claims, user, membership, context.account, context.link, group, out)


def signed_out_of(claims: TokenClaims, membership: MembershipItem | None) -> bool:
    """Whether an admin signed the user out of this account at or after this token was issued (whole
    seconds: a token of the same second is refused too, so none issued before the sign-out slips by). A
    support session's token is the operator's, ended on its own."""
    stamp = membership.signed_out_at if membership is not None else None
    if stamp is None or claims.support_session_id is not None or claims.issued_at is None:
        return False
    return claims.issued_at <= stamp


def support_of(claims: TokenClaims, context: AuthContext) -> SupportSession | None:
    """The live support session a token names (None for an ordinary token). Its expiry is the token's own
    (checked when it was read) and TTL later deletes the item; ended, gone, or its member no longer active
    there: 401."""
    if claims.support_session_id is None:
        return None
    session, membership = context.support_session, context.membership
    if (
        session is None
        or session.ended_at is not None
        or session.user_id != claims.user_id
        or session.account_id != claims.support_account_id
        or membership is None
        or membership.status != "active"
    ):
        raise unauthenticated("The support session has ended.")
    return SupportSession(session.support_session_id, session.account_id, session.reason)


def grant_of(membership: MembershipItem, group: GroupItem | None, live: frozenset[str]) -> Grant:
    """A member of a custom group holds what the group grants (nothing, if the group is gone); anyone else
    what their own membership says."""
    active = membership.status == "active"
    if membership.group_id:
        permissions = frozenset(group.permissions) if group is not None else frozenset()
        stored_scope = group.sub_accounts if group is not None else []
        return Grant(
            role="member",
            permissions=permissions,
            active=active,
            sub_accounts=effective_scope("member", stored_scope, live),
            group_id=membership.group_id,
            group_manager=bool(membership.group_manager),
        )
    role = as_role(membership.role)
    return Grant(
        role=role,
        permissions=frozenset(membership.permissions),
        active=active,
        sub_accounts=effective_scope(role, membership.sub_accounts, live),
    )


def live_sub_accounts(account: AccountItem | None) -> frozenset[str]:
    """The account's sub-accounts that exist now (read with the account on every request)."""
    return frozenset(account.sub_account_ids or ()) if account is not None else frozenset()


def policy_of(account: AccountItem | None) -> Policy:
    """The account's second-factor policy as stored (read with the account on every request)."""
    if account is None or not account.mfa_required:
        return Policy(grace_days=int(account.mfa_grace_days or 0) if account is not None else 0)
    return Policy(account.mfa_required, int(account.mfa_grace_days or 0), account.mfa_level_changed_at)


def mfa_refused(session: Session, now: datetime) -> bool:
    """Whether the account in the path refuses this member's session for want of a second factor (its
    policy, their role and join time, how the session started; support sessions never). Decided from what
    authorizing read: no read of its own."""
    claims, membership = session.claims, session.membership
    grant = session.caller.grant
    if claims is None or membership is None or grant is None or not grant.active:
        return False
    support = claims.support_session_id is not None
    return mfa_refuses(
        policy_of(session.account), grant.role, membership.joined_at, claims.via, now, support=support
    )


def is_operator_key(deps: Deps, key: str) -> bool:
    return hmac.compare_digest(key.encode(), deps.settings.operator_api_key.encode())


def operator_on_account(deps: Deps, account_id: str | None) -> Session:
    """The operator acting on an account: the account is read (404 if there is none)."""
    account = deps.store.accounts.get_account(account_id) if account_id else None
    if account is None:
        raise not_found("account")
    return Session(OPERATOR, account=account)


OPERATOR_SESSION = Session(OPERATOR)
