"""Access patterns of memberships: the User Management screen."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from chalicelib.domain.groups import DEFAULT_GROUP_ID
from chalicelib.domain.permissions import MemberStatus, Role
from chalicelib.store import keys
from chalicelib.store.groups import count_changes
from chalicelib.store.links import end_reset_links
from chalicelib.store.lists import IndexPage, Ranges, query_index, query_ranges
from chalicelib.store.member_index import (
    ORDERED,
    copied,
    copy_user,
    index_member,
    next_version,
    sortable,
    unchanged_since_read,
    version_of,
)
from chalicelib.store.models import (
    AccountItem,
    AuditEventItem,
    EmailClaimItem,
    GroupItem,
    Item,
    MembershipItem,
    RemovedMarkItem,
    UserItem,
)
from chalicelib.store.seats import SeatsRead, free_actions, free_seats, take_seats
from chalicelib.store.table import get_item, get_items
from chalicelib.store.tx import Outcome, Tx, assignments
from chalicelib.store.users import list_account


def new_membership_item(
    account_id: str,
    user_id: str,
    role: Role,
    permissions: list[str],
    joined_at: datetime,
    *,
    user: UserItem,
    account_name: str,
    invited_by: str | None = None,
    status: MemberStatus = "active",
    sub_accounts: list[str] | None = None,
    group_id: str | None = None,
    group_manager: bool | None = None,
    contact: Mapping[str, str | None] | None = None,
) -> MembershipItem:
    """A membership with both its keys: the account's side (table) and the user's side (gsi1, by the
    account's name: `account_name` as the account has it now), the member's `contact` details at the
    account (domain/profile.py CONTACT_FIELDS), the copies of the `user`'s fields and the list keys."""
    membership = MembershipItem(
        *keys.membership(account_id, user_id),
        account_sort=sortable(account_name),
        account_id=account_id,
        user_id=user_id,
        role=role,
        permissions=permissions,
        status=status,
        joined_at=joined_at,
        invited_by=invited_by,
        sub_accounts=sub_accounts,
        group_id=group_id,
        group_manager=group_manager,
    )
    for name, value in (contact or {}).items():
        setattr(membership, name, value)
    copy_user(membership, user)
    index_member(membership)
    return membership


def user_of(membership: MembershipItem) -> UserItem:
    """The user as the membership's copies show them."""
    return UserItem(
        *keys.user(membership.user_id),
        user_id=membership.user_id,
        email=membership.email,
        first_name=membership.first_name,
        last_name=membership.last_name,
        created_at=membership.user_created_at,
        last_login_at=membership.last_login_at,
        factors=membership.factors,
    )


class MemberStore:
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
        """One page of the account's (or, with `group_id`, the default one included, one group's) members
        of one status or both, by any sort column (any status by email, joined_at or last_login_at:
        `_shared_page`). The column's index (`members_<column>`, or `group_<column>`) holds each status
        as a range of keys, so a status is one Query of limit + 1 keys, both statuses two merged (by
        status: the email ranges one after the other). Then the memberships and their custom groups by
        key (one BatchGetItem): each item read once. Answers the page, the groups and the last row's sort
        key when more follow."""
        if group_id is None and status is None and sort in ORDERED:
            return self._shared_page(account_id, sort, limit, after, descending, known)
        column = "email" if sort == "status" else sort
        scope = "group" if group_id is not None else "members"
        ranges = Ranges(
            f"{scope}_{column}",
            keys.GROUP_LIST_PK if group_id is not None else keys.MEMBER_LIST_PK,
            keys.member_list_partition(account_id, group_id),
            keys.member_sort_attribute(column),
            (status,) if status else keys.MEMBER_STATUSES,
        )
        found = query_ranges(ranges, limit=limit, after=after, descending=descending, merged=sort != "status")
        if group_id is not None:  # a group index holds keys alone: its rows are the group's
            found = IndexPage([row | {"group_id": group_id} for row in found.rows], found.more)
        memberships, groups = self.read_page(account_id, found, known)
        last = found.rows[-1][ranges.sort_attribute] if found.more and found.rows else None
        return memberships, groups, last

    def _shared_page(
        self,
        account_id: str,
        sort: str,
        limit: int,
        after: str | None,
        descending: bool,
        known: Sequence[Item],
    ) -> tuple[list[MembershipItem], dict[str, GroupItem], str | None]:
        """The account's members of any status by email, joined_at or last_login_at: one Query of the
        shared gsi3-5 (ALL), answering keys alone, then the page by key (one BatchGetItem)."""
        index, attribute = ORDERED[sort]
        found = query_index(
            index,
            f"{index}pk",
            keys.member_list_partition(account_id),
            attribute,
            limit=limit,
            descending=descending,
            above=None if descending else after,
            below=after if descending else None,
            only=("pk", "sk", "group_id"),
        )
        memberships, groups = self.read_page(account_id, found, known)
        return memberships, groups, found.rows[-1][attribute] if found.more and found.rows else None

    def read_page(
        self, account_id: str, found: IndexPage, known: Sequence[Item] = ()
    ) -> tuple[list[MembershipItem], dict[str, GroupItem]]:
        """The memberships the rows name, in their order, with their custom groups (one BatchGetItem),
        but for the `known` items this request has read already (the caller's membership and group)."""
        wanted = [(row["pk"], row["sk"]) for row in found.rows]
        group_ids = {row.get("group_id") for row in found.rows} - {None, DEFAULT_GROUP_ID}
        group_keys = [keys.group(account_id, group_id) for group_id in sorted(g for g in group_ids if g)]
        have = {(item.pk, item.sk): item for item in known}
        missing = [key for key in [*wanted, *group_keys] if key not in have]
        items = {**(get_items(missing) if missing else {}), **have}
        memberships = [m for key in wanted if isinstance(m := items.get(key), MembershipItem)]
        groups = {g.group_id: g for key in group_keys if isinstance(g := items.get(key), GroupItem)}
        return memberships, groups

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
        self,
        membership: MembershipItem,
        in_group: str | None = None,
        guard_owner: bool = True,
        event: AuditEventItem | None = None,
        seats: SeatsRead | None = None,
        **changes: object,
    ) -> Outcome:
        """Set role, permissions, status, scope, group or contact details (None removes the attribute),
        unless the member left, or (`guard_owner`) became the owner meanwhile, or (`in_group`, a manager's
        change) left that group: each fails "changed". Moving to another group moves the groups' member
        counts too ("group_gone" if the new group was deleted meanwhile).

        The list keys written are computed from the membership as read, so the write holds only
        while it is at the version read; one written meanwhile (a login's time, a rename, another edit) is
        read again and the change made on what it holds now, once (the guards above apply again).

        A status change moves the account's seats: deactivating frees one, reactivating takes one under
        `seats` (as read: SEATS when they are not as predicted, see store/seats.py)."""
        outcome = self._update_once(membership, in_group, guard_owner, event, changes, seats)
        if "changed" in outcome.failed:
            fresh = get_item(MembershipItem, (membership.pk, membership.sk))
            if fresh is not None and version_of(fresh) != version_of(membership):
                outcome = self._update_once(fresh, in_group, guard_owner, event, changes, seats)
        return outcome

    def _update_once(
        self,
        membership: MembershipItem,
        in_group: str | None,
        guard_owner: bool,
        event: AuditEventItem | None,
        changes: dict[str, object],
        seats: SeatsRead | None = None,
    ) -> Outcome:
        changed = copied(membership, **changes)
        actions = [*assignments(MembershipItem, changes | index_member(changed)), next_version()]
        unchanged = unchanged_since_read(membership)
        if guard_owner:
            unchanged &= MembershipItem.role != "owner"
        if in_group is not None:
            unchanged &= MembershipItem.group_id == in_group
        tx = Tx().record(event).update(membership, actions, condition=unchanged, label="changed")
        if "status" in changes:
            # the claim carries the status too: the recipients of an email screen out deactivated members
            # by reading the claims of the emails at hand (store/contacts.py)
            status = EmailClaimItem.member_status
            tx.update(
                EmailClaimItem(*keys.email_claim(membership.account_id, membership.email)),
                [status.set(str(changes["status"])) if changes["status"] != "active" else status.remove()],
                condition=EmailClaimItem.ref_id == membership.user_id,
            )
            _move_seat(tx, membership, str(changes["status"]), seats)
        if "group_id" in changes and changes["group_id"] != membership.group_id:
            moved = [
                (membership.group_id, "member_count", -1),
                (str(changes["group_id"] or ""), "member_count", 1),
            ]
            count_changes(tx, membership.account_id, moved)
        return tx.commit()

    def remove_member(
        self,
        membership: MembershipItem,
        email: str,
        in_group: str | None = None,
        event: AuditEventItem | None = None,
    ) -> Outcome:
        """Membership, the email claim and the counts go together (an active member's seat is freed), and
        the user's outstanding reset links end; never the owner's, only at the status read, and with
        `in_group` (a group manager's removal) only while the member is still in that group."""
        unchanged = (MembershipItem.status == membership.status) & (MembershipItem.role != "owner")
        if in_group is not None:
            unchanged &= MembershipItem.group_id == in_group
        tx = Tx().record(event).delete(membership, condition=unchanged)
        tx.delete(
            EmailClaimItem(*keys.email_claim(membership.account_id, email)),
            condition=EmailClaimItem.ref_id == membership.user_id,
        )
        freed = free_actions(1, 1) if membership.status == "active" else []  # an active member's seat
        tx.update(
            AccountItem(*keys.account(membership.account_id)),
            [AccountItem.member_count.add(-1), *freed],
            condition=AccountItem.pk.exists(),
        )
        count_changes(tx, membership.account_id, [(membership.group_id, "member_count", -1)])
        list_account(tx, email, membership.user_id, membership.account_id, member=False)
        end_reset_links(tx, membership.user_id)  # a reset link an admin of this account sent ends too
        if event is not None and event.type == "member.removed":  # not one who left: joins only by request
            mark = RemovedMarkItem(*keys.removed_mark(membership.account_id, membership.user_id))
            mark.removed_at = event.occurred_at
            tx.put(mark)
        return tx.commit()


def _move_seat(tx: Tx, membership: MembershipItem, status: str, seats: SeatsRead | None) -> None:
    """A status change's seat: from deactivated to active takes one (under `seats`), the other way frees
    one; the membership's version condition makes the status the one read."""
    if status == membership.status:
        return
    if status == "active":
        take_seats(tx, membership.account_id, seats, 1, also=[AccountItem.active_count.add(1)])
    elif membership.status == "active":
        free_seats(tx, membership.account_id, 1, active=1)
