"""Access patterns of a user's second factors (TOTP, recovery codes, passkeys) and of the one-time secrets of
signing in with them (mfa_tokens, WebAuthn challenges). Every "once" is a condition of a write: a TOTP step
later than the last accepted, a recovery code's hash still in the set, a challenge still there, a passkey's
counter as read.

Each change of a user's factors writes, in its transaction, the user's security event (`event`) and marks
the user due for the copies job (store/member_copies.py, as of the event's time): the memberships' copies of
the factors (`Member.mfa_enabled`, `?mfa=`) follow within a run of the job, as a profile change's do."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.lockout import FailureWindow
from chalicelib.store import keys
from chalicelib.store.lockouts import code_hint, given_back, window_of
from chalicelib.store.member_copies import Page, copies_due, login_write, page_keys, page_of
from chalicelib.store.models import (
    ChallengeItem,
    Item,
    LoginFailuresItem,
    LoginItem,
    MailItem,
    PasskeyCredentialItem,
    PasskeyItem,
    RecoveryCodesItem,
    SecurityEventItem,
    TotpItem,
    UserItem,
)
from chalicelib.store.passkey_reads import PasskeyAnswer, hinted, passkey_answer, read_challenge
from chalicelib.store.table import get_item, get_items
from chalicelib.store.tx import Outcome, Tx

TOTP = "totp"
PASSKEY = "passkey"
# PynamoDB builds conditions from comparisons: `== True` here is a condition, not a truth test.
_CONFIRMED = TotpItem.confirmed == True  # noqa: E712
_UNCONFIRMED = TotpItem.confirmed == False  # noqa: E712


@dataclass(frozen=True)
class FactorState:
    """What checking a second factor needs, read in one BatchGetItem; with the login the sign-in step goes
    on with (`login`: read only when asked for by its email)."""

    totp: TotpItem | None
    recovery: RecoveryCodesItem | None
    failures: FailureWindow | None
    login: LoginItem | None = None
    # the login's page in the accounts asked for (store/member_copies.py `page_of`), read with the factor
    page: Page | None = None
    challenge: ChallengeItem | None = None  # the mfa_token's item, when asked for by its hash


@dataclass(frozen=True)
class Spent:
    """What a sign-in's second step uses up, written with the sign-in itself (`sign_in_spending`): the
    `challenge` (an mfa_token's or a WebAuthn challenge's item) and one of a TOTP `step`, a recovery code's
    `recovery_hash` or a passkey's new counter (`passkey`: as read, and its new count); with the user's
    code check given back (`code_checked`) and what goes with the use (`writes`: its event, its email);
    `hint`: where the passkey led (the login's email and accounts), kept on its credential's item."""

    user_id: str
    challenge: ChallengeItem
    step: int | None = None
    recovery_hash: str | None = None
    passkey: tuple[PasskeyItem, int] | None = None
    code_checked: bool = False
    writes: tuple[Item, ...] = ()
    hint: tuple[str, frozenset[str]] | None = None


class FactorStore:
    def state(
        self,
        user_id: str,
        email: str | None = None,
        account_ids: Iterable[str] | None = None,
        challenge_hash: str | None = None,
    ) -> FactorState:
        """`email`: the login's too (a sign-in's second step: it signs in with it), in the same read;
        `account_ids`: the login's page in those accounts too (member_copies.py `page_keys`);
        `challenge_hash`: the mfa_token's item too."""
        wanted = [keys.totp(user_id), keys.recovery_codes(user_id), keys.code_failures(user_id)]
        wanted += [keys.login(email)] if email is not None else []
        wanted += [keys.challenge(challenge_hash)] if challenge_hash is not None else []
        wanted += page_keys(user_id, account_ids) if account_ids is not None else []
        found = get_items(wanted)
        totp, recovery = found.get(keys.totp(user_id)), found.get(keys.recovery_codes(user_id))
        login = found.get(keys.login(email)) if email is not None else None
        failures = found.get(keys.code_failures(user_id))
        window = window_of(failures) if isinstance(failures, LoginFailuresItem) else None
        return FactorState(
            totp if isinstance(totp, TotpItem) else None,
            recovery if isinstance(recovery, RecoveryCodesItem) else None,
            window,
            login if isinstance(login, LoginItem) else None,
            page_of(found, user_id, account_ids) if account_ids is not None else None,
            read_challenge(found, challenge_hash),
        )

    def start_totp(self, totp: TotpItem) -> Outcome:
        """A new, unconfirmed secret replaces an unconfirmed one; fails ("exists") while one is confirmed."""
        unconfirmed = TotpItem.pk.does_not_exist() | _UNCONFIRMED
        return Tx().put(totp, condition=unconfirmed, label="exists").commit()

    def confirm_totp(
        self,
        user: UserItem,
        totp: TotpItem,
        step: int,
        code_hashes: set[str],
        mail: MailItem,
        event: SecurityEventItem,
    ) -> Outcome:
        """Confirms the secret that was read (a setup started again meanwhile fails: "changed"), with its
        first code's step, the recovery codes, the user's factor and the email saying so, at once."""
        tx = Tx().update(
            totp,
            [TotpItem.confirmed.set(True), TotpItem.last_step.set(step)],
            condition=(TotpItem.sealed_secret == totp.sealed_secret) & _UNCONFIRMED,
            label="changed",
        )
        tx.put(
            RecoveryCodesItem(
                *keys.recovery_codes(user.user_id), user_id=user.user_id, code_hashes=code_hashes
            )
        )
        added = [UserItem.factors.add({TOTP}), *copies_due(user.user_id, event.occurred_at)]
        tx.update(user, added, condition=UserItem.pk.exists(), label="gone")
        return tx.put(mail).record(event).commit()

    def use_totp_step(self, user_id: str, step: int) -> bool:
        """Accepts a code of `step` once: only if no code of this step or a later one was accepted."""
        condition = _CONFIRMED & (TotpItem.last_step.does_not_exist() | (TotpItem.last_step < step))
        item = TotpItem(*keys.totp(user_id))
        return (
            Tx()
            .update(item, [TotpItem.last_step.set(step)], condition=condition, label="used")
            .commit()
            .committed
        )

    def remove_totp(self, user: UserItem, mail: MailItem, event: SecurityEventItem) -> Outcome:
        """The secret, the recovery codes and the user's factor, with the email; "gone" if not confirmed."""
        tx = Tx().delete(TotpItem(*keys.totp(user.user_id)), condition=_CONFIRMED, label="gone")
        tx.delete(RecoveryCodesItem(*keys.recovery_codes(user.user_id)))
        tx.update(user, [UserItem.factors.delete({TOTP}), *copies_due(user.user_id, event.occurred_at)])
        return tx.put(mail).record(event).commit()

    def passkeys(self, user_id: str) -> list[PasskeyItem]:
        pk, prefix = keys.passkeys_of(user_id)
        return list(PasskeyItem.query(pk, PasskeyItem.sk.startswith(prefix), consistent_read=True))

    def passkey_by_credential(self, credential_id: str) -> PasskeyItem | None:
        owner = get_item(PasskeyCredentialItem, keys.passkey_credential(credential_id))
        return None if owner is None else get_item(PasskeyItem, keys.passkey(owner.user_id, owner.passkey_id))

    def passkey_answer(self, challenge_hash: str, credential_id: str) -> PasskeyAnswer:
        return passkey_answer(challenge_hash, credential_id)

    def add_passkey(
        self,
        user: UserItem,
        passkey: PasskeyItem,
        mail: MailItem,
        event: SecurityEventItem,
        hint: tuple[str, frozenset[str]] | None = None,
        challenge: ChallengeItem | None = None,
        before: Sequence[PasskeyItem] | None = None,
    ) -> Outcome:
        """Fails ("exists") for a credential already registered (by anyone). `hint`: where the passkey
        leads (the login's email and accounts), kept on the credential's item for its first sign-in.
        `challenge`: the registration's, used up here ("used" if it was meanwhile). The credential goes
        into the user's `passkey_ids`; `before`: a user's passkeys as read when the user item (from before
        the set) has none, each still there ("changed" otherwise), so the set starts with all of them."""
        owner = PasskeyCredentialItem(
            *keys.passkey_credential(passkey.credential_id),
            user_id=user.user_id,
            passkey_id=passkey.passkey_id,
            email=hint[0] if hint else None,
            account_ids=set(hint[1]) if hint and hint[1] else None,
        )
        tx = Tx().put(owner, condition=PasskeyCredentialItem.pk.does_not_exist(), label="exists")
        if challenge is not None:
            tx.delete(challenge, condition=ChallengeItem.pk.exists(), label="used")
        tx.put(passkey)
        ids = {passkey.credential_id, *(p.credential_id for p in before or ())}
        # Without `before`, the set is whole only if there (or if the user had no passkey): never a
        # set that misses an older passkey.
        whole = UserItem.passkey_ids.exists() | ~UserItem.factors.contains(PASSKEY)
        for other in (before or ())[:90]:  # a transaction holds 100 items; nobody keeps 90 passkeys
            tx.check(other, PasskeyItem.pk.exists(), label="changed")
        added = [UserItem.factors.add({PASSKEY}), UserItem.passkey_ids.add(ids)]
        kept = UserItem.pk.exists() if before is not None else UserItem.pk.exists() & whole
        tx.update(user, [*added, *copies_due(user.user_id, event.occurred_at)], condition=kept, label="gone")
        return tx.put(mail).record(event).commit()

    def remove_passkey(
        self,
        user: UserItem,
        passkey: PasskeyItem,
        others: list[PasskeyItem],
        mail: MailItem,
        event: SecurityEventItem,
    ) -> Outcome:
        """Deletes the passkey ("gone" if deleted meanwhile) and its credential id from the user's
        `passkey_ids`. `others`, the user's other passkeys as read, must all still be there ("changed"
        otherwise): with none, the user's passkey factor goes too, so two deletions of the last two at
        once cannot leave the factor behind with no passkey."""
        tx = Tx().delete(passkey, condition=PasskeyItem.pk.exists(), label="gone")
        tx.delete(PasskeyCredentialItem(*keys.passkey_credential(passkey.credential_id)))
        for other in others[:90]:  # a transaction holds 100 items; nobody keeps 90 passkeys
            tx.check(other, PasskeyItem.pk.exists(), label="changed")
        if others:
            tx.update(user, [UserItem.passkey_ids.delete({passkey.credential_id})])
        else:
            gone = [UserItem.factors.delete({PASSKEY}), UserItem.passkey_ids.remove()]
            tx.update(user, [*gone, *copies_due(user.user_id, event.occurred_at)])
        return tx.put(mail).record(event).commit()

    def record_passkey_use(self, passkey: PasskeyItem, sign_count: int, now: datetime) -> bool:
        """The new counter and time of use, only if the counter is still as read: an assertion replayed at
        the same moment, or by a cloned authenticator, loses."""
        actions = [PasskeyItem.sign_count.set(sign_count), PasskeyItem.last_used_at.set(now)]
        condition = PasskeyItem.sign_count == passkey.sign_count
        item = PasskeyItem(passkey.pk, passkey.sk)  # a lone update writes back into its item
        return Tx().update(item, actions, condition=condition, label="used").commit().committed

    def sign_in_spending(
        self, spent: Spent, now: datetime, email: str | None, writes: Sequence[Item]
    ) -> Outcome:
        """The sign-in's one write (member_copies.login_write: the login time, the password check given
        back to `email`, the new session and its event) with what the second step uses up, each "once" a
        condition of this transaction, not a read before it: the challenge still there ("gone"), the TOTP
        step later than the last accepted, the recovery code still in the set, the passkey's counter as
        read ("used"). All or nothing: a code is never spent on a sign-in that did not happen."""
        user_id = spent.user_id
        tx = login_write(user_id, now, email, writes)
        tx.delete(spent.challenge, condition=ChallengeItem.pk.exists(), label="gone")
        if spent.step is not None:
            later = _CONFIRMED & (TotpItem.last_step.does_not_exist() | (TotpItem.last_step < spent.step))
            tx.update(
                TotpItem(*keys.totp(user_id)),
                [TotpItem.last_step.set(spent.step)],
                condition=later,
                label="used",
            )
        if spent.recovery_hash is not None:
            codes = RecoveryCodesItem(*keys.recovery_codes(user_id))
            held = RecoveryCodesItem.code_hashes.contains(spent.recovery_hash)
            tx.update(codes, [RecoveryCodesItem.code_hashes.delete({spent.recovery_hash})], held, "used")
        if spent.passkey is not None:
            read, count = spent.passkey
            moved = [PasskeyItem.sign_count.set(count), PasskeyItem.last_used_at.set(now)]
            as_read = PasskeyItem.sign_count == read.sign_count
            tx.update(PasskeyItem(read.pk, read.sk), moved, condition=as_read, label="used")
            if spent.hint is not None:
                tx.update(
                    PasskeyCredentialItem(*keys.passkey_credential(read.credential_id)),
                    hinted(*spent.hint),
                    condition=PasskeyCredentialItem.pk.exists(),
                    label="used",
                )
        if spent.code_checked:
            tx.update(LoginFailuresItem(*keys.code_failures(user_id)), given_back(now))
        for item in spent.writes:
            tx.put(item)
        return tx.commit()

    def put_challenge(self, challenge: ChallengeItem) -> None:
        Tx().put(challenge).commit()

    def put_mfa_token(self, challenge: ChallengeItem, now: datetime) -> None:
        """An mfa_token's item and, in the same write, the login it names kept on the user's code window
        (store/lockouts.py `code_hint`), which the second step's count hands back."""
        assert challenge.user_id is not None and challenge.email is not None, "an mfa_token names its login"
        hint = code_hint(challenge.email, challenge.account_ids or (), now)
        Tx().put(challenge).update(LoginFailuresItem(*keys.code_failures(challenge.user_id)), hint).commit()

    def challenge(self, challenge_hash: str) -> ChallengeItem | None:
        return get_item(ChallengeItem, keys.challenge(challenge_hash))

    def take_challenge(self, challenge: ChallengeItem) -> bool:
        """Uses it up: True for the one request that deleted it."""
        return Tx().delete(challenge, condition=ChallengeItem.pk.exists(), label="used").commit().committed
