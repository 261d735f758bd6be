"""Your passkeys: creation options (the password, and a current factor when one exists), registering the
browser's answer, the list, and deleting one with the password. Each added or deleted passkey is emailed."""

from __future__ import annotations

from typing import Any

from chalicelib.deps import Deps
from chalicelib.errors import AppError, changed_meanwhile, not_found
from chalicelib.ids import new_id
from chalicelib.msgids import N_
from chalicelib.schemas.factors import Passkey, PasskeyList
from chalicelib.security import passkeys
from chalicelib.security.passkeys import PasskeyError
from chalicelib.services.factor_checks import (
    CHALLENGE_GONE,
    confirm_password,
    factor_event,
    factor_notice,
    invalid_code,
    live_challenge,
    new_challenge,
    passkey_credentials,
    prove_current_factor,
    relying_party,
)
from chalicelib.services.sessions import is_login_of
from chalicelib.store import keys
from chalicelib.store.factors import PASSKEY
from chalicelib.store.models import LoginItem, PasskeyItem, UserItem

REGISTER = "passkey_register"


def _out(item: PasskeyItem) -> Passkey:
    return Passkey(
        passkey_id=item.passkey_id, name=item.name, created_at=item.created_at, last_used_at=item.last_used_at
    )


def options(
    deps: Deps, user: UserItem, password: str, code: str | None, credential: dict[str, Any] | None
) -> dict[str, Any]:
    confirm_password(deps, user, password)
    prove_current_factor(deps, user, code, credential)
    existing = passkey_credentials(deps, user)
    created = passkeys.creation_options(relying_party(deps), user.user_id, user.email, existing)
    return new_challenge(deps, created, REGISTER, user.user_id)


def register(
    deps: Deps, user: UserItem, name: str, credential: dict[str, Any], login: LoginItem | None = None
) -> Passkey:
    """The answer to this user's own creation challenge, verified with user verification; the challenge is
    used up in the passkey's own write, under a condition (once: a second answer fails it), so the route is
    the authorizing read, the challenge's and that write. `login`: the user's login as the authorizing read
    brought it: where the passkey leads, kept with it so its first passwordless sign-in reads the login
    and its page with it (store/passkey_reads.py)."""
    challenge, challenge_item = live_challenge(deps, credential, REGISTER, user.user_id)
    try:
        new = passkeys.verify_new(relying_party(deps), credential, challenge)
    except PasskeyError:
        deps.store.factors.take_challenge(challenge_item)  # answered, if wrongly: it answers no other
        raise invalid_code("The passkey could not be verified.") from None
    item = _new_item(deps, user.user_id, name, new)
    mail = factor_notice(deps, user, N_("A passkey ($passkey) was added"), passkey=item.name)
    ids = (
        frozenset(login.account_ids or ()) if login is not None and is_login_of(login, user) else frozenset()
    )
    event = factor_event(deps, user.user_id, "factor_added", PASSKEY)
    outcome = deps.store.factors.add_passkey(
        user, item, mail, event, (user.email, ids), challenge_item, _before_the_set(deps, user)
    )
    if "used" in outcome.failed:
        raise invalid_code(CHALLENGE_GONE)
    if not outcome:  # refused for another reason: the challenge is used up all the same, as it was answered
        deps.store.factors.take_challenge(challenge_item)
    if "exists" in outcome.failed:
        raise AppError("conflict", "This passkey is registered already.")
    if not outcome:
        raise changed_meanwhile("Your login changed meanwhile; try again.")
    return _out(item)


def _new_item(deps: Deps, user_id: str, name: str, new: passkeys.NewPasskey) -> PasskeyItem:
    passkey_id = new_id("pky")
    return PasskeyItem(
        *keys.passkey(user_id, passkey_id),
        user_id=user_id,
        passkey_id=passkey_id,
        name=name.strip() or "Passkey",
        credential_id=new.credential_id,
        public_key=new.public_key,
        sign_count=new.sign_count,
        created_at=deps.now(),
    )


def _before_the_set(deps: Deps, user: UserItem) -> list[PasskeyItem] | None:
    """A user item from before `passkey_ids` with passkeys: the ones it has (a Query, once), so the set the
    new one starts holds them all; None when the set is there or the user has no passkey yet."""
    if user.passkey_ids or PASSKEY not in (user.factors or ()):
        return None
    return deps.store.factors.passkeys(user.user_id)


def listing(deps: Deps, user: UserItem) -> PasskeyList:
    return PasskeyList(items=[_out(p) for p in deps.store.factors.passkeys(user.user_id)])


def delete(deps: Deps, user: UserItem, passkey_id: str, password: str) -> None:
    confirm_password(deps, user, password)
    mine = deps.store.factors.passkeys(user.user_id)
    passkey = next((p for p in mine if p.passkey_id == passkey_id), None)
    if passkey is None:
        raise not_found("passkey")
    others = [p for p in mine if p.passkey_id != passkey_id]
    mail = factor_notice(deps, user, N_("A passkey ($passkey) was removed"), passkey=passkey.name)
    event = factor_event(deps, user.user_id, "factor_removed", PASSKEY)
    outcome = deps.store.factors.remove_passkey(user, passkey, others, mail, event)
    if "gone" in outcome.failed:
        raise not_found("passkey")
    if not outcome:
        raise changed_meanwhile("Your passkeys changed meanwhile; try again.")
