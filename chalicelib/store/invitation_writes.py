"""The invitations' bulk writes: creating a batch in as few transactions as fit (each chunk taking its seats
on the account, store/seats.py), and the purge's deletion of expired ones (freeing the seats they still
hold). InvitationStore answers both."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime

from chalicelib.domain.outbox import Window
from chalicelib.store import keys
from chalicelib.store.groups import GROUP_GONE, count_changes
from chalicelib.store.invitation_items import (
    NewInvitation,
    Written,
    add_invitation,
    chunks,
    count_invitations,
)
from chalicelib.store.invite_links import GIVE_BACK, give_back, taking_back
from chalicelib.store.models import AuditEventItem, EmailClaimItem, InvitationItem, InviteLinkItem, LinkItem
from chalicelib.store.outbox import ACCOUNT_LIMIT, count_account_invitations, limit_label
from chalicelib.store.seats import SEATS, SeatsRead, free_seats, holds_seat_as_read, take_seats
from chalicelib.store.table import get_items
from chalicelib.store.tx import Outcome, Tx

PURGED_PER_TRANSACTION = 20


def create_invitations(
    new: list[NewInvitation], now: datetime, account_day: Window | None, seats: SeatsRead | None
) -> Written:
    """InvitationStore.create_invitations: each chunk in its transaction, the seats each takes predicted
    from those read plus what the earlier chunks took."""
    lost: set[str] = set()
    limited: dict[str, Window] = {}
    batches = chunks(new)
    for index, batch in enumerate(batches):
        pending = batch
        while pending:
            outcome = _chunk(pending, now, account_day, seats).commit()
            if outcome.committed:
                seats = seats.after(len(pending)) if seats is not None else None
                break
            if GROUP_GONE in outcome.failed:
                return Written(lost, True, limited)
            rest = [entry.invitation.email for entry in pending] + [
                entry.invitation.email for later in batches[index + 1 :] for entry in later
            ]
            if ACCOUNT_LIMIT in outcome.failed:  # the day is full: this chunk and the rest wait
                return Written(lost, False, limited, set(rest))
            if SEATS in outcome.failed:  # the seats changed meanwhile: the caller reads them again
                return Written(lost, False, limited, seats_changed=rest)
            losers, full = _left_out(outcome, pending)
            lost |= losers
            limited |= {email: window for email, window in full.items() if email not in losers}
            pending = [n for n in pending if n.invitation.email not in losers | set(full)]
    return Written(lost, False, limited)


def _chunk(
    pending: list[NewInvitation], now: datetime, account_day: Window | None, seats: SeatsRead | None
) -> Tx:
    tx = Tx()
    for entry in pending:
        add_invitation(tx, entry, now)
    count_invitations(tx, pending, +1)
    account_id = pending[0].invitation.account_id
    if account_day is not None:
        count_account_invitations(tx, account_id, account_day, len(pending))
    expires = min(entry.invitation.expires_at for entry in pending)
    take_seats(tx, account_id, seats, len(pending), expires=expires)
    return tx


def _left_out(outcome: Outcome, pending: list[NewInvitation]) -> tuple[set[str], dict[str, Window]]:
    """The emails a cancelled chunk must leave out: claimed by another request first, or whose address had
    its fill of emails (with the window that was full)."""
    losers = outcome.which("claimed") & {entry.invitation.email for entry in pending}
    full = {
        entry.invitation.email: window
        for entry in pending
        for window in entry.windows
        if limit_label(window, entry.invitation.email) in outcome.failed
    }
    if not losers and not full:  # cancelled by a concurrent transaction only: the caller's retry
        raise RuntimeError(f"invitations not written: {sorted(map(str, outcome.failed))}")
    return losers, full


def delete_expired(
    invitations: list[InvitationItem],
    now: datetime,
    event_of: Callable[[InvitationItem], AuditEventItem] | None,
) -> int:
    """InvitationStore.delete_expired. The expiry index does not carry whether an invitation holds a seat:
    the page is read by key first (one BatchGetItem per 100), and each deletion holds only while that is
    still so (a release meanwhile: deleted at the next run)."""
    found = get_items([(i.pk, i.sk) for i in invitations])
    invitations = [_fresh(found.get((i.pk, i.sk)), i) for i in invitations]
    links = taking_back(invitations)  # made from invite links: each gives its use back as it goes
    deleted = 0
    for start in range(0, len(invitations), PURGED_PER_TRANSACTION):
        chunk = invitations[start : start + PURGED_PER_TRANSACTION]
        if len(chunk) == 1:
            deleted += _delete_one(chunk[0], now, event_of, links)
        elif _delete_expired(chunk, now, event_of, links):
            deleted += len(chunk)
        else:
            deleted += sum(_delete_one(one, now, event_of, links) for one in chunk)
    return deleted


def _delete_one(
    invitation: InvitationItem,
    now: datetime,
    event_of: Callable[[InvitationItem], AuditEventItem] | None,
    links: dict[str, InviteLinkItem],
) -> bool:
    """One invitation alone; a link revoked meanwhile (GIVE_BACK) gets no use back, and it goes without."""
    outcome = _delete_expired([invitation], now, event_of, links)
    if not outcome and GIVE_BACK in outcome.failed and links:
        outcome = _delete_expired([invitation], now, event_of, {})
    return bool(outcome)


def _fresh(item: object, indexed: InvitationItem) -> InvitationItem:
    return item if isinstance(item, InvitationItem) else indexed


def _delete_expired(
    chunk: list[InvitationItem],
    now: datetime,
    event_of: Callable[[InvitationItem], AuditEventItem] | None,
    links: dict[str, InviteLinkItem],
) -> Outcome:
    tx = Tx()
    for invitation in chunk:
        tx.record(event_of(invitation) if event_of else None)
        tx.delete(
            InvitationItem(*keys.invitation(invitation.account_id, invitation.invitation_id)),
            condition=(InvitationItem.expires_at <= now) & holds_seat_as_read(invitation),
        )
        tx.delete(LinkItem(*keys.link(invitation.token_hash)))
        tx.delete(
            EmailClaimItem(*keys.email_claim(invitation.account_id, invitation.email)),
            condition=EmailClaimItem.ref_id == invitation.invitation_id,
        )
    for account_id in {invitation.account_id for invitation in chunk}:
        mine = [i for i in chunk if i.account_id == account_id]
        count_changes(tx, account_id, [(i.group_id, "invitation_count", -1) for i in mine])
        free_seats(tx, account_id, sum(1 for i in mine if i.holds_seat))
    returned = Counter(i.invite_link_id for i in chunk if i.invite_link_id in links)
    for link_id, uses in returned.items():
        give_back(tx, links[link_id or ""], uses)
    return tx.commit()
