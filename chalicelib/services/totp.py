"""Two-step sign-in with an authenticator app: setting it up, confirming it with a first code (which gives
the recovery codes), and turning it off."""

from __future__ import annotations

from typing import Any

from chalicelib.deps import Deps
from chalicelib.errors import AppError, changed_meanwhile
from chalicelib.msgids import N_
from chalicelib.schemas.factors import RecoveryCodesOut, TotpSetupOut
from chalicelib.security import otp
from chalicelib.security.sealing import seal
from chalicelib.services.factor_checks import (
    TOTP_SEALING,
    check_totp,
    confirm_password,
    factor_event,
    factor_notice,
    invalid_code,
    prove_current_factor,
    reserve_code_check,
    totp_step,
)
from chalicelib.services.password_reset import PORTAL_NAME
from chalicelib.store import keys
from chalicelib.store.factors import TOTP
from chalicelib.store.models import TotpItem, UserItem


def _already_on() -> AppError:
    return AppError("conflict", "Two-step sign-in with an app is already on; turn it off first.")


def start(
    deps: Deps, user: UserItem, password: str, code: str | None, credential: dict[str, Any] | None
) -> TotpSetupOut:
    """A new secret, kept sealed and unconfirmed until its first code: shown here once, never again."""
    confirm_password(deps, user, password)
    if TOTP in (user.factors or ()):
        raise _already_on()
    prove_current_factor(deps, user, code, credential)
    secret = otp.new_secret()
    sealed = seal(deps.settings.token_secret, TOTP_SEALING, secret)
    item = TotpItem(
        *keys.totp(user.user_id),
        user_id=user.user_id,
        sealed_secret=sealed,
        confirmed=False,
        created_at=deps.now(),
    )
    if not deps.store.factors.start_totp(item):
        raise _already_on()
    uri = otp.otpauth_uri(secret, user.email, PORTAL_NAME)
    return TotpSetupOut(secret=secret, otpauth_uri=uri, qr_svg=otp.qr_svg(uri))


def confirm(deps: Deps, user: UserItem, code: str) -> RecoveryCodesOut:
    """The first code turns it on, with ten recovery codes (shown once, kept as SHA-256 hashes) and the
    email saying so, in one transaction; that code's step is the first one used."""
    state = deps.store.factors.state(user.user_id)
    if state.totp is None or state.totp.confirmed:
        raise AppError("conflict", "There is no setup to confirm; start one first.")
    reserve_code_check(deps, user.user_id, state.failures)
    step = totp_step(deps, state.totp, code)
    if step is None:
        raise invalid_code()
    codes = otp.new_recovery_codes()
    hashes = {otp.hash_recovery_code(c) for c in codes}
    mail = factor_notice(deps, user, N_("Two-step sign-in with an authenticator app was turned on"))
    outcome = deps.store.factors.confirm_totp(
        user, state.totp, step, hashes, mail, factor_event(deps, user.user_id, "factor_added", TOTP)
    )
    if not outcome:
        raise changed_meanwhile("The setup was started again meanwhile; use the new secret.")
    deps.store.lockouts.give_back_code_attempt(user.user_id, deps.now())
    return RecoveryCodesOut(recovery_codes=codes)


def disable(deps: Deps, user: UserItem, password: str, code: str) -> None:
    """The password and a current code turn it off, the recovery codes with it."""
    confirm_password(deps, user, password)
    if TOTP not in (user.factors or ()):
        raise AppError("conflict", "Two-step sign-in with an app is not on.")
    check_totp(deps, user.user_id, code)
    mail = factor_notice(deps, user, N_("Two-step sign-in with an authenticator app was turned off"))
    event = factor_event(deps, user.user_id, "factor_removed", TOTP)
    if not deps.store.factors.remove_totp(user, mail, event):
        raise changed_meanwhile("It was turned off meanwhile.")
