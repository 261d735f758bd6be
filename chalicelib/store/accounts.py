"""Access patterns of accounts and memberships."""

from __future__ import annotations

from chalicelib.store import keys
from chalicelib.store.models import AccountItem
from chalicelib.store.table import get_item


class AccountStore:
    def get_account(self, account_id: str) -> AccountItem | None:
        return get_item(AccountItem, keys.account(account_id))
