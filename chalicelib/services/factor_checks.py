"""The checks every second-factor use case shares: the password on a Bearer route, a TOTP code or recovery
code under the user's code lockout, a WebAuthn challenge used once, a passkey assertion, and the email that
tells the user a factor was added or removed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.deps import Deps
from chalicelib.domain.locales import DEFAULT_LOCALE, Locale, reader_locale
from chalicelib.domain.lockout import WINDOW, FailureWindow, retry_after_seconds
from chalicelib.errors import AppError, rate_limited
from chalicelib.ids import new_sortable_id
from chalicelib.msgids import N_
from chalicelib.security import otp, passkeys
from chalicelib.security.passkeys import PasskeyError, RelyingParty
from chalicelib.security.sealing import unseal
from chalicelib.services.outbox import notice
from chalicelib.services.password_reset import PORTAL_NAME
from chalicelib.services.sessions import verify_credentials
from chalicelib.store import keys
from chalicelib.store.factors import PASSKEY, FactorState, Spent
from chalicelib.store.models import (
    ChallengeItem,
    MailItem,
    PasskeyItem,
    SecurityEventItem,
    TotpItem,
    UserItem,
)
from chalicelib.store.sessions import new_security_event

CHALLENGE_TTL = timedelta(minutes=5)
RECOVERY_CODE_USED = "recovery_code_used"
RECOVERY_CODE_REFUSED = N_("The recovery code is not correct or was used already.")
TOTP_SEALING = "totp"


def invalid_code(message: str = N_("The code is not correct.")) -> AppError:
    """400 on a Bearer route, 401 on the sign-in step (api/errors.py): a wrong code never signs anyone out."""
    return AppError("invalid_code", message)


def confirm_password(deps: Deps, user: UserItem, password: str) -> None:
    """The user's password, counted against the email's lockout as at login; wrong: `invalid_code`."""
    try:
        verify_credentials(deps, user.email, password)
    except AppError as error:
        if error.code == "invalid_credentials":
            raise invalid_code("The password is not correct.") from None
        raise


def reserve_code_check(deps: Deps, user_id: str, known: FailureWindow | None) -> None:
    """Counts a code check before it is made (at most MAX_FAILURES per window, under any burst); 429 when the
    window is full. A right code gives its own check back (LockoutStore.give_back_code_attempt)."""
    now = deps.now()
    wait = retry_after_seconds(known, now)
    if wait is None and not deps.store.lockouts.reserve_code_attempt(user_id, now, known):
        wait = int(WINDOW.total_seconds())
    if wait is not None:
        raise rate_limited(wait, "Too many wrong codes; try again later.")


def totp_step(deps: Deps, totp: TotpItem, code: str) -> int | None:
    """The step whose code `code` is (now or one either side), or None."""
    secret = unseal(deps.settings.token_secret, TOTP_SEALING, totp.sealed_secret)
    return otp.matching_step(secret, code, deps.now())


def checked_step(deps: Deps, user_id: str, code: str) -> int:
    """The step of a code of the user's confirmed TOTP, counted; `invalid_code` for a wrong code or one whose
    step was used as read (the write that uses the step holds the condition that makes it once)."""
    state = deps.store.factors.state(user_id)
    totp = confirmed_totp(state)
    reserve_code_check(deps, user_id, state.failures)
    return matched_step(deps, totp, code)


def confirmed_totp(state: FactorState) -> TotpItem:
    """The user's TOTP when it is on; `invalid_code` otherwise."""
    if state.totp is None or not state.totp.confirmed:
        raise invalid_code("Two-step sign-in with an app is not on.")
    return state.totp


def matched_step(deps: Deps, totp: TotpItem, code: str) -> int:
    """The step of `code` (its check counted already), if later than the last accepted; `invalid_code`
    otherwise."""
    step = totp_step(deps, totp, code)
    if step is None or (totp.last_step is not None and step <= int(totp.last_step)):
        raise invalid_code()
    return step


