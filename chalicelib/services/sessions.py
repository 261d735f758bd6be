"""Login, logout, the signed-in user, password change."""

from __future__ import annotations

from typing import Any

from chalicelib.deps import Deps
from chalicelib.domain.caller import RequestInfo
from chalicelib.domain.lockout import MAX_FAILURES, WINDOW, FailureWindow, retry_after_seconds
from chalicelib.domain.paging import page
from chalicelib.errors import AppError, changed_meanwhile, rate_limited, unauthenticated
from chalicelib.schemas.sessions import (
    ACCOUNTS_PAGE,
    AccountRef,
    AccountRefPage,
    LoginOut,
    MeOut,
    TokenOut,
    User,
    account_refs,
    is_unlimited,
)
from chalicelib.security.tokens import TokenClaims, Via
from chalicelib.services.account_security import flag_mfa
from chalicelib.services.session_list import end_sessions
from chalicelib.services.sign_in import issue_sign_in
from chalicelib.store import keys
from chalicelib.store.models import AccountItem, LoginItem, MembershipItem, SubAccountItem, UserItem

BAD_CREDENTIALS = "The email or password is not correct."


def verify_credentials(deps: Deps, email: str, password: str, *, clear: bool = True) -> LoginItem:
    """The login when the password is right. Unknown email and wrong password answer alike, after the
    same argon2 work, and both count towards the email's lockout. Each check is counted before it is made
    (an atomic reservation), so at most MAX_FAILURES passwords are ever checked per window, under any burst.
    A right password clears the window (`clear=False`: the caller clears it with its own write)."""
    now = deps.now()
    login_item, failures = deps.store.users.login_state(email)
    wait = retry_after_seconds(failures, now)
    if wait is None and not deps.store.lockouts.reserve_login_attempt(email, now, failures):
        wait = (
            retry_after_seconds(FailureWindow(MAX_FAILURES, failures.started_at), now) if failures else None
        )
        wait = wait or int(WINDOW.total_seconds())
    if wait is not None:
        raise rate_limited(wait, "Too many failed logins for this email; try again later.")
    matched = deps.passwords.verify(login_item.password_hash if login_item else None, password)
    if login_item is None or not matched:
        raise AppError("invalid_credentials", BAD_CREDENTIALS)  # the reservation stands as the failure
    if clear:
        deps.store.lockouts.clear_login_failures(email)
    return login_item


def verify_on_link(
    deps: Deps, login: LoginItem, failures: FailureWindow | None, on_link: FailureWindow | None, password: str
) -> LoginItem:
    """The password of an existing login, given to accept an invitation. The link's read counted this check
    before it is made (`on_link`, this one included: at most MAX_FAILURES per link per window, under any
    burst), and the email's own lockout (`failures`, read with the invitation) applies as at login. A wrong
    password counts on the email's window too; a right one is cleared by the accepting transaction."""
    now = deps.now()
    checked_before = FailureWindow(on_link.count - 1, on_link.started_at) if on_link else None
    wait = retry_after_seconds(failures, now) or retry_after_seconds(checked_before, now)
    if wait is not None:
        raise rate_limited(wait, "Too many failed logins for this email; try again later.")
    if not deps.passwords.verify(login.password_hash, password):
        deps.store.lockouts.reserve_login_attempt(login.email, now, failures)  # counted as a failure
        raise AppError("invalid_credentials", BAD_CREDENTIALS)
    return login


def login(deps: Deps, email: str, password: str, client: RequestInfo | None = None) -> LoginOut:
    """After the credentials (a read and the lockout reservation): the profile, memberships and account
    names by key in one BatchGetItem (the login lists its accounts), then the login's one write: the user,
    its failures and the new session, never a membership (the copies job rewrites their copies of the login
    time)."""
    login_item = verify_credentials(deps, email, password, clear=False)
    now = deps.now()
    user_id = login_item.user_id
    user, memberships, accounts = deps.store.member_copies.user_and_accounts(
        user_id, login_item.account_ids or ()
    )
    if user is None:  # removed since the login was read
        raise AppError("invalid_credentials", BAD_CREDENTIALS)
    refs, cursor = _first_page(deps, user_id, _account_refs(deps, memberships, accounts, via="password"))
    hints = {m.account_id: m.group_id for m in memberships if m.group_id and m.status == "active"}
    version = int(login_item.token_version)
    started = issue_sign_in(deps, user_id, version, "password", hints, client=client)
    # and gives back its failure check, with the session in the same write
    deps.store.member_copies.record_login(user_id, now, email, started.writes)
    user.last_login_at = now
    issued = started.issued
    return LoginOut(
        access_token=issued.token,
        expires_at=issued.claims.expires_at,
        user=User.of(user),
        accounts=refs,
        accounts_cursor=cursor,
    )


def logout(deps: Deps, claims: TokenClaims | None) -> None:
    """The token's session ends (every token of it stops working); an older token naming no session is
    marked revoked."""
    if claims is None:
        raise unauthenticated()
    if claims.session_id is not None:
        end_sessions(deps, claims.user_id, [claims.session_id], "session_ended", "logout")
        return
    deps.store.revoked_tokens.revoke_token(claims.token_id, claims.expires_at)


