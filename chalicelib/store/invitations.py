"""Access patterns of invitations, their email claims and links.

Invariant kept by every write here: while an invitation item exists, its account's claim on its email
names it. So deleting an invitation always deletes (or hands over) that claim in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

from chalicelib.domain.outbox import Window
from chalicelib.store import keys
from chalicelib.store.groups import count_changes
from chalicelib.store.invitation_accept import InvitationContext, accept, invitation_context
from chalicelib.store.invitation_items import (
    NewInvitation,
    Replaced,
    Written,
    claim_item,
    end_reminder_link,
    ended_link,
    link_item,
    new_invitation_item,
    set_expiry_keys,
)
from chalicelib.store.invitation_writes import PURGED_PER_TRANSACTION, create_invitations, delete_expired
from chalicelib.store.invite_links import GIVE_BACK, give_back, taking_back
from chalicelib.store.lists import query_index
from chalicelib.store.models import (
    AuditEventItem,
    EmailClaimItem,
    InvitationItem,
    InviteLinkItem,
    Item,
    LinkItem,
    LoginItem,
    MailItem,
    MembershipItem,
    UserItem,
    format_time,
)
from chalicelib.store.outbox import count_email_to, queue
from chalicelib.store.seats import SeatsRead, free_seats, holds_seat_as_read, take_seats
from chalicelib.store.table import get_item, get_items
from chalicelib.store.tx import Outcome, Tx

# Re-exported: the services and the test helpers name the builders and the context here, with their store.
__all__ = [
    "PURGED_PER_TRANSACTION",
    "InvitationContext",
    "InvitationStore",
    "NewInvitation",
    "Replaced",
    "Written",
    "claim_item",
    "ended_link",
    "link_item",
    "new_invitation_item",
]


class InvitationStore:
    def listed(
        self,
        account_id: str,
        group_id: str | None,
        pending: bool,
        now: datetime,
        *,
        limit: int,
        after: str | None,
    ) -> tuple[list[InvitationItem], str | None]:
        """One page of an account's (or one group's) pending or expired invitations, latest expiry first:
        a Query of limit + 1 index keys (gsi3, gsi4 for a group: their keys alone answered), then the
        invitations by key, strongly consistent: each read once. Answers the page and the last row's index
        sort key when more follow."""
        index = "gsi4" if group_id else "gsi3"
        bound = keys.invitation_index_bound(format_time(now))
        upper = after if after is not None else (None if pending else bound)
        found = query_index(
            index,
            f"{index}pk",
            keys.invitations_index_partition(account_id, group_id),
            f"{index}sk",
            limit=limit,
            descending=True,
            above=bound if pending else None,
            below=upper,
            only=("pk", "sk"),  # ALL (shared with the audit filters): the keys, the page is read by key
        )
        wanted = [(row["pk"], row["sk"]) for row in found.rows]
        items = get_items(wanted)
        page = [i for key in wanted if isinstance(i := items.get(key), InvitationItem)]
        return page, found.rows[-1][f"{index}sk"] if found.more and found.rows else None

    def claims(self, account_id: str, emails: list[str]) -> dict[str, EmailClaimItem]:
        return self.claims_and_logins(account_id, emails, with_logins=False)[0]

    def claims_and_logins(
        self, account_id: str, emails: list[str], *, with_logins: bool = True
    ) -> tuple[dict[str, EmailClaimItem], dict[str, str]]:
        """The emails' claims on the account and, in the same BatchGetItem, the user id of each email that
        has a login (which the invitation links note: accepting then reads that user with the invitation)."""
        wanted = [keys.email_claim(account_id, email) for email in emails]
        found = get_items(wanted + ([keys.login(email) for email in emails] if with_logins else []))
        claims = {item.email: item for item in found.values() if isinstance(item, EmailClaimItem)}
        return claims, {item.email: item.user_id for item in found.values() if isinstance(item, LoginItem)}

    def create_invitations(
        self,
        new: list[NewInvitation],
        now: datetime,
        account_day: Window | None = None,
        seats: SeatsRead | None = None,
    ) -> Written:
        """Writes each invitation with its link, claim and email, and counts them on their group (and on
        the account's day, with `account_day`), and their seats on the account (`seats`: as read, see
        store/seats.py; None: counted without a limit's condition); answers the emails another request
        claimed first, those whose address had its fill of emails, those left out once the account's day
        was full, and those left out because the seats were not as read (the service reads them again).
        A chunk cancelled by one lost race or one full address is retried without it; a group deleted
        meanwhile stops the whole invite (`group_gone`)."""
        return create_invitations(new, now, account_day, seats)

    def get_invitation(self, account_id: str, invitation_id: str) -> InvitationItem | None:
        return get_item(InvitationItem, keys.invitation(account_id, invitation_id))

    def invitations_of(self, account_id: str) -> list[InvitationItem]:
        pk, prefix = keys.invitations_of(account_id)
        return list(InvitationItem.query(pk, InvitationItem.sk.startswith(prefix), consistent_read=True))

    def resend(
        self,
        invitation: InvitationItem,
        old_hash: str,
        links: tuple[LinkItem, LinkItem],
        not_sent_since: datetime,
        event: AuditEventItem | None = None,
        mail: MailItem | None = None,
        windows: tuple[Window, ...] = (),
        reminder_link: LinkItem | None = None,
        seats: SeatsRead | None = None,
    ) -> Outcome:
        """Stores the invitation as the caller changed it (new token hash, expiry, count) with its links (the
        old one ended as "replaced", see `ended_link`, and the new one) and its email (counted against the
        address's `windows`: a full one fails with its limit_label) and its reminder's link ended with the old
        one (`reminder_link`, if any), in one transaction; fails if it was resent, revoked, accepted or
        released meanwhile. With `seats`, it takes a seat again (an expired invitation whose seat was
        released: SEATS if the seats are not as read)."""
        replaced, new_link = links
        tx = _resent(Tx().record(event), invitation, old_hash, not_sent_since, seats)
        for ended in filter(None, (replaced, reminder_link)):  # as unconditional as deleting them was
            tx.put(ended)
        tx.put(new_link, condition=LinkItem.pk.does_not_exist())
        tx.update(
            EmailClaimItem(*keys.email_claim(invitation.account_id, invitation.email)),
            [EmailClaimItem.expires_at.set(invitation.expires_at)],
            condition=EmailClaimItem.ref_id == invitation.invitation_id,
        )
        if mail is not None:
            queue(tx, mail)
            count_email_to(tx, invitation.email, windows)
        return tx.commit()

    def revoke(self, invitation: InvitationItem, event: AuditEventItem | None = None) -> Outcome:
        """Deletes the invitation and its claim, and frees its seat if it holds one (as read); its link is
        left ended as "revoked" (`ended_link`). One made from an invite link gives that link its use back
        in the same transaction (unless the link is revoked: then, or if it is revoked meanwhile, not)."""
        link = taking_back([invitation]).get(invitation.invite_link_id or "")
        outcome = _revoked(invitation, event, link).commit()
        if link is not None and GIVE_BACK in outcome.failed:
            outcome = _revoked(invitation, event, None).commit()
        return outcome

    def invitation_context(self, link: LinkItem) -> InvitationContext:
        """What accepting or looking up a link needs, in one BatchGetItem (store/invitation_accept.py)."""
        return invitation_context(link)

    def accept(
        self,
        invitation: InvitationItem,
        membership: MembershipItem,
        now: datetime,
        new_user: tuple[UserItem, LoginItem] | None,
        existing_user_id: str | None,
        event: AuditEventItem | None = None,
        writes: Sequence[Item] = (),
    ) -> Outcome:
        """Uses the invitation exactly once (store/invitation_accept.py `accept`, which names its failure
        labels); `writes`: the sign-in's session and security event, in the same transaction."""
        return accept(invitation, membership, now, new_user, existing_user_id, event, writes)

    def expired_pages(self, now: datetime, size: int = 100) -> Iterator[list[InvitationItem]]:
        """The invitations expired by `now`, `size` at a time across the expiry shards: reads grow with what
        has expired, not with the table, and no more than a page is held at once."""
        bound = keys.expiry_upper_bound(format_time(now))
        page: list[InvitationItem] = []
        for partition in keys.expiry_partitions():
            for item in InvitationItem.by_expiry.query(
                partition, InvitationItem.gsi2sk <= bound, page_size=size
            ):
                if isinstance(item, InvitationItem):
                    page.append(item)
                if len(page) == size:
                    yield page
                    page = []
        if page:
            yield page

    def delete_expired(
        self,
        invitations: list[InvitationItem],
        now: datetime,
        event_of: Callable[[InvitationItem], AuditEventItem] | None = None,
    ) -> int:
        """Deletes expired invitations with their links and claims, freeing the seats they still hold
        (and, with `event_of`, records each expiry), 20 to a transaction; a chunk that a concurrent
        resend or accept cancels is retried one invitation at a time. Returns how many went."""
        return delete_expired(invitations, now, event_of)


def _revoked(invitation: InvitationItem, event: AuditEventItem | None, link: InviteLinkItem | None) -> Tx:
    tx = Tx().record(event).delete(invitation, condition=holds_seat_as_read(invitation))
    free_seats(tx, invitation.account_id, 1 if invitation.holds_seat else 0)
    tx.put(ended_link(invitation.token_hash, invitation, "revoked"))
    end_reminder_link(tx, invitation, "revoked")
    tx.delete(
        EmailClaimItem(*keys.email_claim(invitation.account_id, invitation.email)),
        condition=EmailClaimItem.ref_id == invitation.invitation_id,
    )
    count_changes(tx, invitation.account_id, [(invitation.group_id, "invitation_count", -1)])
    if link is not None:
        give_back(tx, link, 1)
    return tx


def _resent(
    tx: Tx, invitation: InvitationItem, old_hash: str, not_sent_since: datetime, seats: SeatsRead | None
) -> Tx:
    """The invitation as resent, while still as read: its link, its last send and whether it holds a seat
    (with `seats` it takes one again, having lost it after expiry; else it still holds one)."""
    set_expiry_keys(invitation)
    held = InvitationItem.holds_seat.does_not_exist() if seats else InvitationItem.holds_seat.exists()
    if seats is not None:
        invitation.holds_seat = True
    as_read = (InvitationItem.token_hash == old_hash) & (InvitationItem.last_sent_at <= not_sent_since)
    tx.put(invitation, condition=as_read & held)
    if seats is not None:
        take_seats(tx, invitation.account_id, seats, 1, expires=invitation.expires_at)
    return tx
