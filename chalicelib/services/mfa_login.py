"""Signing in with a second factor: the password step's `mfa_token` and the step that spends it, and
passwordless sign-in with a passkey. Each ends in sessions.signed_in, saying how the sign-in was made."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from chalicelib.deps import Deps
from chalicelib.domain.caller import RequestInfo
from chalicelib.errors import AppError, unauthenticated, validation_error
from chalicelib.msgids import N_
from chalicelib.schemas.factors import Method, MfaLoginIn, MfaRequiredOut
from chalicelib.schemas.sessions import LoginOut
from chalicelib.security import passkeys
from chalicelib.security.tokens import Via
from chalicelib.services.account_list import BY_KEY_WITH_FACTOR, PageRead, login_page
from chalicelib.services.factor_checks import (
    CHALLENGE_GONE,
    assertion_of,
    challenge_item,
    checked_challenge,
    checked_step,
    invalid_code,
    new_challenge,
    relying_party,
    spend_recovery_code,
    verified_assertion,
)
from chalicelib.services.sessions import SignInWrite, signed_in
from chalicelib.store.factors import PASSKEY, TOTP, FactorState, Spent
from chalicelib.store.models import ChallengeItem, Item, LoginItem, UserItem

MFA = "mfa"
STEP_GONE = N_("The sign-in step has expired or was used; sign in again.")
PASSKEY_SIGN_IN = "passkey_sign_in"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def begin(deps: Deps, user: UserItem, account_ids: set[str] | None = None) -> MfaRequiredOut:
    """The second step's token (stored hashed, 5 minutes, once) and the user's own methods; with a passkey,
    request options whose challenge is bound to this token alone. `account_ids`: the accounts the login
    lists now, kept with the token so the step reads their page with the factor."""
    factors = set(user.factors or ())
    methods: list[Method] = ["totp", "recovery_code"] if TOTP in factors else []
    token = secrets.token_urlsafe(32)
    item = challenge_item(deps, _token_hash(token), MFA, user.user_id)
    item.email = user.email
    item.account_ids = set(account_ids) if account_ids else None  # DynamoDB stores no empty set
    options = None
    if PASSKEY in factors:
        methods.insert(0, "passkey")
        allowed = [p.credential_id for p in deps.store.factors.passkeys(user.user_id)]
        options = passkeys.request_options(relying_party(deps), allowed)
        item.challenge_hash = passkeys.challenge_hash(str(options["challenge"]))
    deps.store.factors.put_challenge(item)
    return MfaRequiredOut(mfa_token=token, methods=methods, passkey_options=options)


def finish(deps: Deps, body: MfaLoginIn, client: RequestInfo | None = None) -> LoginOut:
    """One of code, recovery_code or credential with a live mfa_token: the login body. A wrong code leaves the
    token usable (it counts towards the user's lockout); the right one spends it, in the sign-in's own write
    with the code's use (store/factors.py `sign_in_spending`). `client`: the address and user agent the
    session records, as the password login's does."""
    given = [name for name in ("code", "recovery_code", "credential") if getattr(body, name) is not None]
    if len(given) != 1:
        raise validation_error("code", "give exactly one of code, recovery_code and credential")
    item = deps.store.factors.challenge(_token_hash(body.mfa_token))
    if item is None or item.purpose != MFA or item.user_id is None or item.expires_at <= deps.now():
        raise unauthenticated(STEP_GONE)
    spent, via, state = _second_factor(deps, item, body)
    write = _spending(deps, spent, unauthenticated(STEP_GONE))
    page = state.page if state is not None else None
    read = (set(item.account_ids or ()), page) if page is not None else None
    login = state.login if state is not None else None
    return _signed_in_as(
        deps, item.user_id, via, client, write, give_back=True, email=item.email, login=login, read=read
    )


def _second_factor(
    deps: Deps, item: ChallengeItem, body: MfaLoginIn
) -> tuple[Spent, Via, FactorState | None]:
    """What the step uses up (checked, not written yet), how the sign-in was made, and what was read with
    the code's factor (one BatchGetItem: the login, by the email the mfa_token names, and the page of the
    accounts it names, when they fit beside it)."""
    user_id = item.user_id
    assert user_id is not None
    if body.code is not None or body.recovery_code is not None:
        hint = item.account_ids if item.account_ids and len(item.account_ids) <= BY_KEY_WITH_FACTOR else None
        state = deps.store.factors.state(user_id, item.email, hint)
        if body.code is not None:
            step = checked_step(deps, user_id, body.code, state)
            return Spent(user_id, item, step=step, code_checked=True), "password+totp", state
        assert body.recovery_code is not None
        return spend_recovery_code(deps, user_id, body.recovery_code, item, state), "recovery_code", state
    assert body.credential is not None
    try:
        answered = passkeys.challenge_of(body.credential)
    except passkeys.PasskeyError:
        raise invalid_code("The passkey's answer is not valid.") from None
    if item.challenge_hash is None or passkeys.challenge_hash(answered) != item.challenge_hash:
        raise invalid_code("The passkey's answer is not for this sign-in.")
    passkey, count = verified_assertion(deps, body.credential, answered, user_id)
    return Spent(user_id, item, passkey=(passkey, count)), "password+passkey", None


def _spending(deps: Deps, spent: Spent, gone: AppError) -> SignInWrite:
    """The sign-in's write with what the step uses up; `gone` when its mfa_token or challenge was used
    meanwhile, `invalid_code` when its code or passkey answer was, 401 for a user removed meanwhile. The
    step's own email (a recovery code's) rides the write; the outbox's worker sends it."""

    def write(now: datetime, email: str | None, writes: Sequence[Item]) -> None:
        outcome = deps.store.factors.sign_in_spending(spent, now, email, writes)
        if "gone" in outcome.failed:
            raise gone
        if "used" in outcome.failed:
            raise invalid_code("The code or passkey answer was used already.")
        if not outcome:
            raise unauthenticated("This login no longer exists.")

    return write


def passkey_options(deps: Deps) -> dict[str, Any]:
    """Request options for any discoverable passkey of ours: no email asked, so nothing to enumerate."""
    return new_challenge(deps, passkeys.request_options(relying_party(deps), []), PASSKEY_SIGN_IN, None)


def passkey_sign_in(deps: Deps, credential: dict[str, Any], client: RequestInfo | None = None) -> LoginOut:
    """A passkey alone signs in (it is both factors: the device, and the user verification it requires). The
    challenge and the credential it names are read together, then the passkey with its user (two
    BatchGetItems, store/factors.py `passkey_answer`); the challenge and the counter are used up in the
    sign-in's own write."""
    try:
        challenge, credential_id = passkeys.challenge_of(credential), passkeys.credential_id_of(credential)
    except passkeys.PasskeyError:
        raise invalid_code("The passkey's answer is not valid.") from None
    read = deps.store.factors.passkey_answer(passkeys.challenge_hash(challenge), credential_id)
    item = checked_challenge(deps, read.challenge, PASSKEY_SIGN_IN, None)
    passkey, count = assertion_of(deps, credential, challenge, None, read.passkey)
    spent = Spent(passkey.user_id, item, passkey=(passkey, count))
    write = _spending(deps, spent, invalid_code(CHALLENGE_GONE))
    email = read.user.email if read.user is not None and read.user.user_id == passkey.user_id else None
    return _signed_in_as(deps, passkey.user_id, "passkey", client, write, give_back=False, email=email)


def _signed_in_as(
    deps: Deps,
    user_id: str,
    via: Via,
    client: RequestInfo | None,
    write: SignInWrite,
    *,
    give_back: bool,
    email: str | None = None,
    login: LoginItem | None = None,
    read: PageRead | None = None,
) -> LoginOut:
    """`give_back`: the password step reserved a check on the email's window; a sign-in returns it.
    `email`: the login's, when known (the mfa_token names it), else read from the user; `login`: the login,
    when read already; `read`: its page in some accounts, when read already (account_list.py)."""
    if email is None:
        profile = deps.store.users.get_user(user_id)
        email = profile.email if profile is not None else None
    if login is None and email is not None:
        login = deps.store.users.login_state(email)[0]
    if login is None or login.user_id != user_id:
        raise unauthenticated("This login no longer exists.")
    first = login_page(deps, login, via, read)  # the accounts flag mfa_required for a session made `via`
    if first.user is None:
        raise unauthenticated("This login no longer exists.")
    return signed_in(deps, login, first, via, login.email if give_back else None, client, write)