def me(
    deps: Deps,
    user: UserItem,
    only: tuple[MembershipItem | None, AccountItem | None] | None = None,
    via: str | None = None,
) -> MeOut:
    """`only`: a support session's token sees the one account it acts at, as authorizing read it. `via`:
    how the asking session started (an account's second-factor policy may want more: `mfa_required`)."""
    if only is not None:
        membership, account = only
        known = {account.account_id: account} if account is not None else {}
        refs = _account_refs(deps, [membership] if membership and account else [], known, via="support")
        return MeOut(user=User.of(user), accounts=refs)
    memberships = deps.store.member_copies.memberships_of_user(user.user_id)
    refs, cursor = _first_page(deps, user.user_id, _account_refs(deps, memberships, via=via))
    return MeOut(user=User.of(user), accounts=refs, accounts_cursor=cursor)


def my_accounts(
    deps: Deps,
    user: UserItem,
    cursor: str | None,
    only: tuple[MembershipItem | None, AccountItem | None] | None = None,
    via: str | None = None,
) -> AccountRefPage:
    """The page of the user's accounts after `cursor` (a sealed (name, account id) of this user's list);
    `only`: a support session's token, which sees the one account it acts at (as GET /me)."""
    if only is not None:
        return AccountRefPage(items=me(deps, user, only).accounts, next_cursor=None)
    memberships = deps.store.member_copies.memberships_of_user(user.user_id)
    refs, next_cursor = _paged(deps, user.user_id, _account_refs(deps, memberships, via=via), cursor)
    return AccountRefPage(items=refs, next_cursor=next_cursor)


def _first_page(deps: Deps, user_id: str, refs: list[AccountRef]) -> tuple[list[AccountRef], str | None]:
    return _paged(deps, user_id, refs, None)


def _paged(
    deps: Deps, user_id: str, refs: list[AccountRef], cursor: str | None
) -> tuple[list[AccountRef], str | None]:
    """ACCOUNTS_PAGE at a time in the order the contract gives (name case-insensitive, then account id);
    the cursor opens only for this user's list."""
    return page(
        refs,
        lambda ref: (ref.name.lower(), ref.account_id),
        limit=ACCOUNTS_PAGE,
        cursor=cursor,
        scope=f"me-accounts:{user_id}",
        secret=deps.settings.token_secret,
    )


def _account_refs(
    deps: Deps,
    memberships: list[MembershipItem],
    accounts: dict[str, AccountItem] | None = None,
    *,
    via: str | None,
) -> list[AccountRef]:
    """The accounts to choose from, named as their account items name them now (`accounts`, when read
    already), with the sub-accounts each reaches, as /authorize decides it: a custom group's member reaches
    the group's sub-accounts (none once the group is gone), anyone else their membership's. What is missing
    is read in one BatchGetItem, and a group's list of sub-accounts, once known, in a second one. An account,
    group or sub-account deleted meanwhile is not found."""
    active = [m for m in memberships if m.status == "active"]
    in_group = [m for m in active if m.group_id and m.role == "member"]
    own = [m for m in active if m not in in_group and not is_unlimited(m)]
    wanted = [keys.sub_account(m.account_id, sid) for m in own for sid in m.sub_accounts or []]
    groups = [keys.group(m.account_id, m.group_id or "") for m in in_group]
    unnamed = [m.account_id for m in active] if accounts is None else []
    read = deps.store.accounts.named(unnamed, wanted, groups) if unnamed or wanted or groups else None
    names = {
        aid: account.name for aid, account in {**(accounts or {}), **(read.accounts if read else {})}.items()
    }
    scopes: dict[str, list[str]] = {m.account_id: list(m.sub_accounts or []) for m in own}
    for m in in_group:
        group = read.groups.get((m.account_id, m.group_id or "")) if read else None
        if group is None or group.sub_accounts is not None:
            scopes[m.account_id] = list(group.sub_accounts or []) if group else []
    found = list(read.sub_accounts) if read else []
    more = [keys.sub_account(m.account_id, sid) for m in in_group for sid in scopes.get(m.account_id, [])]
    if more:
        found += deps.store.accounts.named([], more).sub_accounts
    reachable: dict[str, list[SubAccountItem]] = {account_id: [] for account_id in scopes}
    for item in found:
        if item.sub_account_id in scopes.get(item.account_id, []):
            reachable[item.account_id].append(item)
    known = {**(accounts or {}), **(read.accounts if read else {})}
    return flag_mfa(account_refs(active, names, reachable), active, known, via, deps.now())


def update_me(deps: Deps, user: UserItem, changes: dict[str, Any]) -> User:
    """No change is no write: the user authorization read is the answer. A change is one write of the user;
    the memberships' copies of a name follow by the copies job."""
    if not changes:
        return User.of(user)
    return User.of(deps.store.member_copies.update_profile(user.user_id, changes, user, deps.now()))


def change_password(
    deps: Deps, user: UserItem, current_password: str, new_password: str, claims: TokenClaims | None = None
) -> TokenOut:
    """Every older token stops working (the version moves on); the session this change was made in goes
    on with the new token (its id kept), or a new one starts for a token that named none."""
    verify_credentials(deps, user.email, current_password, clear=False)  # cleared by the change's write
    kept = claims.session_id if claims is not None else None
    via: Via = claims.via if claims is not None else "password"  # the session goes on as it was made
    started = issue_sign_in(deps, user.user_id, int(user.token_version) + 1, via, keep_session=kept)
    session = (kept, started.issued.claims.expires_at) if kept is not None else None
    password_hash = deps.passwords.hash(new_password)
    outcome = deps.store.users.change_password(user, password_hash, session, started.writes)
    if "gone" in outcome.failed:
        raise unauthenticated("This session has ended.")
    if not outcome:
        raise changed_meanwhile("The password was changed at the same time; try again.")
    issued = started.issued
    return TokenOut(access_token=issued.token, expires_at=issued.claims.expires_at)
