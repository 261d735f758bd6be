"""A user's second factors in memory, under the conditions store/factors.py writes with, failing with the
same labels."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from chalicelib.services.ports import FactorRepository
from chalicelib.store import keys
from chalicelib.store.factors import PASSKEY, TOTP, FactorState, Spent
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
from chalicelib.store.outcomes import Failure
from chalicelib.store.passkey_reads import PasskeyAnswer
from chalicelib.store.tx import Outcome
from tests.helpers.fakes.lockouts import code_failure_window, give_back
from tests.helpers.fakes.member_copies import FakeMemberCopies, mark_due
from tests.helpers.fakes.table import OK, Table, failed, key_of


def _put(t: Table, *items: Item) -> None:
    for item in items:
        t.put(copy.deepcopy(item))  # stored apart from the caller's item, as a table stores it


class FakeFactors(FactorRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def state(
        self,
        user_id: str,
        email: str | None = None,
        account_ids: Iterable[str] | None = None,
        challenge_hash: str | None = None,
    ) -> FactorState:
        page = (
            FakeMemberCopies(self.t).user_and_accounts(user_id, account_ids)
            if account_ids is not None
            else None
        )
        return FactorState(
            copy.deepcopy(self.t.get(keys.totp(user_id), TotpItem)),
            copy.deepcopy(self.t.get(keys.recovery_codes(user_id), RecoveryCodesItem)),
            code_failure_window(self.t, user_id),
            copy.deepcopy(self.t.get(keys.login(email), LoginItem)) if email is not None else None,
            page,
            self.challenge(challenge_hash) if challenge_hash is not None else None,
        )

    def start_totp(self, totp: TotpItem) -> Outcome:
        stored = self.t.get(key_of(totp), TotpItem)
        if stored is not None and stored.confirmed:
            return failed("exists")
        _put(self.t, totp)
        return OK

    def confirm_totp(
        self,
        user: UserItem,
        totp: TotpItem,
        step: int,
        code_hashes: set[str],
        mail: MailItem,
        event: SecurityEventItem,
    ) -> Outcome:
        stored = self.t.get(key_of(totp), TotpItem)
        labels: set[Failure] = set()
        if stored is None or stored.confirmed or stored.sealed_secret != totp.sealed_secret:
            labels.add("changed")
        profile = self.t.get(keys.user(user.user_id), UserItem)
        if profile is None:
            labels.add("gone")
        if self.t.get(key_of(mail), MailItem) is not None:
            labels.add("conflict")
        if labels or stored is None or profile is None:
            return Outcome(frozenset(labels))
        stored.confirmed, stored.last_step = True, step
        codes = RecoveryCodesItem(*keys.recovery_codes(user.user_id), user_id=user.user_id)
        codes.code_hashes = set(code_hashes)
        _put(self.t, codes, mail, event)
        profile.factors = set(profile.factors or ()) | {TOTP}
        mark_due(profile, event.occurred_at)
        return OK

    def use_totp_step(self, user_id: str, step: int) -> bool:
        stored = self.t.get(keys.totp(user_id), TotpItem)
        if (
            stored is None
            or not stored.confirmed
            or (stored.last_step is not None and stored.last_step >= step)
        ):
            return False
        stored.last_step = step
        return True

    def remove_totp(self, user: UserItem, mail: MailItem, event: SecurityEventItem) -> Outcome:
        stored = self.t.get(keys.totp(user.user_id), TotpItem)
        if stored is None or not stored.confirmed:
            return failed("gone")
        if self.t.get(key_of(mail), MailItem) is not None:
            return failed("conflict")
        self.t.delete(keys.totp(user.user_id))
        self.t.delete(keys.recovery_codes(user.user_id))
        _without_factor(self.t, user.user_id, TOTP, event)
        _put(self.t, mail, event)
        return OK

    def passkeys(self, user_id: str) -> list[PasskeyItem]:
        return copy.deepcopy(self.t.query(PasskeyItem, keys.passkeys_of(user_id)))

    def passkey_by_credential(self, credential_id: str) -> PasskeyItem | None:
        owner = self.t.get(keys.passkey_credential(credential_id), PasskeyCredentialItem)
        if owner is None:
            return None
        return copy.deepcopy(self.t.get(keys.passkey(owner.user_id, owner.passkey_id), PasskeyItem))

    def passkey_answer(self, challenge_hash: str, credential_id: str) -> PasskeyAnswer:
        """store/passkey_reads.py: with the login an mfa_token's item (for the credential's user) or the
        credential's hint names, and its page when it fits in the batch."""
        challenge = self.challenge(challenge_hash)
        owner = copy.deepcopy(self.t.get(keys.passkey_credential(credential_id), PasskeyCredentialItem))
        if owner is None:
            return PasskeyAnswer(challenge, None, None)
        uid = owner.user_id
        passkey = self.t.get(keys.passkey(uid, owner.passkey_id), PasskeyItem)
        user = self.t.get(keys.user(uid), UserItem)
        named = challenge is not None and challenge.email is not None and challenge.user_id == uid
        email = challenge.email if named and challenge is not None else owner.email
        ids = sorted((challenge.account_ids if named and challenge is not None else owner.account_ids) or ())
        ids = ids if email is not None and len(ids) <= 48 else []
        login = copy.deepcopy(self.t.get(keys.login(email), LoginItem)) if email is not None else None
        page = FakeMemberCopies(self.t).user_and_accounts(uid, ids) if ids else None
        found = (challenge, copy.deepcopy(passkey), copy.deepcopy(user), owner, login, page, tuple(ids))
        return PasskeyAnswer(*found)

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
        labels: set[Failure] = set()
        if self.t.get(keys.passkey_credential(passkey.credential_id), PasskeyCredentialItem) is not None:
            labels.add("exists")
        if challenge is not None and self.t.get(key_of(challenge), ChallengeItem) is None:
            labels.add("used")
        if any(self.t.get(key_of(other), PasskeyItem) is None for other in (before or ())[:90]):
            labels.add("changed")
        profile = self.t.get(keys.user(user.user_id), UserItem)
        whole = profile is not None and (profile.passkey_ids or PASSKEY not in (profile.factors or ()))
        if profile is None or (before is None and not whole):
            labels.add("gone")
        if self.t.get(key_of(mail), MailItem) is not None:
            labels.add("conflict")
        if labels or profile is None:
            return Outcome(frozenset(labels))
        owner = PasskeyCredentialItem(*keys.passkey_credential(passkey.credential_id))
        owner.user_id, owner.passkey_id = user.user_id, passkey.passkey_id
        if hint is not None:
            owner.email, owner.account_ids = hint[0], set(hint[1]) or None
        if challenge is not None:
            self.t.delete(key_of(challenge))
        _put(self.t, owner, passkey, mail, event)
        profile.factors = set(profile.factors or ()) | {PASSKEY}
        added = {passkey.credential_id, *(p.credential_id for p in before or ())}
        profile.passkey_ids = set(profile.passkey_ids or ()) | added
        mark_due(profile, event.occurred_at)
        return OK

    def remove_passkey(
        self,
        user: UserItem,
        passkey: PasskeyItem,
        others: list[PasskeyItem],
        mail: MailItem,
        event: SecurityEventItem,
    ) -> Outcome:
        labels: set[Failure] = set()
        if self.t.get(key_of(passkey), PasskeyItem) is None:
            labels.add("gone")
        if any(self.t.get(key_of(other), PasskeyItem) is None for other in others[:90]):
            labels.add("changed")
        if self.t.get(key_of(mail), MailItem) is not None:
            labels.add("conflict")
        if labels:
            return Outcome(frozenset(labels))
        self.t.delete(key_of(passkey))
        self.t.delete(keys.passkey_credential(passkey.credential_id))
        profile = self.t.get(keys.user(user.user_id), UserItem)
        if profile is not None and profile.passkey_ids is not None:
            profile.passkey_ids = (set(profile.passkey_ids) - {passkey.credential_id}) or None
        if not others:
            _without_factor(self.t, user.user_id, PASSKEY, event)
        _put(self.t, mail, event)
        return OK

    def record_passkey_use(self, passkey: PasskeyItem, sign_count: int, now: datetime) -> bool:
        stored = self.t.get(key_of(passkey), PasskeyItem)
        if stored is None or int(stored.sign_count) != int(passkey.sign_count):
            return False
        stored.sign_count, stored.last_used_at = sign_count, now
        return True

    def sign_in_spending(
        self, spent: Spent, now: datetime, email: str | None, writes: Sequence[Item]
    ) -> Outcome:
        """As the real one's conditions, all or nothing: the challenge still there ("gone"), the code or
        counter not used ("used"), the user still there ("conflict"); then the login's own write."""
        uid = spent.user_id
        totp = self.t.get(keys.totp(uid), TotpItem)
        codes = self.t.get(keys.recovery_codes(uid), RecoveryCodesItem)
        stored = self.t.get(key_of(spent.passkey[0]), PasskeyItem) if spent.passkey else None
        labels: set[Failure] = set()
        if self.t.get(key_of(spent.challenge), ChallengeItem) is None:
            labels.add("gone")
        if spent.step is not None and (
            totp is None
            or not totp.confirmed
            or (totp.last_step is not None and totp.last_step >= spent.step)
        ):
            labels.add("used")
        if spent.recovery_hash is not None and (
            codes is None or spent.recovery_hash not in (codes.code_hashes or ())
        ):
            labels.add("used")
        if spent.passkey is not None and (stored is None or stored.sign_count != spent.passkey[0].sign_count):
            labels.add("used")
        if self.t.get(keys.user(uid), UserItem) is None:
            labels.add("conflict")
        if labels:
            return Outcome(frozenset(labels))
        self.t.delete(key_of(spent.challenge))
        if totp is not None and spent.step is not None:
            totp.last_step = spent.step
        if codes is not None and spent.recovery_hash is not None:
            codes.code_hashes = (set(codes.code_hashes or ()) - {spent.recovery_hash}) or None  # no empty set
        if stored is not None and spent.passkey is not None:
            stored.sign_count, stored.last_used_at = spent.passkey[1], now
            owner = self.t.get(keys.passkey_credential(stored.credential_id), PasskeyCredentialItem)
            if owner is not None and spent.hint is not None:
                owner.email, owner.account_ids = spent.hint[0], set(spent.hint[1]) or None
        if spent.code_checked:
            give_back(self.t, keys.code_failures(uid), now)
        _put(self.t, *spent.writes)
        FakeMemberCopies(self.t).record_login(uid, now, email, writes)
        return OK

    def put_challenge(self, challenge: ChallengeItem) -> None:
        _put(self.t, challenge)

    def put_mfa_token(self, challenge: ChallengeItem, now: datetime) -> None:
        """With the login it names kept on the user's code window (store/lockouts.py `code_hint`)."""
        assert challenge.user_id is not None and challenge.email is not None
        _put(self.t, challenge)
        key = keys.code_failures(challenge.user_id)
        window = self.t.get(key, LoginFailuresItem)
        if window is None:
            window = LoginFailuresItem(*key)
            self.t.put(window)
        window.email, window.account_ids = challenge.email, set(challenge.account_ids or ()) or None
        window.ttl = now + timedelta(days=1)

    def challenge(self, challenge_hash: str) -> ChallengeItem | None:
        return copy.deepcopy(self.t.get(keys.challenge(challenge_hash), ChallengeItem))

    def take_challenge(self, challenge: ChallengeItem) -> bool:
        if self.t.get(key_of(challenge), ChallengeItem) is None:
            return False
        self.t.delete(key_of(challenge))
        return True


def _without_factor(t: Table, user_id: str, factor: str, event: SecurityEventItem) -> None:
    """An update that leaves an item with no other attribute still writes it: the real store's deletion
    from a set on a user that is gone would create a bare item; a fake's user is always there here."""
    profile = t.get(keys.user(user_id), UserItem)
    if profile is not None:
        profile.factors = (set(profile.factors or ()) - {factor}) or None
        mark_due(profile, event.occurred_at)
