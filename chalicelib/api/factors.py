"""Second factors and passkeys: your own (/me/mfa, /me/passkeys) and the sign-in steps that use them."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.api.lazy import factors_schemas as schemas
from chalicelib.api.lazy import mfa_login, passkey_admin, totp
from chalicelib.api.lazy import sessions_schemas as sessions
from chalicelib.api.route_guards import PUBLIC, SIGNED_IN, SIGNED_IN_WITH_LOGIN
from chalicelib.errors import ErrorCode

bp = Blueprint(__name__)
CODES: tuple[ErrorCode, ...] = ("invalid_code", "rate_limited")


@endpoint(
    bp, "POST", "/me/mfa/totp", access=SIGNED_IN, body=schemas.ProofIn, returns=schemas.TotpSetupOut,
    errors=(*CODES, "conflict"),
)  # fmt: skip
def start_totp(call: Call) -> schemas.TotpSetupOut:
    """Start two-step sign-in with an app: its secret, shown once (with a factor already: a current one)."""
    body = call.body
    return totp.start(call.deps, call.user, body.password, body.code, body.credential)


@endpoint(
    bp, "POST", "/me/mfa/totp/confirm", access=SIGNED_IN, body=schemas.TotpConfirmIn,
    returns=schemas.RecoveryCodesOut, errors=(*CODES, "conflict"),
)  # fmt: skip
def confirm_totp(call: Call) -> schemas.RecoveryCodesOut:
    """Turn it on with a first code: ten recovery codes, shown once."""
    return totp.confirm(call.deps, call.user, call.body.code)


@endpoint(
    bp, "POST", "/me/mfa/totp/disable", access=SIGNED_IN, body=schemas.TotpDisableIn, status=204,
    errors=(*CODES, "conflict"),
)  # fmt: skip
def disable_totp(call: Call) -> None:
    """Turn two-step sign-in with an app off (the password and a current code)."""
    totp.disable(call.deps, call.user, call.body.password, call.body.code)


@endpoint(
    bp, "POST", "/me/passkeys/options", access=SIGNED_IN, body=schemas.ProofIn,
    returns=schemas.WebAuthnOptions, errors=CODES,
)  # fmt: skip
def passkey_options(call: Call) -> dict[str, Any]:
    """Creation options for navigator.credentials.create (with a factor already: a current one)."""
    body = call.body
    return passkey_admin.options(call.deps, call.user, body.password, body.code, body.credential)


@endpoint(
    bp, "POST", "/me/passkeys", access=SIGNED_IN_WITH_LOGIN, body=schemas.PasskeyIn, returns=schemas.Passkey,
    status=201, idempotent=False, errors=(*CODES, "conflict"),
)  # fmt: skip
def add_passkey(call: Call) -> schemas.Passkey:
    """Register the browser's new passkey (its challenge works once, for 5 minutes)."""
    known = call.session.login_state  # the login rides the authorizing read: where the passkey leads
    login = known[0] if known is not None else None
    return passkey_admin.register(call.deps, call.user, call.body.name, call.body.credential, login)


@endpoint(bp, "GET", "/me/passkeys", access=SIGNED_IN, returns=schemas.PasskeyList)
def list_passkeys(call: Call) -> schemas.PasskeyList:
    """Your passkeys."""
    return passkey_admin.listing(call.deps, call.user)


@endpoint(
    bp, "DELETE", "/me/passkeys/{passkey_id}", access=SIGNED_IN, body=schemas.PasswordIn, status=204,
    errors=(*CODES, "not_found"),
)  # fmt: skip
def delete_passkey(call: Call, passkey_id: str) -> None:
    """Delete one of your passkeys (the password)."""
    passkey_admin.delete(call.deps, call.user, passkey_id, call.body.password)


@endpoint(
    bp, "POST", "/auth/login/mfa", access=PUBLIC, body=schemas.MfaLoginIn, returns=sessions.LoginOut,
    errors=(*CODES, "unauthenticated"),
)  # fmt: skip
def login_mfa(call: Call) -> sessions.LoginOut:
    """The second step of a login: a code, a recovery code or a passkey with the `mfa_token`."""
    return mfa_login.finish(call.deps, call.body, call.request)


@endpoint(bp, "POST", "/auth/passkey/options", access=PUBLIC, returns=schemas.WebAuthnOptions)
def sign_in_options(call: Call) -> dict[str, Any]:
    """Request options for signing in with a passkey alone (no email: nothing to enumerate)."""
    return mfa_login.passkey_options(call.deps)


@endpoint(
    bp, "POST", "/auth/passkey", access=PUBLIC, body=schemas.PasskeySignInIn, returns=sessions.LoginOut,
    errors=("invalid_code", "unauthenticated"),
)  # fmt: skip
def passkey_sign_in(call: Call) -> sessions.LoginOut:
    """Sign in with a passkey alone."""
    return mfa_login.passkey_sign_in(call.deps, call.body.credential, call.request)
