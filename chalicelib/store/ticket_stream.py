"""The sparse index of the people an owner's support ticket is copied to (gsi2, store/keys.py
`ticket_stream`): every membership write that changes what decides it (role, permissions, status, group,
email) sets these keys in the same write, through `index_member` or `ticket_stream_actions`."""

from __future__ import annotations

from pynamodb.expressions.update import Action

from chalicelib.domain.permissions import allows, as_role
from chalicelib.store import keys
from chalicelib.store.models import MembershipItem
from chalicelib.store.tx import assignments

NAMES = ("gsi2pk", "gsi2sk")


def ticket_stream_keys(membership: MembershipItem) -> dict[str, str | None]:
    """gsi2 keys of an active membership other than the owner's: in its custom group's partition (the
    group grants or not; a group's grants change without touching its members), else in the account's if
    it holds `tickets` itself (admins do); None (removed) otherwise."""
    email, partition = membership.email, None
    if membership.status == "active" and membership.role != "owner" and email:
        if membership.group_id:
            partition = keys.ticket_stream(membership.account_id, membership.group_id)
        elif allows(as_role(membership.role), membership.permissions, "tickets"):
            partition = keys.ticket_stream(membership.account_id)
    if partition is None or not email:
        return dict.fromkeys(NAMES)
    return {"gsi2pk": partition, "gsi2sk": keys.ticket_stream_sort_key(email, membership.user_id)}


def ticket_stream_actions(membership: MembershipItem, **changes: object) -> list[Action]:
    """The update of the membership's gsi2 keys once `changes` apply (a write outside `index_member`)."""
    after = MembershipItem(membership.pk, membership.sk)
    after.attribute_values = dict(membership.attribute_values)
    for name, value in changes.items():
        setattr(after, name, value)
    return assignments(MembershipItem, ticket_stream_keys(after))
