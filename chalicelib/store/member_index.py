"""A membership's list-index attributes and its copies of the user's fields (store/members.py lists with
them; login and renames rewrite them, store/users.py)."""

from __future__ import annotations

import copy
from datetime import datetime

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.domain.groups import group_of
from chalicelib.store import keys
from chalicelib.store.models import MembershipItem, UserItem, format_time
from chalicelib.store.ticket_stream import ticket_stream_keys
from chalicelib.store.tx import assignments

# The user's fields a membership keeps a copy of (so a list page is the memberships alone).
USER_COPIES = ("email", "first_name", "last_name", "last_login_at", "factors")
# What memberships stored before the list keys carry besides: each rewrite of the list keys removes them.
_LEGACY = ("gsi6pk", "gsi6sk", "card")
# The account's any-status lists the shared gsi3-5 order (one Query each): (index, its sort-key attribute).
ORDERED = {"email": ("gsi3", "gsi3sk"), "joined_at": ("gsi4", "gsi4sk"), "last_login_at": ("gsi5", "gsi5sk")}


def sortable(value: object) -> str:
    """A column's value as its sort keys hold it: text compared case-insensitively, a time as fixed-width
    ISO 8601, none as "" (first ascending), as the API orders them; the characters below \\x02 (none in a
    name, title or email) become spaces, so the value's end (\\x01) sorts below all it holds."""
    text = "" if value is None else format_time(value) if isinstance(value, datetime) else str(value)
    return "".join(" " if char < "\x02" else char for char in text.lower())


def list_keys(membership: MembershipItem) -> dict[str, str | None]:
    """The membership's list keys from its current fields (pure: the one place they are computed)."""
    values = {column: sortable(getattr(membership, column)) for column in keys.MEMBER_SORT_COLUMNS}
    group = group_of(membership.group_id)
    found: dict[str, str | None] = dict(
        keys.member_list_keys(membership.account_id, membership.user_id, group, membership.status, values)
    )
    found["gsi1pk"], found["gsi1sk"] = keys.membership_gsi1(
        membership.account_id, membership.user_id, membership.status, membership.account_sort
    )
    return found | dict.fromkeys(_LEGACY)


def index_member(membership: MembershipItem) -> dict[str, str | None]:
    """Sets (and answers) the membership's list keys from its current fields: call it after any change to
    a sort column (email, names, title, role, joined_at, last_login_at), the status or the group. Its
    answer as update actions (`assignments`) moves only the index entries whose keys changed."""
    values = list_keys(membership)
    values |= ticket_stream_keys(membership)  # the owner's ticket's copies (store/ticket_stream.py)
    for name, value in values.items():
        setattr(membership, name, value)
    return values


def copy_user(membership: MembershipItem, user: UserItem) -> None:
    """The user's own fields onto the membership (join, rename, login)."""
    for name in USER_COPIES:
        setattr(membership, name, getattr(user, name))
    membership.user_created_at = user.created_at


def version_of(membership: MembershipItem) -> int:
    return int(membership.version or 0)


def unchanged_since_read(membership: MembershipItem) -> Condition:
    """The membership still exists at the version it was read at: no write changed it since (each adds one:
    `next_version`), so what is computed from the read (its card, list keys, copies) is still right. A
    missing version reads as 0: a membership stored before versions is updatable, and its first write gives
    it 1."""
    read = version_of(membership)
    same: Condition = MembershipItem.version == read
    if read == 0:
        same = MembershipItem.version.does_not_exist() | same
    condition: Condition = MembershipItem.pk.exists()
    condition &= same
    return condition


def next_version() -> Action:
    """Part of every write that changes a membership: ADD counts from 0 on one stored without a version."""
    return MembershipItem.version.add(1)


def copied(membership: MembershipItem, **changes: object) -> MembershipItem:
    """A copy with its own attribute values, and `changes` set on it: what is computed from it leaves the
    membership as read (the condition of a write, and its retry, are taken from that)."""
    twin = copy.copy(membership)
    twin.attribute_values = dict(membership.attribute_values)
    for name, value in changes.items():
        setattr(twin, name, value)
    return twin


def rewrite_actions(membership: MembershipItem, user: UserItem) -> list[Action]:
    """The membership's copies of `user` and its index attributes as an update (login, rename); the
    membership itself stays as read."""
    rewritten = copied(membership)
    copy_user(rewritten, user)
    values: dict[str, object] = {name: getattr(rewritten, name) for name in USER_COPIES}
    values["user_created_at"] = rewritten.user_created_at
    values["account_sort"] = rewritten.account_sort  # with the gsi1 key built from it (list_keys)
    values |= index_member(rewritten)
    return [*assignments(MembershipItem, values), next_version()]


def renamed_actions(membership: MembershipItem, name: str) -> list[Action]:
    """The membership's copy of its account's name (`name`, sortable) and its gsi1 key as an update (the
    copies job after a rename, the backfill); the membership itself stays as read."""
    values = index_member(copied(membership, account_sort=name))
    named = {"account_sort": name, "gsi1pk": values["gsi1pk"], "gsi1sk": values["gsi1sk"]}
    return [*assignments(MembershipItem, named), next_version()]


def index_after(membership: MembershipItem, **changes: object) -> list[Action]:
    """The update of the membership's list keys once `changes` apply (a role change outside
    update_member: the ownership transfer)."""
    return assignments(MembershipItem, index_member(copied(membership, **changes)))
