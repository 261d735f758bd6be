"""A user's second factors and the one-time secrets of signing in with them (store/factors.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from chalicelib.store.factors import FactorState, Spent
    from chalicelib.store.models import (
        ChallengeItem,
        Item,
        MailItem,
        PasskeyItem,
        SecurityEventItem,
        TotpItem,
        UserItem,
    )
    from chalicelib.store.passkey_reads import PasskeyAnswer
    from chalicelib.store.tx import Outcome


class FactorRepository(Protocol):
    def state(
        self,
        user_id: str,
        email: str | None = None,
        account_ids: Iterable[str] | None = None,
        challenge_hash: str | None = None,
    ) -> FactorState: ...
    def start_totp(self, totp: TotpItem) -> Outcome: ...
    def confirm_totp(
        self,
        user: UserItem,
        totp: TotpItem,
        step: int,
        code_hashes: set[str],
        mail: MailItem,
        event: SecurityEventItem,
    ) -> Outcome: ...
    def use_totp_step(self, user_id: str, step: int) -> bool: ...
    def remove_totp(self, user: UserItem, mail: MailItem, event: SecurityEventItem) -> Outcome: ...
    def passkeys(self, user_id: str) -> list[PasskeyItem]: ...
    def passkey_by_credential(self, credential_id: str) -> PasskeyItem | None: ...
    def passkey_answer(self, challenge_hash: str, credential_id: str) -> PasskeyAnswer: ...
    def add_passkey(
        self,
        user: UserItem,
        passkey: PasskeyItem,
        mail: MailItem,
        event: SecurityEventItem,
        hint: tuple[str, frozenset[str]] | None = None,
        challenge: ChallengeItem | None = None,
        before: Sequence[PasskeyItem] | None = None,
    ) -> Outcome: ...
    def remove_passkey(
        self,
        user: UserItem,
        passkey: PasskeyItem,
        others: list[PasskeyItem],
        mail: MailItem,
        event: SecurityEventItem,
    ) -> Outcome: ...
    def record_passkey_use(self, passkey: PasskeyItem, sign_count: int, now: datetime) -> bool: ...
    def sign_in_spending(
        self, spent: Spent, now: datetime, email: str | None, writes: Sequence[Item]
    ) -> Outcome: ...
    def put_challenge(self, challenge: ChallengeItem) -> None: ...
    def put_mfa_token(self, challenge: ChallengeItem, now: datetime) -> None: ...
    def challenge(self, challenge_hash: str) -> ChallengeItem | None: ...
    def take_challenge(self, challenge: ChallengeItem) -> bool: ...
