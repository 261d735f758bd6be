"""An invitation's items and the writes that make one: the invitation, its link and its claim on the email,
built here and added to a transaction with its email and counts (`add_invitation`), as many to a transaction
as fit (`chunks`). Used by InvitationStore and by the account's creation with its owner's invitation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.domain.groups import group_of
from chalicelib.domain.invitations import LinkEnd
from chalicelib.domain.outbox import Window
from chalicelib.domain.permissions import Role
from chalicelib.domain.reminders import reminder_due
from chalicelib.store import keys
from chalicelib.store.groups import count_changes
from chalicelib.store.models import (
    AuditEventItem,
    EmailClaimItem,
    InvitationItem,
    LinkItem,
    MailItem,
    format_time,
)
from chalicelib.store.outbox import (
    count_email_to,
    queue,
)
from chalicelib.store.tx import Tx, room

# Each invitation writes 3 to 8 items (claim, invitation, link; its audit event, an expired one it replaces,
# its email in the outbox, the address's hour and day counts); a transaction also holds the group's count and
# the account's day count. Invitations fill transactions up to their room (DynamoDB's 100, less a rider's
# one): 14 typical ones each.
RESERVED_PER_TRANSACTION = 2


def items_of(entry: NewInvitation) -> int:
    replaced = 2 if entry.replaces else 0  # the expired invitation and its event
    return 3 + replaced + sum(x is not None for x in (entry.event, entry.mail)) + len(entry.windows)


def chunks(new: list[NewInvitation]) -> list[list[NewInvitation]]:
    """The invitations in order, in as few transactions as they fit."""
    found: list[list[NewInvitation]] = []
    space = 0
    for entry in new:
        if not found or items_of(entry) > space:
            found.append([])
            space = room() - RESERVED_PER_TRANSACTION
        found[-1].append(entry)
        space -= items_of(entry)
    return found


@dataclass(frozen=True)
class Written:
    lost: set[str]  # emails another request claimed first
    group_gone: bool = False
    limited: dict[str, Window] = field(default_factory=dict)  # emails whose address had its fill, and where
    over_account_limit: set[str] = field(default_factory=set)  # emails left out: the account's day is full


def count_invitations(tx: Tx, entries: list[NewInvitation], delta: int) -> None:
    """Each new invitation on its group's count, and each expired one it replaces off its own (one update
    per group: a transaction may touch an item once)."""
    if entries:
        account_id = entries[0].invitation.account_id
        changes: list[tuple[str | None, str, int]] = [
            (e.invitation.group_id, "invitation_count", delta) for e in entries
        ]
        changes += [(e.replaces.group_id, "invitation_count", -1) for e in entries if e.replaces]
        count_changes(tx, account_id, changes)


@dataclass(frozen=True)
class Replaced:
    """An expired invitation whose email a new one takes: deleted with its claim taken over, off its
    group's count, and its expiry recorded, all in the new one's transaction."""

    invitation_id: str
    group_id: str | None
    event: AuditEventItem | None = None


@dataclass
class NewInvitation:
    invitation: InvitationItem
    link: LinkItem
    replaces: Replaced | None = None  # an expired invitation whose claim this one takes over
    event: AuditEventItem | None = None  # its invitation.created, written with it
    mail: MailItem | None = None  # its email, into the outbox with it
    windows: tuple[Window, ...] = ()  # where that email counts against the address's limits


def new_invitation_item(
    invitation_id: str,
    account_id: str,
    email: str,
    role: Role,
    permissions: list[str],
    token_hash: str,
    now: datetime,
    expires_at: datetime,
    invited_by: str | None,
    invited_by_name: str | None,
    details: Mapping[str, object],
) -> InvitationItem:
    """A pending invitation with its expiry index keys; `details`: its optional fields (message, profile)."""
    invitation = InvitationItem(
        *keys.invitation(account_id, invitation_id),
        invitation_id=invitation_id,
        account_id=account_id,
        email=email,
        role=role,
        permissions=permissions,
        invited_by=invited_by,
        invited_by_name=invited_by_name,
        created_at=now,
        last_sent_at=now,
        send_count=1,
        expires_at=expires_at,
        delivery="queued",
        token_hash=token_hash,
    )
    for name, value in details.items():
        if value is not None:
            setattr(invitation, name, value)
    set_expiry_keys(invitation)
    return invitation


def claim_item(
    account_id: str,
    email: str,
    holder: str,
    ref_id: str,
    expires_at: datetime | None,
    group_id: str | None = None,
) -> EmailClaimItem:
    """`group_id`: an invitation's ("" for none), so the invitation that takes its expired claim over
    knows which group's count to lower without reading it."""
    pk, sk = keys.email_claim(account_id, email)
    return EmailClaimItem(
        pk, sk, email=email, holder=holder, ref_id=ref_id, expires_at=expires_at, group_id=group_id
    )