def check_totp(deps: Deps, user_id: str, code: str) -> None:
    """A code of the user's confirmed TOTP, counted, used once; `invalid_code` otherwise."""
    if not deps.store.factors.use_totp_step(user_id, checked_step(deps, user_id, code)):
        raise invalid_code()
    deps.store.lockouts.give_back_code_attempt(user_id, deps.now())


def spend_recovery_code(
    deps: Deps, user_id: str, code: str, challenge: ChallengeItem, state: FactorState
) -> Spent:
    """A recovery code of the user's set (its check counted already), to be used up with the sign-in
    (store/factors.py `sign_in_spending`: still in the set is its condition), with its own security event
    and an email to the login `challenge` (the mfa_token) names saying so and how many are left (a code
    used means someone had the password and the code: if it was not the user, they learn it at once, and a
    user down to few codes knows to make new ones). `state`: the user's factors as read."""
    code_hash = otp.hash_recovery_code(code)
    held = set(state.recovery.code_hashes or ()) if state.recovery is not None else set()
    if code_hash not in held:
        raise invalid_code(RECOVERY_CODE_REFUSED)
    # as read: two codes used in the same instant would both count the other as left (a rarer race than
    # worth a condition that would refuse one of two right codes)
    left = len(held) - 1
    used = new_security_event(
        user_id, new_sortable_id("sev"), RECOVERY_CODE_USED, deps.now(), detail=f"{left} left"
    )
    email = challenge.email
    told = (recovery_notice(deps, email, left),) if email is not None else ()
    return Spent(user_id, challenge, recovery_hash=code_hash, code_checked=True, writes=(used, *told))


def recovery_notice(deps: Deps, email: str, left: int, locale: Locale = DEFAULT_LOCALE) -> MailItem:
    """The factor_changed email, its change saying a recovery code signed in and how many remain."""
    if left == 0:
        change = N_("A recovery code was used to sign in (no recovery codes are left)")
    elif left == 1:
        change = N_("A recovery code was used to sign in (1 recovery code left)")
    else:
        change = N_("A recovery code was used to sign in ($left recovery codes left)")
    values = {"portal_name": PORTAL_NAME, "email": email, "change": change, "left": str(left)}
    return notice(deps, "factor_changed", email, values, locale=locale)


def relying_party(deps: Deps) -> RelyingParty:
    return RelyingParty.of(deps.settings.portal_url, PORTAL_NAME)


def challenge_item(deps: Deps, token_hash: str, purpose: str, user_id: str | None) -> ChallengeItem:
    expires_at = deps.now() + CHALLENGE_TTL
    item = ChallengeItem(*keys.challenge(token_hash), purpose=purpose, user_id=user_id, expires_at=expires_at)
    item.ttl = expires_at + timedelta(days=1)
    return item


def new_challenge(deps: Deps, options: dict[str, Any], purpose: str, user_id: str | None) -> dict[str, Any]:
    """Keeps the options' challenge (hashed) for one answer within CHALLENGE_TTL."""
    digest = passkeys.challenge_hash(str(options["challenge"]))
    deps.store.factors.put_challenge(challenge_item(deps, digest, purpose, user_id))
    return options


CHALLENGE_GONE = N_("The passkey challenge has expired or was used; start again.")


def live_challenge(
    deps: Deps, credential: dict[str, Any], purpose: str, user_id: str | None
) -> tuple[str, ChallengeItem]:
    """The challenge `credential` answers and its item, not used up yet; `invalid_code` when it is not ours,
    not for this purpose or user, or expired."""
    try:
        challenge = passkeys.challenge_of(credential)
    except PasskeyError:
        raise invalid_code("The passkey's answer is not valid.") from None
    item = deps.store.factors.challenge(passkeys.challenge_hash(challenge))
    return challenge, checked_challenge(deps, item, purpose, user_id)


def checked_challenge(
    deps: Deps, item: ChallengeItem | None, purpose: str, user_id: str | None
) -> ChallengeItem:
    """The challenge item as read, if ours, for this purpose and user, and live; `invalid_code` otherwise."""
    if item is None or item.purpose != purpose or (user_id is not None and item.user_id != user_id):
        raise invalid_code("The passkey's answer is not for a challenge of ours; start again.")
    if item.expires_at <= deps.now():
        raise invalid_code(CHALLENGE_GONE)
    return item


