"""Access patterns of accounts: creating one with its owner's invitation, renaming, ownership."""

from __future__ import annotations

from datetime import datetime

from chalicelib.store import keys
from chalicelib.store.invitations import NewInvitation, add_invitation
from chalicelib.store.models import AccountItem, AuditEventItem, MembershipItem
from chalicelib.store.table import get_item, get_items
from chalicelib.store.tx import Outcome, Tx

TRANSACTION_LIMIT = 100


def new_account_item(account_id: str, name: str, now: datetime) -> AccountItem:
    return AccountItem(*keys.account(account_id), account_id=account_id, name=name, created_at=now)


class AccountStore:
    def get_account(self, account_id: str) -> AccountItem | None:
        return get_item(AccountItem, keys.account(account_id))

    def create_account(
        self, account: AccountItem, owner_invitation: NewInvitation, event: AuditEventItem | None = None
    ) -> Outcome:
        """The account and its owner's invitation (with link and email claim) exist together or not at all."""
        tx = Tx().record(event).put(account, condition=AccountItem.pk.does_not_exist())
        add_invitation(tx, owner_invitation)
        return tx.commit()

    def rename_account(
        self,
        account: AccountItem,
        name: str,
        members: list[MembershipItem],
        event: AuditEventItem | None = None,
    ) -> None:
        """The account (with its event) and its members' copies of the name: the account with the first 98
        members, then 100 members per transaction (each idempotent, so a retry after a partial failure
        converges)."""
        first = TRANSACTION_LIMIT - 2
        tx = Tx().update(account, [AccountItem.name.set(name)], condition=AccountItem.pk.exists())
        _rename_members(tx.record(event), members[:first], name).commit()
        for start in range(first, len(members), TRANSACTION_LIMIT):
            _rename_members(Tx(), members[start : start + TRANSACTION_LIMIT], name).commit()
        account.name = name

    def transfer_ownership(
        self, account: AccountItem, old_owner: MembershipItem, new_owner: MembershipItem,
        event: AuditEventItem | None = None,
    ) -> Outcome:  # fmt: skip
        """One transaction: the account names the new owner, the old one becomes admin. Two transfers racing:
        one wins, the other finds the conditions changed."""
        tx = (
            Tx()
            .record(event)
            .update(
                account,
                [AccountItem.owner_user_id.set(new_owner.user_id)],
                condition=AccountItem.owner_user_id == old_owner.user_id,
            )
        )
        tx.update(
            old_owner,
            [MembershipItem.role.set("admin"), MembershipItem.permissions.set([])],
            condition=MembershipItem.role == "owner",
        )
        tx.update(
            new_owner,
            [MembershipItem.role.set("owner"), MembershipItem.permissions.set([])],
            condition=(MembershipItem.status == "active") & (MembershipItem.role != "owner"),
        )
        return tx.commit()

    def account_and_memberships(
        self, account_id: str, user_ids: list[str]
    ) -> tuple[AccountItem | None, dict[str, MembershipItem]]:
        """The account and some of its memberships in one BatchGetItem."""
        found = get_items([keys.account(account_id)] + [keys.membership(account_id, uid) for uid in user_ids])
        account = found.get(keys.account(account_id))
        memberships = {item.user_id: item for item in found.values() if isinstance(item, MembershipItem)}
        return (account if isinstance(account, AccountItem) else None), memberships


def _rename_members(tx: Tx, members: list[MembershipItem], name: str) -> Tx:
    for member in members:
        tx.update(member, [MembershipItem.account_name.set(name)], condition=MembershipItem.pk.exists())
    return tx