def link_item(token_hash: str, invitation: InvitationItem, login_user_id: str | None = None) -> LinkItem:
    """`login_user_id`: the user the email's login named when the link was made (a hint, see LinkItem)."""
    return LinkItem(
        *keys.link(token_hash),
        purpose="invitation",
        expires_at=invitation.expires_at,
        email=invitation.email,
        account_id=invitation.account_id,
        invitation_id=invitation.invitation_id,
        ttl=invitation.expires_at,
        group_id=invitation.group_id,
        user_id=login_user_id,
    )


def ended_link(token_hash: str, invitation: InvitationItem, ended: LinkEnd) -> LinkItem:
    """The link as a tombstone that opens nothing: it only tells its holder why (accepted, revoked or
    replaced), until its TTL, the invitation's expiry when the link was made (read `invitation` before a
    resend changes it). Written whole, over the link or where DynamoDB's TTL removed it already."""
    tombstone = link_item(token_hash, invitation)
    tombstone.ended = ended
    return tombstone


def end_reminder_link(tx: Tx, invitation: InvitationItem, ended: LinkEnd) -> None:
    """Its reminder's link (the second way in: store/reminders.py), ended as its first link is."""
    if invitation.reminder_token_hash:
        tx.put(ended_link(invitation.reminder_token_hash, invitation, ended))


def set_expiry_keys(invitation: InvitationItem) -> None:
    """The purge's key (gsi2) and the list's (gsi3, and gsi4 for the invitation's group), by expiry, and
    the reminder's (gsi5)."""
    expires = format_time(invitation.expires_at)
    invitation.gsi2pk, invitation.gsi2sk = keys.invitation_expiry_gsi2(invitation.invitation_id, expires)
    invitation.gsi3pk, invitation.gsi3sk, invitation.gsi4pk, invitation.gsi4sk = keys.invitation_index_keys(
        invitation.account_id, invitation.invitation_id, group_of(invitation.group_id), expires
    )
    set_reminder_key(invitation)
    # No TTL: DynamoDB's would delete it behind the purge's back, leaving its group's count up and no
    # invitation.expired in the log. The purge (hourly) is the one way an expired invitation goes.
    invitation.ttl = None


def set_reminder_key(invitation: InvitationItem) -> None:
    """Its reminder's due time in gsi5 while one is to be sent (domain/reminders.py): none for a short
    validity or once reminded. Made or resent here, so an invitation stored before reminders has none."""
    due = reminder_due(invitation.last_sent_at, invitation.expires_at)
    if due is None or invitation.reminded_at is not None:
        invitation.gsi5pk = invitation.gsi5sk = None
    else:
        invitation.gsi5pk, invitation.gsi5sk = keys.invitation_reminder_gsi5(
            invitation.invitation_id, format_time(due)
        )


def add_invitation(tx: Tx, entry: NewInvitation, now: datetime | None = None) -> None:
    """The invitation, its link and its claim on the email, labelled with the email: a claim already taken
    (by a member, or a pending invitation) fails the write. With `replaces`, the claim of that expired
    invitation is taken over and the expired invitation deleted."""
    inv = entry.invitation
    claim = claim_item(
        inv.account_id, inv.email, "invitation", inv.invitation_id, inv.expires_at, inv.group_id or ""
    )
    if entry.replaces and now is not None:
        old = entry.replaces
        free = (EmailClaimItem.ref_id == old.invitation_id) & (EmailClaimItem.expires_at <= now)
        # the group its count comes off must be the one it is in (a claim from before claims named groups
        # says none: one in a group then waits for the purge, which counts it right)
        in_group = (
            InvitationItem.group_id == old.group_id
            if old.group_id
            else InvitationItem.group_id.does_not_exist()
        )
        tx.delete(
            InvitationItem(*keys.invitation(inv.account_id, old.invitation_id)),
            condition=in_group,
            label=("claimed", inv.email),
        )
        tx.record(old.event)
    else:
        free = EmailClaimItem.pk.does_not_exist()
    tx.put(claim, condition=free, label=("claimed", inv.email))
    tx.put(inv, condition=InvitationItem.pk.does_not_exist(), label=("claimed", inv.email))
    tx.put(entry.link, condition=LinkItem.pk.does_not_exist(), label=("claimed", inv.email))
    tx.record(entry.event)
    if entry.mail is not None:
        queue(tx, entry.mail)
        count_email_to(tx, inv.email, entry.windows)