def take_challenge(deps: Deps, credential: dict[str, Any], purpose: str, user_id: str | None) -> str:
    """The challenge `credential` answers, used up; `invalid_code` when it is not ours, not for this
    purpose or user, expired or used."""
    challenge, item = live_challenge(deps, credential, purpose, user_id)
    if not deps.store.factors.take_challenge(item):
        raise invalid_code(CHALLENGE_GONE)
    return challenge


def passkey_credentials(deps: Deps, user: UserItem) -> list[str]:
    """The credential ids of the user's passkeys: the user item's `passkey_ids` (kept with each passkey
    added or removed), or, for a user item from before them with the passkey factor, a Query."""
    if user.passkey_ids:
        return sorted(user.passkey_ids)
    if PASSKEY not in (user.factors or ()):
        return []
    return [p.credential_id for p in deps.store.factors.passkeys(user.user_id)]


def check_assertion(
    deps: Deps, credential: dict[str, Any], challenge: str, user_id: str | None
) -> PasskeyItem:
    """The passkey that signed `challenge` (one of `user_id`'s when given), its counter moved on."""
    passkey, count = verified_assertion(deps, credential, challenge, user_id)
    if not deps.store.factors.record_passkey_use(passkey, count, deps.now()):
        raise invalid_code("The passkey's answer was used already.")
    return passkey


def verified_assertion(
    deps: Deps, credential: dict[str, Any], challenge: str, user_id: str | None
) -> tuple[PasskeyItem, int]:
    """The passkey that signed `challenge` (one of `user_id`'s when given), as read, and its new counter (for
    the write that moves it on only if it is still as read)."""
    try:
        passkey = deps.store.factors.passkey_by_credential(passkeys.credential_id_of(credential))
    except PasskeyError:
        raise invalid_code("The passkey's answer is not valid.") from None
    return assertion_of(deps, credential, challenge, user_id, passkey)


def assertion_of(
    deps: Deps, credential: dict[str, Any], challenge: str, user_id: str | None, passkey: PasskeyItem | None
) -> tuple[PasskeyItem, int]:
    """As verified_assertion, with the passkey of the credential already read."""
    try:
        if passkey is None or (user_id is not None and passkey.user_id != user_id):
            raise PasskeyError("not a passkey of this user")
        count = passkeys.verify_assertion(
            relying_party(deps), credential, challenge, passkey.public_key, int(passkey.sign_count)
        )
    except PasskeyError:
        raise invalid_code("The passkey's answer is not valid.") from None
    return passkey, count


def prove_current_factor(
    deps: Deps, user: UserItem, code: str | None, credential: dict[str, Any] | None
) -> None:
    """Adding a factor when one exists needs a current code or a passkey assertion (its challenge from
    POST /auth/passkey/options), so a stolen password and session alone cannot add an attacker's."""
    if not user.factors:
        return
    if code is not None and "totp" in user.factors:
        check_totp(deps, user.user_id, code)
        return
    if credential is not None and "passkey" in user.factors:
        challenge = take_challenge(deps, credential, "passkey_sign_in", None)
        check_assertion(deps, credential, challenge, user.user_id)
        return
    raise invalid_code("Adding another factor needs a current code or passkey.")


def factor_notice(deps: Deps, user: UserItem, change: str, **names: str) -> MailItem:
    """The email telling the user that `change` (a msgid, its `$name`s in `names`) happened to their
    sign-in (committed with it), in the user's language."""
    values = {"portal_name": PORTAL_NAME, "email": user.email, "change": change, **names}
    return notice(deps, "factor_changed", user.email, values, locale=reader_locale(user.locale))


def factor_event(deps: Deps, user_id: str, kind: str, factor: str) -> SecurityEventItem:
    """The user's security event of a factor change (`kind`: factor_added or factor_removed; `factor`:
    totp or passkey), committed with the change (a recovery code's use has its own: spend_recovery_code)."""
    return new_security_event(user_id, new_sortable_id("sev"), kind, deps.now(), detail=factor)
