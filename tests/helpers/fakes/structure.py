"""Sub-accounts in memory: each an item under its account, its id in the account's `sub_account_ids` (what
authorization reads), both changed together as store/sub_accounts.py changes them."""

from __future__ import annotations

import copy

from chalicelib.domain.authorization import MAX_SUB_ACCOUNTS
from chalicelib.services.ports import SubAccountRepository
from chalicelib.store import keys
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
