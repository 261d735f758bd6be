"""Sessions and the signed-in user."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.api.lazy import factors_schemas, password_reset, sessions
from chalicelib.api.lazy import sessions_schemas as schemas
from chalicelib.api.route_guards import PUBLIC, SIGNED_IN, SIGNED_IN_OR_SUPPORT, SIGNED_IN_WITH_LOGIN

bp = Blueprint(__name__)


@endpoint(
    bp,
    "POST",
    "/auth/login",
    access=PUBLIC,
    body=schemas.LoginIn,
    returns=factors_schemas.LoginAnswer,
    errors=("invalid_credentials", "rate_limited"),
)
def login(call: Call) -> schemas.LoginOut | factors_schemas.MfaRequiredOut:
    """Exchange email and password for an access token and the accounts to choose from (or, for a login
    with a second factor, the `mfa_token` for POST /auth/login/mfa)."""
    return sessions.login(call.deps, call.body.email, call.body.password, call.request)


@endpoint(bp, "POST", "/auth/logout", access=SIGNED_IN, status=204)
def logout(call: Call) -> None:
    """End this session: its token stops working at once."""
    sessions.logout(call.deps, call.session.claims)


@endpoint(bp, "GET", "/me", access=SIGNED_IN_OR_SUPPORT, returns=schemas.MeOut)
def me(call: Call) -> schemas.MeOut:
    """The signed-in user and their active accounts."""
    session = call.session
    only = (session.membership, session.account) if session.caller.support_session is not None else None
    via = session.claims.via if session.claims is not None else None
    return sessions.me(call.deps, call.user, only, via)


@endpoint(
    bp,
    "GET",
    "/me/accounts",
    access=SIGNED_IN_OR_SUPPORT,
    query=schemas.AccountsQuery,
    returns=schemas.AccountRefPage,
)
def my_accounts(call: Call) -> schemas.AccountRefPage:
    """The next page of your active accounts (login and GET /me list the first 50 and `accounts_cursor`)."""
    session = call.session
    only = (session.membership, session.account) if session.caller.support_session is not None else None
    via = session.claims.via if session.claims is not None else None
    return sessions.my_accounts(call.deps, call.user, call.query.cursor, only, via)


@endpoint(bp, "PATCH", "/me", access=SIGNED_IN, body=schemas.ProfileIn, returns=schemas.User)
def update_me(call: Call) -> schemas.User:
    """Change your own profile fields."""
    changes = call.body.model_dump(exclude_unset=True)
    return sessions.update_me(call.deps, call.user, changes)


@endpoint(
    bp,
    "POST",
    "/me/password",
    access=SIGNED_IN_WITH_LOGIN,
    body=schemas.PasswordChangeIn,
    returns=schemas.TokenOut,
    errors=("invalid_credentials", "mfa_required", "rate_limited"),
)
def change_password(call: Call) -> schemas.TokenOut:
    """Change your password; every older token stops working and a new one is returned."""
    body = call.body
    claims = call.session.claims
    known = call.session.login_state
    return sessions.change_password(
        call.deps, call.user, body.current_password, body.new_password, claims, known
    )


@endpoint(bp, "POST", "/auth/password-reset", access=PUBLIC, body=schemas.PasswordResetIn, status=202)
def request_password_reset(call: Call) -> None:
    """Email a reset link if the address has a login; the answer is the same either way."""
    password_reset.request_reset(call.deps, call.body.email)


@endpoint(
    bp,
    "POST",
    "/auth/password-reset/confirm",
    access=PUBLIC,
    body=schemas.PasswordResetConfirmIn,
    status=204,
    errors=("not_found", "token_expired"),
)
def confirm_password_reset(call: Call) -> None:
    """Set a new password with a reset link; all the user's tokens stop working."""
    password_reset.confirm_reset(call.deps, call.body.token, call.body.new_password)
