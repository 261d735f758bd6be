"""Access patterns of invitations, their email claims and links.

Invariant kept by every write here: while an invitation item exists, its account's claim on its email
names it. So deleting an invitation always deletes (or hands over) that claim in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

from chalicelib.domain.outbox import Window
from chalicelib.store import keys
from chalicelib.store.groups import GROUP_GONE, count_changes
from chalicelib.store.invitation_accept import InvitationContext, accept, invitation_context
from chalicelib.store.invitation_items import (
    NewInvitation,
    Replaced,
    Written,
    add_invitation,
    chunks,
    claim_item,
    count_invitations,
    end_reminder_link,
    ended_link,
    link_item,
    new_invitation_item,
    set_expiry_keys,
)
from chalicelib.store.lists import query_index
from chalicelib.store.models import (
    AuditEventItem,
    EmailClaimItem,
    InvitationItem,
    Item,
    LinkItem,
    LoginItem,
    MailItem,
    MembershipItem,
    UserItem,
    format_time,
)
from chalicelib.store.outbox import (
    ACCOUNT_LIMIT,
    count_account_invitations,
    count_email_to,
    limit_label,
    queue,
)
from chalicelib.store.table import get_item, get_items
from chalicelib.store.tx import Outcome, Tx

# Re-exported: the services and the test helpers name the builders and the context here, with their store.
__all__ = [
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

PURGED_PER_TRANSACTION = 20


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
        self, new: list[NewInvitation], now: datetime, account_day: Window | None = None
    ) -> Written:
        """Writes each invitation with its link, claim and email, and counts them on their group (and on
        the account's day, with `account_day`); answers the emails another request claimed first, those
        whose address had its fill of emails, and those left out once the account's day was full. A chunk
        cancelled by one lost race or one full address is retried without it; a group deleted meanwhile
        stops the whole invite (`group_gone`)."""
        lost: set[str] = set()
        limited: dict[str, Window] = {}
        batches = chunks(new)
        for index, batch in enumerate(batches):
            pending = batch
            while pending:
                outcome = _chunk(pending, now, account_day).commit()
                if outcome.committed:
                    break
                if GROUP_GONE in outcome.failed:
                    return Written(lost, True, limited)
                if ACCOUNT_LIMIT in outcome.failed:  # the day is full: this chunk and the rest wait
                    rest = pending + [entry for later in batches[index + 1 :] for entry in later]
                    return Written(lost, False, limited, {entry.invitation.email for entry in rest})
                losers, full = _left_out(outcome, pending)
                lost |= losers
                limited |= {email: window for email, window in full.items() if email not in losers}
                pending = [n for n in pending if n.invitation.email not in losers | set(full)]
        return Written(lost, False, limited)

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
    ) -> Outcome:
        """Stores the invitation as the caller changed it (new token hash, expiry, count) with its links (the
        old one ended as "replaced", see `ended_link`, and the new one) and its email (counted against the
        address's `windows`: a full one fails with its limit_label) and its reminder's link ended with the old
        one (`reminder_link`, if any), in one transaction; fails if resent, revoked or accepted meanwhile."""
        replaced, new_link = links
        set_expiry_keys(invitation)
        tx = (
            Tx()
            .record(event)
            .put(
                invitation,
                condition=(InvitationItem.token_hash == old_hash)
                & (InvitationItem.last_sent_at <= not_sent_since),
            )
        )
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
        """Deletes the invitation and its claim; its link is left ended as "revoked" (`ended_link`)."""
        tx = Tx().record(event).delete(invitation, condition=InvitationItem.pk.exists())
        tx.put(ended_link(invitation.token_hash, invitation, "revoked"))
        end_reminder_link(tx, invitation, "revoked")
        tx.delete(
            EmailClaimItem(*keys.email_claim(invitation.account_id, invitation.email)),
            condition=EmailClaimItem.ref_id == invitation.invitation_id,
        )
        count_changes(tx, invitation.account_id, [(invitation.group_id, "invitation_count", -1)])
        return tx.commit()

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
        """Deletes expired invitations with their links and claims (and, with `event_of`, records each
        expiry), 20 to a transaction; a chunk that a concurrent resend or accept cancels is retried one
        invitation at a time. Returns how many went."""
        deleted = 0
        for start in range(0, len(invitations), PURGED_PER_TRANSACTION):
            chunk = invitations[start : start + PURGED_PER_TRANSACTION]
            if _delete_expired(chunk, now, event_of):
                deleted += len(chunk)
            elif len(chunk) > 1:
                deleted += sum(bool(_delete_expired([one], now, event_of)) for one in chunk)
        return deleted


def _chunk(pending: list[NewInvitation], now: datetime, account_day: Window | None) -> Tx:
    tx = Tx()
    for entry in pending:
        add_invitation(tx, entry, now)
    count_invitations(tx, pending, +1)
    if account_day is not None:
        count_account_invitations(tx, pending[0].invitation.account_id, account_day, len(pending))
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


def _delete_expired(
    chunk: list[InvitationItem], now: datetime, event_of: Callable[[InvitationItem], AuditEventItem] | None
) -> Outcome:
    tx = Tx()
    for invitation in chunk:
        tx.record(event_of(invitation) if event_of else None)
        tx.delete(
            InvitationItem(*keys.invitation(invitation.account_id, invitation.invitation_id)),
            condition=InvitationItem.expires_at <= now,
        )
        tx.delete(LinkItem(*keys.link(invitation.token_hash)))
        tx.delete(
            EmailClaimItem(*keys.email_claim(invitation.account_id, invitation.email)),
            condition=EmailClaimItem.ref_id == invitation.invitation_id,
        )
    for account_id in {invitation.account_id for invitation in chunk}:
        count_changes(
            tx,
            account_id,
            [(i.group_id, "invitation_count", -1) for i in chunk if i.account_id == account_id],
        )
    return tx.commit()
