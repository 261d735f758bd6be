"""Access patterns of accounts: creating one with its owner's invitation, renaming, ownership."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import NamedTuple

from chalicelib.store import keys
from chalicelib.store.account_names import names_due
from chalicelib.store.groups import count_changes
from chalicelib.store.invitation_items import NewInvitation, add_invitation
from chalicelib.store.keys import Key
from chalicelib.store.member_index import index_after, next_version, sortable, unchanged_since_read
from chalicelib.store.models import (
    AccountItem,
    AuditEventItem,
    GroupItem,
    MembershipItem,
    SubAccountItem,
    UserItem,
    fold,
)
from chalicelib.store.seats import Released, expired_holdings, release_expired, seat_limit_actions
from chalicelib.store.table import get_items
from chalicelib.store.tx import Outcome, Tx, assignments


class Named(NamedTuple):
    accounts: dict[str, AccountItem]
    sub_accounts: list[SubAccountItem]
    groups: dict[tuple[str, str], GroupItem]  # by (account id, group id)
    user: UserItem | None = None  # when asked for (login reads its user with the names)


def new_account_item(account_id: str, name: str, now: datetime) -> AccountItem:
    return AccountItem(
        *keys.account(account_id),
        account_id=account_id,
        name=name,
        created_at=now,
        webhook_count=0,
        group_count=0,
        seats_held=0,
        active_count=0,
        seats_counted=True,
    )


class AccountStore:
    def get_account(self, account_id: str) -> AccountItem | None:
        """With its counter shards, in one BatchGetItem (their deltas added to its counts)."""
        found = get_items([keys.account(account_id), *keys.account_counts(account_id)])
        account = found.get(keys.account(account_id))
        return fold(account, found.values()) if isinstance(account, AccountItem) else None

    def get_accounts(self, account_ids: Iterable[str]) -> list[AccountItem]:
        """One BatchGetItem per 100 (the purge's page of accounts)."""
        found = get_items(keys.account(account_id) for account_id in account_ids)
        return [item for item in found.values() if isinstance(item, AccountItem)]

    def create_account(
        self, account: AccountItem, owner_invitation: NewInvitation, event: AuditEventItem | None = None
    ) -> Outcome:
        """The account and its owner's invitation (with link and email claim) exist together or not at all;
        the invitation holds the account's first seat (never refused: no limit is set yet)."""
        account.seats_held = int(account.seats_held or 0) + 1
        # its only holder so far: the bound on holders' expiry (store/seats.py `expiry_actions`) is known
        account.seats_expire_from = owner_invitation.invitation.expires_at
        account.holds_added = int(account.holds_added or 0) + 1
        tx = Tx().record(event).put(account, condition=AccountItem.pk.does_not_exist())
        add_invitation(tx, owner_invitation)
        return tx.commit()

    def rename_account(
        self,
        account: AccountItem,
        name: str,
        event: AuditEventItem | None = None,
        now: datetime | None = None,
    ) -> Outcome:
        return self.update_account(account, {"name": name}, event, now)

    def update_account(
        self,
        account: AccountItem,
        changes: Mapping[str, object],
        event: AuditEventItem | None = None,
        now: datetime | None = None,
    ) -> Outcome:
        """The account's settings (`name`, `invitation_reminders`) as `changes` names them, in one write with
        its audit event, whatever the number of members; the item given changes too. A name that orders
        otherwise marks the account due (as of `now`) for the copies job in the same write: the memberships'
        gsi1 keys follow it there (store/account_names.py). Fails ("gone") if the account is."""
        actions = assignments(AccountItem, changes)
        name = changes.get("name")
        if now is not None and isinstance(name, str) and sortable(name) != sortable(account.name):
            actions += names_due(account.account_id, now)
        outcome = (
            Tx()
            .record(event)
            .update(account, actions, condition=AccountItem.pk.exists(), label="gone")
            .commit()
        )
        if outcome:
            for name, value in changes.items():
                setattr(account, name, value)
        return outcome

    def set_security(
        self, account: AccountItem, policy: tuple[str, int, datetime | None], event: AuditEventItem
    ) -> Outcome:
        """The second-factor policy (level, grace days, when the level was set), with its audit event, in
        one write; "off" is stored as no level. Fails ("gone") if the account is."""
        level, grace_days, changed_at = policy
        actions = [
            AccountItem.mfa_required.set(level) if level != "off" else AccountItem.mfa_required.remove(),
            AccountItem.mfa_grace_days.set(grace_days),
            AccountItem.mfa_level_changed_at.set(changed_at)
            if changed_at is not None
            else AccountItem.mfa_level_changed_at.remove(),
        ]
        exists = AccountItem.pk.exists()
        return Tx().record(event).update(account, actions, condition=exists, label="gone").commit()

    def named(
        self,
        account_ids: Iterable[str],
        sub_accounts: Iterable[Key] = (),
        groups: Iterable[Key] = (),
        user_id: str | None = None,
    ) -> Named:
        """Accounts by id (where their names are), with some sub-accounts (`keys.sub_account`), custom
        groups (`keys.group`) and a user in the same BatchGetItem (one per 100 keys); those deleted
        meanwhile are simply not there."""
        users = [keys.user(user_id)] if user_id else []
        found = get_items(
            [*users, *(keys.account(account_id) for account_id in account_ids), *sub_accounts, *groups]
        )
        user = found.get(keys.user(user_id)) if user_id else None
        return Named(
            {item.account_id: item for item in found.values() if isinstance(item, AccountItem)},
            [item for item in found.values() if isinstance(item, SubAccountItem)],
            {
                (item.account_id, item.group_id): item
                for item in found.values()
                if isinstance(item, GroupItem)
            },
            user if isinstance(user, UserItem) else None,
        )

    def transfer_ownership(
        self,
        account: AccountItem,
        old_owner: MembershipItem | None,
        new_owner: MembershipItem,
        event: AuditEventItem | None = None,
    ) -> Outcome:
        """One transaction: the account names the new owner, the old one becomes admin. Two transfers racing:
        one wins, the other finds the conditions changed. Without `old_owner`: an account that has no owner
        gets one (only while it still has none, so an owner invitation accepted meanwhile wins).

        The new owner leaves any custom group (its member count moves with them) and stops managing it, so
        they hold every owner power at once; each keeps their own stored grant and scope, which apply again
        if they are later made a plain member (an owner and an admin hold everything by role)."""
        owned = (
            AccountItem.owner_user_id == old_owner.user_id
            if old_owner is not None
            else AccountItem.pk.exists() & AccountItem.owner_user_id.does_not_exist()
        )
        tx = Tx().record(event).update(account, [AccountItem.owner_user_id.set(new_owner.user_id)], owned)
        if old_owner is not None:
            tx.update(
                old_owner,
                [MembershipItem.role.set("admin"), *index_after(old_owner, role="admin"), next_version()],
                condition=unchanged_since_read(old_owner) & (MembershipItem.role == "owner"),
            )
        _made_owner(tx, new_owner)
        count_changes(tx, account.account_id, [(new_owner.group_id, "member_count", -1)])
        return tx.commit()

    def set_seat_limit(
        self, account: AccountItem, limit: int | None, event: AuditEventItem | None = None
    ) -> Outcome:
        """The plan's limit (None: unlimited), with its audit event; "gone" if the account is, or while its
        seats have not been counted (the backfill counts them once: a limit over an absent count would
        count from zero)."""
        counted = AccountItem.pk.exists() & AccountItem.seats_counted.exists()
        tx = Tx().record(event).update(account, seat_limit_actions(limit), condition=counted, label="gone")
        outcome = tx.commit()
        if outcome:
            account.seat_limit = limit
        return outcome

    def expired_seats(self, account_id: str, now: datetime) -> int:
        """Seats the account's counter still holds for invitations expired by `now` (store/seats.py)."""
        return expired_holdings(account_id, now)

    def release_expired_seats(self, account_id: str, now: datetime) -> Released:
        """Frees the seats of the account's invitations expired by `now`; answers how many, and the first
        expiry of a holder after now (store/seats.py)."""
        return release_expired(account_id, now)

    def memberships(self, account_id: str, user_ids: list[str]) -> dict[str, MembershipItem]:
        """Some of an account's memberships, by user id, in one BatchGetItem."""
        found = get_items(keys.membership(account_id, uid) for uid in user_ids)
        return {item.user_id: item for item in found.values() if isinstance(item, MembershipItem)}


def _made_owner(tx: Tx, new_owner: MembershipItem) -> None:
    """The new owner's membership: out of any custom group, its list keys rewritten; at the version read, so
    still active, not the owner, and in the group whose count it leaves."""
    actions = [
        MembershipItem.role.set("owner"),
        MembershipItem.group_id.remove(),
        MembershipItem.group_manager.remove(),
        *index_after(new_owner, role="owner", group_id=None),
        next_version(),
    ]
    active = (MembershipItem.status == "active") & (MembershipItem.role != "owner")
    tx.update(new_owner, actions, condition=unchanged_since_read(new_owner) & active)
