"""What else an account holds: invitations, contacts (with their email and category rows), sub-accounts
and groups (with their names)."""

from __future__ import annotations

from collections.abc import Iterable

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.models_base import Item, ProfileAttributes, TimeAttribute, string_list


class InvitationsByExpiryIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi3 (shared): an account's invitations by expiry, `INVITES#<aid>` (pending: after now)."""

    class Meta:
        index_name = "gsi3"
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class GroupInvitationsByExpiryIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi4 (shared): one group's invitations by expiry, `INVITES#<aid>#<group>` (a group manager's list)."""

    class Meta:
        index_name = "gsi4"
        projection = AllProjection()

    gsi4pk = UnicodeAttribute(hash_key=True)
    gsi4sk = UnicodeAttribute(range_key=True)


class InvitationRemindersIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi5 (shared, sparse on invitations): the reminders to send, `INVREMIND#<shard>` / <due>#<id>."""

    class Meta:
        index_name = "gsi5"
        projection = AllProjection()

    gsi5pk = UnicodeAttribute(hash_key=True)
    gsi5sk = UnicodeAttribute(range_key=True)


class InvitationItem(ProfileAttributes, Item, discriminator="invitation"):
    """ACCOUNT#<account_id> / INVITATION#<id>, gsi2 INVEXP#<shard> / <expires_at>#<id>, gsi3 INVITES#<aid> /
    <expires_at>#<id>, gsi4 INVITES#<aid>#<group> / <expires_at>#<id>, gsi5 INVREMIND#<shard> / <due>#<id>
    until its reminder is sent (or dropped)."""

    invitation_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    email = UnicodeAttribute()
    role = UnicodeAttribute()
    permissions = string_list(default=list)
    invited_by = UnicodeAttribute(null=True)
    invited_by_name = UnicodeAttribute(null=True)
    message = UnicodeAttribute(null=True)
    created_at = TimeAttribute()
    expires_at = TimeAttribute()
    last_sent_at = TimeAttribute()
    send_count = NumberAttribute(default=1)
    delivery = UnicodeAttribute(default="sent")
    valid_days = NumberAttribute(null=True)  # the invite's own validity (expires_in_days); None: the setting
    sub_accounts = string_list(null=True)  # None: every sub-account
    group_id = UnicodeAttribute(null=True)  # None: the default group
    group_manager = BooleanAttribute(null=True)
    # Counted in the account's `seats_held`: set when made (or resent after expiry), removed when its seat is
    # released after expiry (store/seats.py); accepting hands the seat to the member, so the count stays.
    holds_seat = BooleanAttribute(null=True)
    # made from an invite link by the no-login path: expiring or revoked unaccepted, it gives the use back
    invite_link_id = UnicodeAttribute(null=True)
    locale = UnicodeAttribute(null=True)  # its email's and reminder's language (absent: "en")
    token_hash = UnicodeAttribute()  # SHA-256 of the link token; the token itself is only in the email
    # The Idempotency-Key of the request that made it (store/idempotency.py current_request_id), so a retry
    # under that key recognises its own invitation and answers it as invited (a resumed bulk invite).
    request_id = UnicodeAttribute(null=True)
    # Its reminder (domain/reminders.py): when it was sent, and the hash of the fresh link it carried, a
    # second way in to this invitation beside `token_hash` (both open it until a resend ends both).
    reminded_at = TimeAttribute(null=True)
    reminder_token_hash = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    gsi4pk = UnicodeAttribute(null=True)
    gsi4sk = UnicodeAttribute(null=True)
    gsi5pk = UnicodeAttribute(null=True)
    gsi5sk = UnicodeAttribute(null=True)

    by_account_expiry = InvitationsByExpiryIndex()
    by_group_expiry = GroupInvitationsByExpiryIndex()
    by_reminder_due = InvitationRemindersIndex()


class ContactItem(Item, discriminator="contact"):
    """ACCOUNT#<account_id> / CONTACT#<contact_id>"""

    contact_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    email = UnicodeAttribute()
    first_name = UnicodeAttribute(null=True)
    last_name = UnicodeAttribute(null=True)
    company_name = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    email_preferences = string_list(default=list)  # the categories opted in
    created_at = TimeAttribute()


class ContactEmailItem(Item, discriminator="contact_email"):
    """ACCOUNT#<account_id> / CONTACTEMAIL#<email>: one contact per email per account."""

    contact_id = UnicodeAttribute()


class ContactCategoryItem(Item, discriminator="contact_category"):
    """ACCOUNT#<account_id> / NOTIFY#<category>#<email>: a contact opted in to a category, written with the
    contact, so the recipients of one category are one Query of exactly them (a sparse index by rows)."""

    contact_id = UnicodeAttribute()
    email = UnicodeAttribute()


class SubAccountItem(Item, discriminator="sub_account"):
    """ACCOUNT#<account_id> / SUBACCOUNT#<sub_account_id>: a part of an account (a customer's billing entity,
    site or project) that members may be limited to."""

    sub_account_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    name = UnicodeAttribute()
    created_at = TimeAttribute()


class GroupItem(Item, discriminator="group"):
    """ACCOUNT#<account_id> / MEMBERGROUP#<group_id>: a custom user group. Its permissions and scope are
    read when its members are authorized, so a change applies to all of them at once. The counts move in the
    same transactions as memberships and invitations (an accept's on a `GroupCountItem` shard instead), so
    deleting a group can require both to be zero (store/groups.py `GroupStore.delete`)."""

    group_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    permissions = string_list(default=list)
    sub_accounts = string_list(null=True)  # None: every sub-account
    created_at = TimeAttribute()
    member_count = NumberAttribute(default=0)
    invitation_count = NumberAttribute(default=0)


class GroupCountItem(Item, discriminator="group_count"):
    """ACCOUNT#<account_id> / MEMBERGROUP#<group_id>#COUNT#<k>: what accepts added to a group's counts,
    beside the group item's own (the base every other change moves). Read with the group: `fold_group`."""

    member_count = NumberAttribute(null=True)
    invitation_count = NumberAttribute(null=True)


def fold_group(group: GroupItem, shards: Iterable[Item]) -> GroupItem:
    """The group with its counter shards' deltas added to its counts (as shown, and as its deletion needs)."""
    for counted in shards:
        if isinstance(counted, GroupCountItem):
            group.member_count = int(group.member_count) + int(counted.member_count or 0)
            group.invitation_count = int(group.invitation_count) + int(counted.invitation_count or 0)
    return group


class GroupNameItem(Item, discriminator="group_name"):
    """ACCOUNT#<account_id> / GROUPNAME#<casefolded name>: one group per name per account."""

    group_id = UnicodeAttribute()
