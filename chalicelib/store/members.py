"""Access patterns of memberships: the User Management screen."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from chalicelib.domain.permissions import MemberStatus, Role
from chalicelib.store import keys
from chalicelib.store.groups import count_changes
from chalicelib.store.models import AccountItem, AuditEventItem, EmailClaimItem, MembershipItem, UserItem
from chalicelib.store.table import get_item, get_items
from chalicelib.store.tx import Outcome, Tx
from chalicelib.store.users import list_account


def new_membership_item(
    account_id: str, user_id: str, role: Role, permissions: list[str], joined_at: datetime,
    invited_by: str | None = None, status: MemberStatus = "active", sub_accounts: list[str] | None = None,
    group_id: str | None = None, group_manager: bool | None = None,
    contact: Mapping[str, str | None] | None = None,
) -> MembershipItem:  # fmt: skip
    """A membership with both its keys: the account's side (table) and the user's side (gsi1), and the
    member's `contact` details at the account (domain/profile.py CONTACT_FIELDS)."""
    gsi1pk, gsi1sk = keys.membership_gsi1(account_id, user_id)
    membership = MembershipItem(
        *keys.membership(account_id, user_id), gsi1pk=gsi1pk, gsi1sk=gsi1sk, account_id=account_id,
        user_id=user_id, role=role, permissions=permissions, status=status,
        joined_at=joined_at, invited_by=invited_by, sub_accounts=sub_accounts, group_id=group_id,
        group_manager=group_manager,
    )  # fmt: skip
    for name, value in (contact or {}).items():
        setattr(membership, name, value)
    return membership


class MemberStore:
    def members_of(self, account_id: str) -> list[MembershipItem]:
        pk, prefix = keys.members_of(account_id)
        return list(MembershipItem.query(pk, MembershipItem.sk.startswith(prefix), consistent_read=True))

    def member(self, account_id: str, user_id: str) -> tuple[MembershipItem | None, UserItem | None]:
        """A membership and its user in one BatchGetItem."""
        found = get_items([keys.membership(account_id, user_id), keys.user(user_id)])
        membership, user = found.get(keys.membership(account_id, user_id)), found.get(keys.user(user_id))
        return (
            membership if isinstance(membership, MembershipItem) else None,
            user if isinstance(user, UserItem) else None,
        )

    def get_membership(self, account_id: str, user_id: str) -> MembershipItem | None:
        return get_item(MembershipItem, keys.membership(account_id, user_id))

    def update_member(
        self, membership: MembershipItem, in_group: str | None = None, guard_owner: bool = True,
        event: AuditEventItem | None = None, **changes: object,
    ) -> Outcome:  # fmt: skip
        """Set role, permissions, status, scope, group or contact details (None removes the attribute),
        unless the member left, or (`guard_owner`) became the owner meanwhile, or (`in_group`, a manager's
        change) left that group: each fails "changed". Moving to another group moves the groups' member
        counts too ("group_gone" if the new group was deleted meanwhile)."""
        attributes = MembershipItem.get_attributes()
        actions = [
            attributes[name].remove() if value is None else attributes[name].set(value)
            for name, value in changes.items()
        ]
        unchanged = MembershipItem.pk.exists()
        if guard_owner:
            unchanged &= MembershipItem.role != "owner"
        if in_group is not None:
            unchanged &= MembershipItem.group_id == in_group
        if "group_id" in changes:
            unchanged &= (
                MembershipItem.group_id == membership.group_id
                if membership.group_id
                else MembershipItem.group_id.does_not_exist()
            )
        tx = Tx().record(event).update(membership, actions, condition=unchanged, label="changed")
        if "group_id" in changes and changes["group_id"] != membership.group_id:
            moved = [
                (membership.group_id, "member_count", -1),
                (str(changes["group_id"] or ""), "member_count", 1),
            ]
            count_changes(tx, membership.account_id, moved)
        return tx.commit()

    def remove_member(
        self, membership: MembershipItem, email: str, in_group: str | None = None,
        event: AuditEventItem | None = None,
    ) -> Outcome:  # fmt: skip
        """Membership, the email claim and the counts go together; never the owner's, and with `in_group`
        (a group manager's removal) only while the member is still in that group."""
        unchanged = MembershipItem.pk.exists() & (MembershipItem.role != "owner")
        if in_group is not None:
            unchanged &= MembershipItem.group_id == in_group
        tx = Tx().record(event).delete(membership, condition=unchanged)
        tx.delete(
            EmailClaimItem(*keys.email_claim(membership.account_id, email)),
            condition=EmailClaimItem.ref_id == membership.user_id,
        )
        tx.update(
            AccountItem(*keys.account(membership.account_id)),
            [AccountItem.member_count.add(-1)],
            condition=AccountItem.pk.exists(),
        )
        count_changes(tx, membership.account_id, [(membership.group_id, "member_count", -1)])
        list_account(tx, email, membership.user_id, membership.account_id, member=False)
        return tx.commit()
