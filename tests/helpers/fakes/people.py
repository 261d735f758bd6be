"""Accounts and memberships in memory: the methods the member rules use, each with the conditions
its real repository writes under (the same labels), and every other member of the Protocol refused by name.
Reads hand out copies and writes store copies, as a table does: a use case that changes an item it read
changes nothing stored until it writes."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from chalicelib.services.ports import AccountRepository, MemberRepository
from chalicelib.store import keys
from chalicelib.store.accounts import Named
from chalicelib.store.groups import GROUP_GONE
from chalicelib.store.invitations import NewInvitation
from chalicelib.store.keys import Key
from chalicelib.store.lists import IndexPage
from chalicelib.store.member_index import index_member, sortable, version_of
from chalicelib.store.models import (
    AccountItem,
    AuditEventItem,
    EmailClaimItem,
    GroupItem,
    Item,
    MembershipItem,
    RemovedMarkItem,
    SubAccountItem,
    UserItem,
)
from chalicelib.store.outcomes import Failure
from chalicelib.store.seats import SEATS, Released, SeatsRead
from chalicelib.store.tx import DEFAULT_LABEL, Outcome
from tests.helpers.fakes import member_lists as lists
from tests.helpers.fakes import seats
from tests.helpers.fakes.invitations import add_invitation
from tests.helpers.fakes.member_copies import mark_renamed
from tests.helpers.fakes.table import Table, failed, key_of
from tests.helpers.fakes.users import FakeUsers


class FakeAccounts(AccountRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def get_account(self, account_id: str) -> AccountItem | None:
        return copy.deepcopy(self.t.get(keys.account(account_id), AccountItem))

    def get_accounts(self, account_ids: Iterable[str]) -> list[AccountItem]:
        found = (self.get_account(account_id) for account_id in set(account_ids))
        return [account for account in found if account is not None]

    def memberships(self, account_id: str, user_ids: list[str]) -> dict[str, MembershipItem]:
        found = (self.t.get(keys.membership(account_id, uid), MembershipItem) for uid in user_ids)
        return {m.user_id: copy.deepcopy(m) for m in found if m is not None}

    def transfer_ownership(
        self,
        account: AccountItem,
        old_owner: MembershipItem | None,
        new_owner: MembershipItem,
        event: AuditEventItem | None = None,
    ) -> Outcome:
        stored = self.t.get(keys.account(account.account_id), AccountItem)
        old = self.t.get((old_owner.pk, old_owner.sk), MembershipItem) if old_owner is not None else None
        new = self.t.get((new_owner.pk, new_owner.sk), MembershipItem)
        owned = stored is not None and (
            stored.owner_user_id is None if old_owner is None else stored.owner_user_id == old_owner.user_id
        )
        old_ok = old_owner is None or (old is not None and old.role == "owner")
        new_ok = new is not None and new.status == "active" and new.role != "owner"
        if not (owned and old_ok and new_ok) or new is None or new.group_id != new_owner.group_id:
            return failed(DEFAULT_LABEL)
        if not self.t.add_to_groups(account.account_id, [(new.group_id, "member_count", -1)]):
            return failed(GROUP_GONE)
        assert stored is not None
        stored.owner_user_id = new.user_id
        if old is not None:
            old.role = "admin"
        new.role, new.group_id, new.group_manager = "owner", None, None
        return self.t.record(event)

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
        """The settings, and (with `now`, a name that orders otherwise) the account marked due for the
        copies job's rewrite of its memberships' name keys, in the same write."""
        stored = self.t.get(key_of(account), AccountItem)
        if stored is None:
            return failed("gone")
        name = changes.get("name")
        if now is not None and isinstance(name, str) and sortable(name) != sortable(stored.name):
            mark_renamed(stored, now)
        for attribute, value in changes.items():  # as the real one, the item given changes too
            setattr(stored, attribute, value)
            setattr(account, attribute, value)
        return self.t.record(event)

    def set_security(
        self, account: AccountItem, policy: tuple[str, int, datetime | None], event: AuditEventItem
    ) -> Outcome:
        stored = self.t.get(key_of(account), AccountItem)
        if stored is None:
            return failed("gone")
        level, grace_days, changed_at = policy
        stored.mfa_required = level if level != "off" else None
        stored.mfa_grace_days, stored.mfa_level_changed_at = grace_days, changed_at
        return self.t.record(event)

    def named(
        self,
        account_ids: Iterable[str],
        sub_accounts: Iterable[Key] = (),
        groups: Iterable[Key] = (),
        user_id: str | None = None,
    ) -> Named:
        users = [keys.user(user_id)] if user_id else []
        wanted = [*users, *(keys.account(account_id) for account_id in account_ids), *sub_accounts, *groups]
        found = [copy.deepcopy(item) for key in wanted if (item := self.t.items.get(key)) is not None]
        return Named(
            {item.account_id: item for item in found if isinstance(item, AccountItem)},
            [item for item in found if isinstance(item, SubAccountItem)],
            {(item.account_id, item.group_id): item for item in found if isinstance(item, GroupItem)},
            next((item for item in found if isinstance(item, UserItem)), None),
        )

    def create_account(
        self, account: AccountItem, owner_invitation: NewInvitation, event: AuditEventItem | None = None
    ) -> Outcome:
        """The account and its owner's invitation together or not at all (the invitation's own labels)."""
        taken: frozenset[Failure] = (
            frozenset({DEFAULT_LABEL})
            if self.t.get(key_of(account), AccountItem) is not None
            else frozenset()
        )
        written = add_invitation(self.t, owner_invitation, None, taken)
        if written:
            account.seats_held = int(account.seats_held or 0) + 1  # the owner's invitation's seat
            self.t.put(copy.deepcopy(account))
            self.t.record(event)
        return written

    def set_seat_limit(
        self, account: AccountItem, limit: int | None, event: AuditEventItem | None = None
    ) -> Outcome:
        stored = self.t.get(key_of(account), AccountItem)
        if stored is None or not stored.seats_counted:
            return failed("gone")
        stored.seat_limit = account.seat_limit = limit
        return self.t.record(event)

    def expired_seats(self, account_id: str, now: datetime) -> int:
        return len(seats.expired_holding(self.t, account_id, now))

    def release_expired_seats(self, account_id: str, now: datetime) -> Released:
        later = [i.expires_at for i in seats.holding(self.t, account_id) if i.expires_at > now]
        return Released(seats.release(self.t, account_id, now), min(later, default=None))


def _as_read(
    stored: MembershipItem | None, read: MembershipItem, guard_owner: bool, in_group: str | None
) -> bool:
    """store/members.py's condition: still there at the version read, not made owner (`guard_owner`), still
    in the manager's group (`in_group`)."""
    return (
        stored is not None
        and version_of(stored) == version_of(read)
        and not (guard_owner and stored.role == "owner")
        and (in_group is None or stored.group_id == in_group)
    )


