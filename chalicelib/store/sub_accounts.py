"""Access patterns of sub-accounts. Each one is an item under its account, and its id is also in the
account's `sub_account_ids` set, changed in the same transaction: authorization reads that set with the
account, so a scope never names a sub-account that no longer exists."""

from __future__ import annotations

from datetime import datetime

from pynamodb.expressions.condition import size

from chalicelib.domain.authorization import MAX_SUB_ACCOUNTS
from chalicelib.store import keys
from chalicelib.store.models import AccountItem, AuditEventItem, SubAccountItem
from chalicelib.store.table import get_item
from chalicelib.store.tx import Outcome, Tx


def new_sub_account_item(account_id: str, sub_account_id: str, name: str, now: datetime) -> SubAccountItem:
    return SubAccountItem(
        *keys.sub_account(account_id, sub_account_id),
        sub_account_id=sub_account_id,
        account_id=account_id,
        name=name,
        created_at=now,
    )


class SubAccountStore:
    def sub_accounts_of(self, account_id: str) -> list[SubAccountItem]:
        pk, prefix = keys.sub_accounts_of(account_id)
        return list(SubAccountItem.query(pk, SubAccountItem.sk.startswith(prefix), consistent_read=True))

    def get_sub_account(self, account_id: str, sub_account_id: str) -> SubAccountItem | None:
        return get_item(SubAccountItem, keys.sub_account(account_id, sub_account_id))

    def create(self, sub_account: SubAccountItem, event: AuditEventItem | None = None) -> Outcome:
        """Fails with "full" at MAX_SUB_ACCOUNTS, "gone" if the account is."""
        tx = Tx().record(event).put(sub_account, condition=SubAccountItem.pk.does_not_exist())
        count = size(AccountItem.sub_account_ids)  # type: ignore[no-untyped-call]  # PynamoDB: unannotated
        room = AccountItem.sub_account_ids.does_not_exist() | (count < MAX_SUB_ACCOUNTS)
        tx.update(
            AccountItem(*keys.account(sub_account.account_id)),
            [AccountItem.sub_account_ids.add({sub_account.sub_account_id})],
            condition=AccountItem.pk.exists() & room,
            label="full",
        )
        return tx.commit()

    def rename(self, sub_account: SubAccountItem, name: str, event: AuditEventItem | None = None) -> Outcome:
        outcome = (
            Tx()
            .record(event)
            .update(
                sub_account,
                [SubAccountItem.name.set(name)],
                condition=SubAccountItem.pk.exists(),
                label="gone",
            )
            .commit()
        )
        if outcome:
            sub_account.name = name
        return outcome

    def delete(self, sub_account: SubAccountItem, event: AuditEventItem | None = None) -> Outcome:
        """The item and its id in the account's set go together; every scope naming it stops reaching it."""
        tx = Tx().record(event).delete(sub_account, condition=SubAccountItem.pk.exists(), label="gone")
        tx.update(
            AccountItem(*keys.account(sub_account.account_id)),
            [AccountItem.sub_account_ids.delete({sub_account.sub_account_id})],
        )
        return tx.commit()
