"""The reads of a sign-in with a passkey (passwordless, or an mfa_token's passkey step), and the hint its
credential's item keeps of where the passkey led, so the second read brings the login and its page too."""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.expressions.update import Action

from chalicelib.store import keys
from chalicelib.store.member_copies import Page, page_keys, page_of
from chalicelib.store.models import (
    ChallengeItem,
    Item,
    LoginItem,
    PasskeyCredentialItem,
    PasskeyItem,
    UserItem,
)
from chalicelib.store.table import BATCH_KEYS, get_items

# One BatchGetItem: the passkey, the login and the page's user, then 2 keys per account.
_PAGE_FITS = (BATCH_KEYS - 3) // 2


@dataclass(frozen=True)
class PasskeyAnswer:
    """What a passkey sign-in checks, as read: the challenge it answers, the passkey its credential is
    (None when either is unknown), the passkey's user, its credential's item (`owner`), and the login the
    challenge (an mfa_token's) or the credential's hint names, with its page in the accounts named (None
    when nothing named a login, or more accounts than fit beside it)."""

    challenge: ChallengeItem | None
    passkey: PasskeyItem | None
    user: UserItem | None
    owner: PasskeyCredentialItem | None = None
    login: LoginItem | None = None
    page: Page | None = None
    page_ids: tuple[str, ...] = ()  # the accounts `page` was read for


def read_challenge(found: dict[keys.Key, Item], challenge_hash: str | None) -> ChallengeItem | None:
    """The challenge item among what a batch read found, when it asked for one."""
    item = found.get(keys.challenge(challenge_hash)) if challenge_hash is not None else None
    return item if isinstance(item, ChallengeItem) else None


def _named(challenge: ChallengeItem | None, owner: PasskeyCredentialItem) -> tuple[str | None, list[str]]:
    """The login to read with the passkey: an mfa_token's (its item names it, for this user), else where
    the passkey led at its last sign-in (none on a credential item written before hints)."""
    if challenge is not None and challenge.email is not None and challenge.user_id == owner.user_id:
        return challenge.email, sorted(challenge.account_ids or ())
    return owner.email, sorted(owner.account_ids or ())


def passkey_answer(challenge_hash: str, credential_id: str) -> PasskeyAnswer:
    """Two BatchGetItems: the challenge with the credential's item (both named by the answer), then the
    passkey with its user and, when one is named (`_named`), the login and its page."""
    challenge_key, owner_key = keys.challenge(challenge_hash), keys.passkey_credential(credential_id)
    first = get_items([challenge_key, owner_key])
    challenge, owner = read_challenge(first, challenge_hash), first.get(owner_key)
    if not isinstance(owner, PasskeyCredentialItem):
        return PasskeyAnswer(challenge, None, None)
    user_id, (email, ids) = owner.user_id, _named(challenge, owner)
    ids = ids if email is not None and len(ids) <= _PAGE_FITS else []
    passkey_key = keys.passkey(user_id, owner.passkey_id)
    login_keys = [keys.login(email)] if email is not None else []
    second = get_items([passkey_key, *login_keys, *page_keys(user_id, ids)])
    passkey, login = second.get(passkey_key), second.get(login_keys[0]) if login_keys else None
    page = page_of(second, user_id, ids)
    return PasskeyAnswer(
        challenge,
        passkey if isinstance(passkey, PasskeyItem) else None,
        page[0],
        owner,
        login if isinstance(login, LoginItem) else None,
        page if ids else None,
        tuple(ids),
    )


def hinted(email: str, account_ids: frozenset[str]) -> list[Action]:
    """Where a passkey led at its last sign-in, on its credential's item (an empty set cannot be stored)."""
    ids = PasskeyCredentialItem.account_ids
    return [
        PasskeyCredentialItem.email.set(email),
        ids.set(set(account_ids)) if account_ids else ids.remove(),
    ]
