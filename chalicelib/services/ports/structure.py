"""How an account is divided and watched: groups, sub-accounts, support sessions and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from chalicelib.store.audit import AuditFilter
    from chalicelib.store.models import (
        AuditEventItem,
        GroupItem,
        MailItem,
        MembershipItem,
        SubAccountItem,
        SupportSessionItem,
        UserItem,
    )
    from chalicelib.store.tx import Outcome


class GroupRepository(Protocol):
    def groups_of(self, account_id: str) -> list[GroupItem]: ...
    def get_group(self, account_id: str, group_id: str) -> GroupItem | None: ...
    def group_grants(self, account_id: str, group_id: str) -> GroupItem | None: ...
    def create(self, group: GroupItem, event: AuditEventItem | None = None) -> Outcome: ...
    def update(
        self, group: GroupItem, previous_name: str, event: AuditEventItem | None = None, **changes: object
    ) -> Outcome: ...
    def delete(self, group: GroupItem, event: AuditEventItem | None = None) -> Outcome: ...


class SubAccountRepository(Protocol):
    def sub_accounts_of(self, account_id: str) -> list[SubAccountItem]: ...
    def get_sub_account(self, account_id: str, sub_account_id: str) -> SubAccountItem | None: ...
    def create(self, sub_account: SubAccountItem, event: AuditEventItem | None = None) -> Outcome: ...
    def rename(
        self, sub_account: SubAccountItem, name: str, event: AuditEventItem | None = None
    ) -> Outcome: ...
    def delete(self, sub_account: SubAccountItem, event: AuditEventItem | None = None) -> Outcome: ...


class SupportSessionRepository(Protocol):
    def target(
        self, account_id: str, user_id: str, owner_id: str | None
    ) -> tuple[MembershipItem | None, UserItem | None, UserItem | None]: ...
    def start(
        self, session: SupportSessionItem, event: AuditEventItem, notice: MailItem | None = None
    ) -> Outcome: ...
    def get(self, account_id: str, session_id: str) -> SupportSessionItem | None: ...
    def end(self, session: SupportSessionItem, now: datetime, event: AuditEventItem) -> Outcome: ...


class AuditRepository(Protocol):
    def events(
        self, account_id: str, wanted: AuditFilter, limit: int, after: str | None
    ) -> tuple[list[AuditEventItem], str | None]: ...
