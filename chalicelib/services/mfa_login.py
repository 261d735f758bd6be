"""Signing in with a second factor: the password step's `mfa_token` and the step that spends it, and
passwordless sign-in with a passkey. Each ends in sessions.signed_in, saying how the sign-in was made.

Each takes 3 DynamoDB round trips. A code step: the check counted on the user the signed mfa_token names
(one UpdateItem, which hands back the login the password step named), the token's item with the factor,
that login and its page (one BatchGetItem), and the sign-in's one write. A passkey (passwordless, or an
mfa_token's): the challenge with the credential's item, then the passkey with the login the token or the
credential's hint names and its page (two BatchGetItems), and the write. The login read decides: a hint
gone stale costs a read more."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from chalicelib.deps import Deps
from chalicelib.domain.caller import RequestInfo
from chalicelib.domain.lockout import WINDOW, retry_after_seconds
from chalicelib.errors import AppError, rate_limited, unauthenticated, validation_error
from chalicelib.msgids import N_
from chalicelib.schemas.factors import Method, MfaLoginIn, MfaRequiredOut
from chalicelib.schemas.sessions import LoginOut
from chalicelib.security import passkeys
from chalicelib.security.step_tokens import new_step_token, opened_step_token
from chalicelib.security.tokens import Via
from chalicelib.services.account_list import BY_KEY_WITH_FACTOR, PageRead, login_page
from chalicelib.services.factor_checks import (
    CHALLENGE_GONE,
    CHALLENGE_TTL,
    assertion_of,
    challenge_item,
    checked_challenge,
    confirmed_totp,
    invalid_code,
    matched_step,
    new_challenge,
    passkey_credentials,
    relying_party,
    spend_recovery_code,
)
from chalicelib.services.sessions import SignInWrite, signed_in
from chalicelib.store.factors import PASSKEY, TOTP, Spent
from chalicelib.store.lockouts import CodeCheck
from chalicelib.store.models import ChallengeItem, Item, LoginItem, UserItem
from chalicelib.store.passkey_reads import PasskeyAnswer

MFA = "mfa"
STEP_GONE = N_("The sign-in step has expired or was used; sign in again.")
PASSKEY_SIGN_IN = "passkey_sign_in"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def begin(deps: Deps, user: UserItem, account_ids: set[str] | None = None) -> MfaRequiredOut:
    """The second step's token (signed with its user and expiry: security/step_tokens.py; stored hashed, 5
    minutes, once) and the user's own methods; with a passkey, request options whose challenge is bound to
    this token alone, allowing the user item's passkeys (no read of their own: `passkey_credentials`).
    `account_ids`: the accounts the login lists now, kept with the token (and, for codes, on the user's
    code window, which the step's count hands back) so the step reads their page with it."""
    factors = set(user.factors or ())
    methods: list[Method] = ["totp", "recovery_code"] if TOTP in factors else []
    now = deps.now()
    token = new_step_token(deps.settings.token_secret, user.user_id, now + CHALLENGE_TTL)
    item = challenge_item(deps, _token_hash(token), MFA, user.user_id)
    item.email = user.email
    item.account_ids = set(account_ids) if account_ids else None  # DynamoDB stores no empty set
    options = None
    if PASSKEY in factors:
        methods.insert(0, "passkey")
        options = passkeys.request_options(relying_party(deps), passkey_credentials(deps, user))
        item.challenge_hash = passkeys.challenge_hash(str(options["challenge"]))
    if TOTP in factors:
        deps.store.factors.put_mfa_token(item, now)
    else:
        deps.store.factors.put_challenge(item)
    return MfaRequiredOut(mfa_token=token, methods=methods, passkey_options=options)


def finish(deps: Deps, body: MfaLoginIn, client: RequestInfo | None = None) -> LoginOut:
    """One of code, recovery_code or credential with a live mfa_token: the login body. A wrong code leaves the
    token usable (it counts towards the user's lockout); the right one spends it, in the sign-in's own write
    with the code's use (store/factors.py `sign_in_spending`). A token we did not sign, or past its life, is
    refused before any call, as one used up is after its read: it counts against no one. `client`: the
    address and user agent the session records, as the password login's does."""
    given = [name for name in ("code", "recovery_code", "credential") if getattr(body, name) is not None]
    if len(given) != 1:
        raise validation_error("code", "give exactly one of code, recovery_code and credential")
    opened = opened_step_token(deps.settings.token_secret, body.mfa_token, deps.now())
    if opened is None:
        raise unauthenticated(STEP_GONE)
    if body.credential is not None:
        return _passkey_step(deps, opened.user_id, body.mfa_token, body.credential, client)
    return _code_step(deps, opened.user_id, body, client)


def _live(deps: Deps, item: ChallengeItem | None, user_id: str) -> ChallengeItem:
    """The mfa_token's item, if still there, of this user and live; 401 as for any token gone otherwise."""
    if item is None or item.purpose != MFA or item.user_id != user_id or item.expires_at <= deps.now():
        raise unauthenticated(STEP_GONE)
    return item


def _code_step(deps: Deps, user_id: str, body: MfaLoginIn, client: RequestInfo | None) -> LoginOut:
    """The check counted first (at most MAX_FAILURES per window, under any burst), then the token's item
    with the factor and the login the count named with its page, then the sign-in's write. A check counted
    but not made (the token gone, no app to check against) is given back, refused or not: a burst replaying
    a spent token must not fill its user's window (each takes a number and returns it). A refused check of
    a live token is not given back: it stands, so no burst checks more than MAX_FAILURES codes."""
    now = deps.now()
    check = deps.store.lockouts.count_code_check(user_id, now)
    hinted = check.email is not None and 0 < len(check.account_ids) <= BY_KEY_WITH_FACTOR
    state = deps.store.factors.state(
        user_id, check.email, check.account_ids if hinted else None, _token_hash(body.mfa_token)
    )
    try:
        item = _live(deps, state.challenge, user_id)
        totp = confirmed_totp(state) if body.code is not None else None
    except AppError:
        deps.store.lockouts.give_back_code_attempt(user_id, now)
        raise
    _refuse_past_limit(check, now)
    if totp is not None and body.code is not None:
        spent = Spent(user_id, item, step=matched_step(deps, totp, body.code), code_checked=True)
        via: Via = "password+totp"
    else:
        assert body.recovery_code is not None
        spent, via = spend_recovery_code(deps, user_id, body.recovery_code, item, state), "recovery_code"
    mine = state.login is not None and state.login.email == item.email
    read = (set(check.account_ids), state.page) if mine and state.page is not None else None
    login = state.login if mine else None
    return _signed_in_as(deps, spent, via, client, email=item.email, login=login, read=read)


def _refuse_past_limit(check: CodeCheck, now: datetime) -> None:
    if not check.allowed:
        wait = retry_after_seconds(check.window, now) or int(WINDOW.total_seconds())
        raise rate_limited(wait, "Too many wrong codes; try again later.")


def _passkey_step(
    deps: Deps, user_id: str, token: str, credential: dict[str, Any], client: RequestInfo | None
) -> LoginOut:
    """The token's item with the credential's, then the passkey with the login the token names and its
    page, then the write (no code: nothing counted)."""
    try:
        answered, credential_id = passkeys.challenge_of(credential), passkeys.credential_id_of(credential)
    except passkeys.PasskeyError:
        _live(deps, deps.store.factors.challenge(_token_hash(token)), user_id)  # a token gone says so first
        raise invalid_code("The passkey's answer is not valid.") from None
    read = deps.store.factors.passkey_answer(_token_hash(token), credential_id)
    item = _live(deps, read.challenge, user_id)
    if item.challenge_hash is None or passkeys.challenge_hash(answered) != item.challenge_hash:
        raise invalid_code("The passkey's answer is not for this sign-in.")
    passkey, count = assertion_of(deps, credential, answered, user_id, read.passkey)
    spent = Spent(user_id, item, passkey=(passkey, count))
    login, page = _login_read(read, item.email)
    return _signed_in_as(deps, spent, "password+passkey", client, email=item.email, login=login, read=page)


def _login_read(read: PasskeyAnswer, email: str | None) -> tuple[LoginItem | None, PageRead | None]:
    """The login read with the passkey, when it is the login of `email` (the user's, as the token or the
    user item says: a hint gone stale is not), and its page in the accounts it was read for."""
    login = read.login if read.login is not None and read.login.email == email else None
    page = (set(read.page_ids), read.page) if login is not None and read.page is not None else None
    return login, page


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
    challenge and the credential's item are read together, then the passkey with its user and the login
    the credential's hint names with its page (store/passkey_reads.py); the challenge and the counter are
    used up in the sign-in's own write, which keeps where the passkey led now on the credential's item."""
    try:
        challenge, credential_id = passkeys.challenge_of(credential), passkeys.credential_id_of(credential)
    except passkeys.PasskeyError:
        raise invalid_code("The passkey's answer is not valid.") from None
    read = deps.store.factors.passkey_answer(passkeys.challenge_hash(challenge), credential_id)
    item = checked_challenge(deps, read.challenge, PASSKEY_SIGN_IN, None)
    passkey, count = assertion_of(deps, credential, challenge, None, read.passkey)
    spent = Spent(passkey.user_id, item, passkey=(passkey, count))
    user = read.user if read.user is not None and read.user.user_id == passkey.user_id else None
    email = user.email if user is not None else None
    login, page = _login_read(read, email)
    return _signed_in_as(
        deps, spent, "passkey", client, gone=invalid_code(CHALLENGE_GONE), email=email, login=login, read=page
    )


def _signed_in_as(
    deps: Deps,
    spent: Spent,
    via: Via,
    client: RequestInfo | None,
    *,
    gone: AppError | None = None,
    email: str | None = None,
    login: LoginItem | None = None,
    read: PageRead | None = None,
) -> LoginOut:
    """The sign-in of `spent`'s user, its write using up what the step spent (`gone`: the answer when its
    token or challenge was used meanwhile). `email`: the login's, when known (the mfa_token names it), else
    read from the user; `login`: the login, when read already; `read`: its page in some accounts, when read
    already (account_list.py). An mfa_token's step gives back the check its password step counted on the
    email; a passkey's keeps where it led now on its credential's item."""
    user_id = spent.user_id
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
    if spent.passkey is not None:
        spent = dataclasses.replace(spent, hint=(login.email, frozenset(login.account_ids or ())))
    write = _spending(deps, spent, gone or unauthenticated(STEP_GONE))
    password_step = via != "passkey"
    return signed_in(deps, login, first, via, login.email if password_step else None, client, write)
