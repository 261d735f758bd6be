"""Sub-accounts in memory (each an item under its account, its id in the account's `sub_account_ids`, which
authorization reads, both changed together as store/sub_accounts.py changes them) and the audit log's reads
(the events every fake write records with its change)."""

from __future__ import annotations

import copy

from chalicelib.domain.authorization import MAX_SUB_ACCOUNTS
from chalicelib.services.ports import AuditRepository, SubAccountRepository
from chalicelib.store import keys
from chalicelib.store.audit import AuditFilter, sort_time
from chalicelib.store.models import AccountItem, AuditEventItem, SubAccountItem
from chalicelib.store.tx import DEFAULT_LABEL, Outcome
from tests.helpers.fakes.table import Table, failed, key_of


class FakeSubAccounts(SubAccountRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def sub_accounts_of(self, account_id: str) -> list[SubAccountItem]:
        return copy.deepcopy(self.t.query(SubAccountItem, keys.sub_accounts_of(account_id)))

    def get_sub_account(self, account_id: str, sub_account_id: str) -> SubAccountItem | None:
        return copy.deepcopy(self.t.get(keys.sub_account(account_id, sub_account_id), SubAccountItem))

    def create(self, sub_account: SubAccountItem, event: AuditEventItem | None = None) -> Outcome:
        account = self.t.get(keys.account(sub_account.account_id), AccountItem)
        ids = set(account.sub_account_ids or ()) if account is not None else set()
        labels = {"full"} if account is None or len(ids) >= MAX_SUB_ACCOUNTS else set()
        if self.t.get(key_of(sub_account), SubAccountItem) is not None:
            labels.add(DEFAULT_LABEL)
        if labels:
            return Outcome(frozenset(labels))
        assert account is not None
        account.sub_account_ids = ids | {sub_account.sub_account_id}
        self.t.put(copy.deepcopy(sub_account))
        return self.t.record(event)

    def rename(self, sub_account: SubAccountItem, name: str, event: AuditEventItem | None = None) -> Outcome:
        stored = self.t.get(key_of(sub_account), SubAccountItem)
        if stored is None:
            return failed("gone")
        stored.name = sub_account.name = name  # as the real one, the item given is renamed too
        return self.t.record(event)

    def delete(self, sub_account: SubAccountItem, event: AuditEventItem | None = None) -> Outcome:
        if self.t.get(key_of(sub_account), SubAccountItem) is None:
            return failed("gone")
        self.t.delete(key_of(sub_account))
        account = self.t.get(keys.account(sub_account.account_id), AccountItem)
        if account is not None:
            account.sub_account_ids = (
                set(account.sub_account_ids or ()) - {sub_account.sub_account_id} or None
            )
        return self.t.record(event)


class FakeAudit(AuditRepository):
    """The audit log as store/audit.py reads it: newest first by sort key, the time bounds on the sort key,
    the filters on the fields, and one more than `limit` to know whether more follow."""

    def __init__(self, table: Table) -> None:
        self.t = table

    def events(
        self, account_id: str, wanted: AuditFilter, limit: int, after: str | None
    ) -> tuple[list[AuditEventItem], bool]:
        lower = sort_time(wanted.since) if wanted.since else None
        upper = sort_time(wanted.until) if wanted.until else None
        fields = {"type": wanted.type, "actor_user_id": wanted.actor_user_id, "target_id": wanted.target_id}

        def kept(event: AuditEventItem) -> bool:
            if any(value is not None and getattr(event, name) != value for name, value in fields.items()):
                return False
            if lower and upper:
                return lower <= event.sk <= upper  # BETWEEN, as the real condition
            return (upper is None or event.sk < upper) and (lower is None or event.sk >= lower)

        found = [e for e in self.t.of(AuditEventItem, keys.audit_log(account_id)) if kept(e)]
        newest = [e for e in reversed(found) if after is None or e.sk < after][: limit + 1]
        return copy.deepcopy(newest[:limit]), len(newest) > limit
