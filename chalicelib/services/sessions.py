"""Login, logout, the signed-in user, password change."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from chalicelib.deps import Deps
from chalicelib.domain.caller import RequestInfo
from chalicelib.domain.lockout import MAX_FAILURES, WINDOW, FailureWindow, retry_after_seconds
from chalicelib.errors import AppError, changed_meanwhile, rate_limited, unauthenticated
from chalicelib.msgids import N_
from chalicelib.schemas.factors import MfaRequiredOut
from chalicelib.schemas.sessions import AccountRefPage, LoginOut, MeOut, TokenOut, User
from chalicelib.security.tokens import TokenClaims, Via
from chalicelib.services.account_list import BY_KEY, Listed, account_refs_of, listed, login_page
from chalicelib.services.session_list import end_sessions
from chalicelib.services.sign_in import WITH_SECOND_FACTOR, has_second_factor, issue_sign_in
from chalicelib.store.models import AccountItem, Item, LoginItem, MembershipItem, UserItem

BAD_CREDENTIALS = N_("The email or password is not correct.")
# The sign-in's one write: (now, the email whose password check to give back, the session and its event).
SignInWrite = Callable[[datetime, str | None, Sequence[Item]], None]


# The login of an email and its failure window, as read (store/users.py `login_state`).
LoginState = tuple[LoginItem | None, FailureWindow | None]


def verify_credentials(
    deps: Deps, email: str, password: str, *, clear: bool = True, known: LoginState | None = None
) -> LoginItem:
    """The login when the password is right. Unknown email and wrong password answer alike, after the
    same argon2 work, and both count towards the email's lockout. Each check is counted before it is made
    (an atomic reservation), so at most MAX_FAILURES passwords are ever checked per window, under any burst.
    A right password clears the window (`clear=False`: the caller clears it with its own write). `known`:
    the login and window of `email` read already (else read here)."""
    now = deps.now()
    login_item, failures = known if known is not None else deps.store.users.login_state(email)
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


def login(
    deps: Deps, email: str, password: str, client: RequestInfo | None = None
) -> LoginOut | MfaRequiredOut:
    """The check counted first (one UpdateItem that also says where the email led at the last sign-in),
    then the login with that user's first page and the scope items it needed then (one BatchGetItem:
    services/account_list.py `login_page`; the page read again only when the login lists other accounts
    now, a scope item only when the memberships and groups read need one not read), then the login's one
    write: the user, its check given back, where the email leads (with the scope items its page needed)
    and the new session, never a membership. 3 round trips, in 1 account as in 49, scoped or not. An
    unknown email, a wrong password and a locked login make the same calls as one another and get the
    same answers. A user with a second factor gets the second step instead
    (services/mfa_login.py), no token."""
    now = deps.now()
    check = deps.store.lockouts.count_login_check(email, now)
    if not check.allowed:
        wait = retry_after_seconds(check.window, now) or int(WINDOW.total_seconds())
        raise rate_limited(wait, "Too many failed logins for this email; try again later.")
    hint = (
        (check.user_id, check.account_ids) if check.user_id and 0 < len(check.account_ids) <= BY_KEY else None
    )
    login_item, page, ahead = deps.store.member_copies.login_and_page(email, hint, check.scope)
    matched = deps.passwords.verify(login_item.password_hash if login_item else None, password)
    if login_item is None or not matched:
        raise AppError("invalid_credentials", BAD_CREDENTIALS)  # the check counted stands as the failure
    mine = page is not None and hint is not None and hint[0] == login_item.user_id
    read = (set(check.account_ids), page) if mine and page else None
    first = login_page(deps, login_item, read=read, ahead=ahead)
    if first.user is None:  # removed since the login was read
        raise AppError("invalid_credentials", BAD_CREDENTIALS)
    if has_second_factor(first.user):
        from chalicelib.services import mfa_login  # it builds on this module: imported when needed

        # The check stays counted until the second step gives it back (signed_in), as a right password
        # alone does: a second step never taken counts as a failed login.
        return mfa_login.begin(deps, first.user, login_item.account_ids)
    record = partial(
        deps.store.member_copies.record_password_sign_in,
        login_item.user_id,
        alone=check.window.count == 1,
        account_ids=login_item.account_ids or (),
        scope=first.scope,
    )

    def write(at: datetime, _: str | None, writes: Sequence[Item]) -> None:
        record(at, email, writes=writes)

    return signed_in(deps, login_item, first, "password", email, client, write)


def signed_in(
    deps: Deps,
    login_item: LoginItem,
    first: Listed,
    via: Via,
    email: str | None = None,
    client: RequestInfo | None = None,
    write: SignInWrite | None = None,
) -> LoginOut:
    """The login body for a sign-in made `via` (`first`: login_page's, its user read); `email`: the login
    whose password check to give back. The new session and its security event ride the login's one write
    (services/sign_in.py); `write`: that write, when a second step adds what it uses up to it (raising when
    its conditions fail: services/mfa_login.py)."""
    user = first.user
    assert user is not None, "login_page read the user"
    now = deps.now()
    hints = {m.account_id: m.group_id for m in first.memberships if m.group_id and m.status == "active"}
    version = int(login_item.token_version)
    started = issue_sign_in(deps, user.user_id, version, via, hints, client=client, email=login_item.email)
    # and gives back its failure check, with the session in the same write
    (write or partial(deps.store.member_copies.record_login, user.user_id))(now, email, started.writes)
    user.last_login_at = now
    issued = started.issued
    return LoginOut(
        access_token=issued.token,
        expires_at=issued.claims.expires_at,
        user=User.of(user),
        accounts=first.refs,
        accounts_cursor=first.cursor,
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
        refs, _ = account_refs_of(
            deps, [membership] if membership and account else [], accounts=known, via="support"
        )
        return MeOut(user=User.of(user), accounts=refs)
    first = listed(deps, user.user_id, via=via)
    return MeOut(user=User.of(user), accounts=first.refs, accounts_cursor=first.cursor)


def my_accounts(
    deps: Deps,
    user: UserItem,
    cursor: str | None,
    only: tuple[MembershipItem | None, AccountItem | None] | None = None,
    via: str | None = None,
) -> AccountRefPage:
    """The page of the user's accounts after `cursor` (services/account_list.py); `only`: a support
    session's token, which sees the one account it acts at (as GET /me)."""
    if only is not None:
        return AccountRefPage(items=me(deps, user, only).accounts, next_cursor=None)
    found = listed(deps, user.user_id, cursor, via=via)
    return AccountRefPage(items=found.refs, next_cursor=found.cursor)


def update_me(deps: Deps, user: UserItem, changes: dict[str, Any]) -> User:
    """No change is no write: the user authorization read is the answer. A change is one write of the user;
    the memberships' copies of a name follow by the copies job."""
    if not changes:
        return User.of(user)
    return User.of(deps.store.member_copies.update_profile(user.user_id, changes, user, deps.now()))


def change_password(
    deps: Deps,
    user: UserItem,
    current_password: str,
    new_password: str,
    claims: TokenClaims | None = None,
    known: LoginState | None = None,
) -> TokenOut:
    """Every older token stops working (the version moves on); the session this change was made in goes
    on with the new token (its id kept), or a new one starts for a token that named none. A user with a
    second factor changes it only in a session started with one. `known`: the login and failure window
    the authorizing read brought by the token's email hint, used when they are this user's."""
    via: Via = claims.via if claims is not None else "password"  # the session goes on as it was made
    if has_second_factor(user) and via not in WITH_SECOND_FACTOR:
        raise AppError("mfa_required", "Sign in with your second factor to change your password.")
    state = known if known is not None and is_login_of(known[0], user) else None
    verify_credentials(deps, user.email, current_password, clear=False, known=state)  # the change clears it
    kept = claims.session_id if claims is not None else None
    version = int(user.token_version) + 1
    started = issue_sign_in(deps, user.user_id, version, via, keep_session=kept, email=user.email)
    session = (kept, started.issued.claims.expires_at) if kept is not None else None
    password_hash = deps.passwords.hash(new_password)
    outcome = deps.store.users.change_password(user, password_hash, session, started.writes)
    if "gone" in outcome.failed:
        raise unauthenticated("This session has ended.")
    if not outcome:
        raise changed_meanwhile("The password was changed at the same time; try again.")
    issued = started.issued
    return TokenOut(access_token=issued.token, expires_at=issued.claims.expires_at)


def is_login_of(login: LoginItem | None, user: UserItem) -> bool:
    """Whether a login read by a token's email hint is the user's own login now (a hint gone stale, or an
    email now another user's, is not: its failure window is not the user's either)."""
    return login is not None and login.user_id == user.user_id and login.email == user.email