def _move_seat(t: Table, stored: MembershipItem, status: str, seat: SeatsRead | None) -> None:
    """store/members.py `_move_seat` (its condition checked first): reactivating takes a seat, deactivating
    frees one."""
    if status == "active" and stored.status != "active":
        seats.take(t, stored.account_id, seat, 1, active=1)
    elif status != "active" and stored.status == "active":
        seats.free(t, stored.account_id, 1, active=1)


class FakeMembers(MemberRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def member(self, account_id: str, user_id: str) -> tuple[MembershipItem | None, UserItem | None]:
        return self.get_membership(account_id, user_id), FakeUsers(self.t).get_user(user_id)

    def get_membership(self, account_id: str, user_id: str) -> MembershipItem | None:
        return copy.deepcopy(self.t.get(keys.membership(account_id, user_id), MembershipItem))

    def members_of(self, account_id: str) -> list[MembershipItem]:
        return copy.deepcopy(self.t.query(MembershipItem, keys.members_of(account_id)))

    def update_member(
        self,
        membership: MembershipItem,
        in_group: str | None = None,
        guard_owner: bool = True,
        event: AuditEventItem | None = None,
        seats: SeatsRead | None = None,
        **changes: object,
    ) -> Outcome:
        """As the real one: a membership written since the read (a copies rewrite, another edit) is read
        again and the change made on what it holds now, once."""
        outcome = self._update_once(membership, in_group, guard_owner, event, changes, seats)
        if "changed" in outcome.failed:
            fresh = self.t.get((membership.pk, membership.sk), MembershipItem)
            if fresh is not None and version_of(fresh) != version_of(membership):
                fresh = copy.deepcopy(fresh)
                outcome = self._update_once(fresh, in_group, guard_owner, event, changes, seats)
        return outcome

    def _update_once(
        self,
        membership: MembershipItem,
        in_group: str | None,
        guard_owner: bool,
        event: AuditEventItem | None,
        changes: dict[str, object],
        seat: SeatsRead | None = None,
    ) -> Outcome:
        stored = self.t.get((membership.pk, membership.sk), MembershipItem)
        if not _as_read(stored, membership, guard_owner, in_group):
            return failed("changed")
        assert stored is not None
        status = str(changes.get("status", stored.status))
        reactivated = status == "active" and stored.status != "active"
        if reactivated and not seats.seats_hold(self.t, stored.account_id, seat, 1):
            return failed(SEATS)
        claim = self.t.get(keys.email_claim(stored.account_id, stored.email or ""), EmailClaimItem)
        if "status" in changes and stored.email and (claim is None or claim.ref_id != stored.user_id):
            return failed(DEFAULT_LABEL)
        moved = "group_id" in changes and changes["group_id"] != membership.group_id
        counts = [
            (stored.group_id, "member_count", -1),
            (str(changes.get("group_id") or ""), "member_count", 1),
        ]
        if moved and not self.t.add_to_groups(stored.account_id, counts):
            return failed(GROUP_GONE)
        _move_seat(self.t, stored, status, seat)
        if "status" in changes and claim is not None:
            claim.member_status = None if changes["status"] == "active" else str(changes["status"])
        for name, value in changes.items():
            setattr(stored, name, value)
        stored.version = version_of(stored) + 1
        if stored.email:
            index_member(stored)  # the list keys, from the fields as changed
        if event is None and not moved and not ("status" in changes and stored.email):
            # a lone update answers the item as written, onto the item given (store/tx.py)
            membership.attribute_values = copy.deepcopy(stored.attribute_values)
        return self.t.record(event)

    def remove_member(
        self,
        membership: MembershipItem,
        email: str,
        in_group: str | None = None,
        event: AuditEventItem | None = None,
    ) -> Outcome:
        stored = self.t.get((membership.pk, membership.sk), MembershipItem)
        claim = self.t.get(keys.email_claim(membership.account_id, email), EmailClaimItem)
        account = self.t.get(keys.account(membership.account_id), AccountItem)
        login = self.t.login_of(email, membership.user_id)
        user = self.t.get(keys.user(membership.user_id), UserItem)
        if (
            stored is None
            or stored.status != membership.status
            or stored.role == "owner"
            or (in_group is not None and stored.group_id != in_group)
            or claim is None
            or claim.ref_id != membership.user_id
            or account is None
            or login is None
            or user is None
        ):
            return failed(DEFAULT_LABEL)
        if not self.t.add_to_groups(account.account_id, [(membership.group_id, "member_count", -1)]):
            return failed(GROUP_GONE)
        self.t.delete((stored.pk, stored.sk))
        self.t.delete((claim.pk, claim.sk))
        account.member_count = int(account.member_count) - 1
        if stored.status == "active":
            seats.free(self.t, account.account_id, 1, active=1)
        self.t.list_account(login, account.account_id, member=False)
        user.link_generation = int(user.link_generation or 0) + 1  # their reset links end (end_reset_links)
        if event is not None and event.type == "member.removed":  # as the store: joins only by request
            mark = RemovedMarkItem(*keys.removed_mark(membership.account_id, membership.user_id))
            mark.removed_at = event.occurred_at
            self.t.put(mark)
        return self.t.record(event)

    # The User Management screen's lists: tests/helpers/fakes/member_lists.py.
    def ordered_page(
        self,
        account_id: str,
        sort: str,
        status: str | None,
        group_id: str | None,
        *,
        limit: int,
        after: str | None,
        descending: bool,
        known: Sequence[Item] = (),
    ) -> tuple[list[MembershipItem], dict[str, GroupItem], str | None]:
        return lists.ordered_page(self.t, account_id, sort, status, group_id, limit, after, descending)

    def read_page(
        self, account_id: str, found: IndexPage, known: Sequence[Item] = ()
    ) -> tuple[list[MembershipItem], dict[str, GroupItem]]:
        return lists.read_page(self.t, account_id, found)
