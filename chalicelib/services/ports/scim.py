"""SCIM (issue 31): an account's SCIM tokens, their pointers by hash, and their use."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from chalicelib.store.models import (
        AuditEventItem,
        LoginItem,
        MembershipItem,
        ScimTokenHashItem,
        ScimTokenItem,
        ScimUserItem,
        UserItem,
    )
    from chalicelib.store.seats import SeatsRead
    from chalicelib.store.tx import Outcome


class ScimTokenRepository(Protocol):
    def tokens_of(self, account_id: str) -> list[ScimTokenItem]: ...
    def get_token(self, account_id: str, token_id: str) -> ScimTokenItem | None: ...
    def by_hash(self, token_hash: str) -> ScimTokenHashItem | None: ...
    def create(self, token: ScimTokenItem, event: AuditEventItem) -> Outcome: ...
    def revoke(self, token: ScimTokenItem, now: datetime, event: AuditEventItem) -> Outcome: ...
    def count_request(self, token_id: str, now: datetime) -> bool: ...
    def mark_used(self, pointer: ScimTokenHashItem, now: datetime) -> None: ...


class ScimUserRepository(Protocol):
    def records_of(self, account_id: str) -> dict[str, ScimUserItem]: ...
    def get_record(self, account_id: str, user_id: str) -> ScimUserItem | None: ...
    def save_record(self, record: ScimUserItem) -> Outcome: ...
    def ensure_record(self, account_id: str, user_id: str) -> ScimUserItem: ...
    def changing(
        self, record: ScimUserItem, read: int | None, writer: str
    ) -> AbstractContextManager[None]: ...
    def save_changed(self, record: ScimUserItem, read: int | None, writer: str) -> Outcome: ...
    def forget(self, account_id: str, user_id: str) -> Outcome: ...
    def provision(
        self,
        membership: MembershipItem,
        seats: SeatsRead,
        event: AuditEventItem,
        record: ScimUserItem,
        new_login: tuple[UserItem, LoginItem] | None,
    ) -> Outcome: ...
