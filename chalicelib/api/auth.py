"""Sessions and the signed-in user."""

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.access import PUBLIC, SIGNED_IN
from chalicelib.api.http import Call, endpoint
from chalicelib.lazy import LazyModule
from chalicelib.schemas.auth import (
    LoginIn,
    LoginOut,
    MeOut,
    PasswordChangeIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    ProfileIn,
    TokenOut,
    User,
)

bp = Blueprint(__name__)
# Each use case loads with the first request that runs it (see chalicelib/lazy.py); the real imports
# are for readers and the type checker.
if TYPE_CHECKING:
    from chalicelib.services import password_reset, sessions
else:
    password_reset = LazyModule("chalicelib.services.password_reset")
    sessions = LazyModule("chalicelib.services.sessions")


@endpoint(bp, "POST", "/auth/login", access=PUBLIC, body=LoginIn, returns=LoginOut, errors=(401, 429))
def login(call: Call) -> LoginOut:
    """Exchange email and password for an access token and the accounts to choose from."""
    return sessions.login(call.deps, call.body.email, call.body.password)


@endpoint(bp, "POST", "/auth/logout", access=SIGNED_IN, status=204)
def logout(call: Call) -> None:
    """End this session: the token stops working at once."""
    sessions.logout(call.deps, call.session.claims)


@endpoint(bp, "GET", "/me", access=SIGNED_IN, returns=MeOut)
def me(call: Call) -> MeOut:
    """The signed-in user and their active accounts."""
    return sessions.me(call.deps, call.user)


@endpoint(bp, "PATCH", "/me", access=SIGNED_IN, body=ProfileIn, returns=User)
def update_me(call: Call) -> User:
    """Change your own profile fields."""
    changes = call.body.model_dump(exclude_unset=True)
    return sessions.update_me(call.deps, call.user, changes)


@endpoint(
    bp, "POST", "/me/password", access=SIGNED_IN, body=PasswordChangeIn, returns=TokenOut, errors=(409, 429)
)
def change_password(call: Call) -> TokenOut:
    """Change your password; every older token stops working and a new one is returned."""
    body = call.body
    return sessions.change_password(call.deps, call.user, body.current_password, body.new_password)


@endpoint(bp, "POST", "/auth/password-reset", access=PUBLIC, body=PasswordResetIn, status=202)
def request_password_reset(call: Call) -> None:
    """Email a reset link if the address has a login; the answer is the same either way."""
    password_reset.request_reset(call.deps, call.body.email)


@endpoint(
    bp,
    "POST",
    "/auth/password-reset/confirm",
    access=PUBLIC,
    body=PasswordResetConfirmIn,
    status=204,
    errors=(404, 410),
)
def confirm_password_reset(call: Call) -> None:
    """Set a new password with a reset link; all the user's tokens stop working."""
    password_reset.confirm_reset(call.deps, call.body.token, call.body.new_password)
