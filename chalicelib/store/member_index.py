"""A membership's list-index attributes and its copies of the user's fields (store/members.py lists with
them; login and renames rewrite them, store/users.py)."""

from __future__ import annotations

import copy
from datetime import datetime

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.store import keys
from chalicelib.store.models import MembershipItem, UserItem, format_time
from chalicelib.store.ticket_stream import ticket_stream_keys
from chalicelib.store.tx import assignments

# The user's fields a membership keeps a copy of (so a list page is the memberships alone).
USER_COPIES = ("email", "first_name", "last_name", "last_login_at")
# The card's fields, in order (gsi7: what the sorts no index orders read, ~200 bytes a member).
CARD_FIELDS = (
    "email", "first_name", "last_name", "title", "role", "status", "group_id", "joined_at", "last_login_at"
)  # fmt: skip
_CARD_SEPARATOR = "\x1f"  # the ASCII unit separator: no name, title or email holds it
# Which index orders which column: (index, its sort-key attribute).
ORDERED = {"email": ("gsi3", "gsi3sk"), "joined_at": ("gsi4", "gsi4sk"), "last_login_at": ("gsi5", "gsi5sk")}


def _text(value: object) -> str:
    if value is None:
        return ""
    return format_time(value) if isinstance(value, datetime) else str(value)


def member_card(membership: MembershipItem) -> str:
    return _CARD_SEPARATOR.join(
        _text(getattr(membership, name)).replace(_CARD_SEPARATOR, " ") for name in CARD_FIELDS
    )


def parse_card(card: str) -> dict[str, str]:
    """A card's fields as text ("" for none)."""
    return dict(zip(CARD_FIELDS, card.split(_CARD_SEPARATOR), strict=False))


def index_member(membership: MembershipItem) -> dict[str, str | None]:
    """Sets (and answers) the membership's list-index attributes from its current fields: call it after
    any change to the email, names, status, role, title, group, joined_at or last_login_at."""
    email = membership.email
    values: dict[str, str | None] = dict(
        keys.member_index_keys(
            membership.account_id,
            membership.user_id,
            email,
            _text(membership.joined_at),
            _text(membership.last_login_at) or None,
            membership.status,
        )
    )
    values["card"] = member_card(membership)
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
    values |= index_member(rewritten)
    return [*assignments(MembershipItem, values), next_version()]


def card_after(membership: MembershipItem, **changes: object) -> Action:
    """The update of the membership's card once `changes` apply (a role change outside update_member)."""
    return MembershipItem.card.set(member_card(copied(membership, **changes)))
