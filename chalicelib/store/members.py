"""Access patterns of memberships: the User Management screen."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pynamodb.exceptions import UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.store import keys
from chalicelib.store.models import AccountItem, EmailClaimItem, MembershipItem, UserItem
from chalicelib.store.table import ConditionalTransaction, get_item, get_items, transaction

TRANSACTION_LIMIT = 100


def new_membership_item(
    account_id: str, user_id: str, account_name: str, role: str, permissions: list[str], joined_at: datetime,
    invited_by: str | None = None, status: str = "active",
) -> MembershipItem:  # fmt: skip
    """A membership with both its keys: the account's side (table) and the user's side (gsi1)."""
    gsi1pk, gsi1sk = keys.membership_gsi1(account_id, user_id)
    return MembershipItem(
        *keys.membership(account_id, user_id), gsi1pk=gsi1pk, gsi1sk=gsi1sk, account_id=account_id,
        user_id=user_id, account_name=account_name, role=role, permissions=permissions, status=status,
        joined_at=joined_at, invited_by=invited_by,
    )  # fmt: skip


class MemberStore:
    def members_of(self, account_id: str) -> list[MembershipItem]:
        pk, prefix = keys.members_of(account_id)
        return list(MembershipItem.query(pk, MembershipItem.sk.startswith(prefix), consistent_read=True))

    def users(self, user_ids: Iterable[str]) -> dict[str, UserItem]:
        found = get_items(keys.user(user_id) for user_id in user_ids)
        return {item.user_id: item for item in found.values() if isinstance(item, UserItem)}

    def member(self, account_id: str, user_id: str) -> tuple[MembershipItem | None, UserItem | None]:
        """A membership and its user in one BatchGetItem."""
        found = get_items([keys.membership(account_id, user_id), keys.user(user_id)])
        membership, user = found.get(keys.membership(account_id, user_id)), found.get(keys.user(user_id))
        return (
            membership if isinstance(membership, MembershipItem) else None,
            user if isinstance(user, UserItem) else None,
        )

    def update_member(self, membership: MembershipItem, **changes: object) -> bool:
        """Set role, permissions or status, unless the member became the owner (or left) meanwhile."""
        attributes = MembershipItem.get_attributes()
        try:
            membership.update(
                actions=[attributes[name].set(value) for name, value in changes.items()],
                condition=MembershipItem.pk.exists() & (MembershipItem.role != "owner"),
            )
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def remove_member(self, membership: MembershipItem, email: str) -> bool:
        """Membership, the email claim and the count go together; never the owner's."""
        claim_pk, claim_sk = keys.email_claim(membership.account_id, email)
        attempt = ConditionalTransaction()
        with attempt as tx:
            tx.delete(membership, condition=MembershipItem.pk.exists() & (MembershipItem.role != "owner"))
            tx.delete(
                EmailClaimItem(claim_pk, claim_sk), condition=EmailClaimItem.ref_id == membership.user_id
            )
            tx.update(
                AccountItem(*keys.account(membership.account_id)),
                actions=[AccountItem.member_count.add(-1)],
                condition=AccountItem.pk.exists(),
            )
        return attempt.committed

    def rename_account(self, account: AccountItem, name: str, members: list[MembershipItem]) -> None:
        """The account and its members' copies of the name: the account with the first 99 members, then 100
        members per transaction (each idempotent, so retrying after a partial failure converges)."""
        first = TRANSACTION_LIMIT - 1
        with transaction() as tx:
            tx.update(account, actions=[AccountItem.name.set(name)], condition=AccountItem.pk.exists())
            self._rename_members(tx, members[:first], name)
        for start in range(first, len(members), TRANSACTION_LIMIT):
            with transaction() as tx:
                self._rename_members(tx, members[start : start + TRANSACTION_LIMIT], name)
        account.name = name

    @staticmethod
    def _rename_members(tx: TransactWrite, members: list[MembershipItem], name: str) -> None:
        for member in members:
            tx.update(
                member, actions=[MembershipItem.account_name.set(name)], condition=MembershipItem.pk.exists()
            )

    def transfer_ownership(
        self, account: AccountItem, old_owner: MembershipItem, new_owner: MembershipItem
    ) -> bool:
        """One transaction: the account names the new owner, the old one becomes admin. Two transfers racing:
        one wins, the other finds the conditions changed."""
        attempt = ConditionalTransaction()
        with attempt as tx:
            tx.update(
                account,
                actions=[AccountItem.owner_user_id.set(new_owner.user_id)],
                condition=AccountItem.owner_user_id == old_owner.user_id,
            )
            tx.update(
                old_owner,
                actions=[MembershipItem.role.set("admin"), MembershipItem.permissions.set([])],
                condition=MembershipItem.role == "owner",
            )
            tx.update(
                new_owner,
                actions=[MembershipItem.role.set("owner"), MembershipItem.permissions.set([])],
                condition=(MembershipItem.status == "active") & (MembershipItem.role != "owner"),
            )
        return attempt.committed

    def get_membership(self, account_id: str, user_id: str) -> MembershipItem | None:
        return get_item(MembershipItem, keys.membership(account_id, user_id))

    def account_and_memberships(
        self, account_id: str, user_ids: list[str]
    ) -> tuple[AccountItem | None, dict[str, MembershipItem]]:
        """The account and some of its memberships in one BatchGetItem."""
        found = get_items([keys.account(account_id)] + [keys.membership(account_id, uid) for uid in user_ids])
        account = found.get(keys.account(account_id))
        memberships = {item.user_id: item for item in found.values() if isinstance(item, MembershipItem)}
        return (account if isinstance(account, AccountItem) else None), memberships
