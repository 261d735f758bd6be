"""Joining an account without an invitation (issue 29): join requests, and the joins themselves.

A request is put with its requester's pointer (JOINBY#<requester>) in one transaction, under the condition
that the pointer names no pending request and no denial of the last 7 days: two asks at once make one
request. A decision updates both while the request is still pending. A join (an automatic one, or an
approval) writes the membership as store/joining.py describes it, taking its seat under the account's limit
as read (store/seats.py), with the removed-by-someone mark cleared: the user is a member again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

from pynamodb.expressions.update import Action

from chalicelib.store import keys
from chalicelib.store.due import due, mark
from chalicelib.store.invitation_items import NewInvitation, add_invitation, count_invitations
from chalicelib.store.joining import joining, write_joining
from chalicelib.store.models import (
    AuditEventItem,
    JoinDigestItem,
    JoinRequesterItem,
    JoinRequestItem,
    MailItem,
    MembershipItem,
    RemovedMarkItem,
    format_time,
)
from chalicelib.store.seats import SeatsRead, take_seats
from chalicelib.store.table import get_item, get_items
from chalicelib.store.tx import Outcome, Tx

ASK_AGAIN_AFTER: Final = timedelta(days=7)  # a denied requester's wait


class JoinRequestStore:
    def standing(
        self, account_id: str, user_id: str, requester: str
    ) -> tuple[MembershipItem | None, JoinRequesterItem | None, bool]:
        """What a join decides on, in one BatchGetItem: the user's membership, their latest request's
        pointer, and whether someone else removed them."""
        wanted = [
            keys.membership(account_id, user_id),
            keys.join_requester(account_id, requester),
            keys.removed_mark(account_id, user_id),
        ]
        found = get_items(wanted)
        membership = found.get(wanted[0])
        pointer = found.get(wanted[1])
        return (
            membership if isinstance(membership, MembershipItem) else None,
            pointer if isinstance(pointer, JoinRequesterItem) else None,
            isinstance(found.get(wanted[2]), RemovedMarkItem),
        )

    def get_request(self, account_id: str, request_id: str) -> JoinRequestItem | None:
        return get_item(JoinRequestItem, keys.join_request(account_id, request_id))

    def requests_of(self, account_id: str) -> list[JoinRequestItem]:
        pk, prefix = keys.join_requests_of(account_id)
        found = JoinRequestItem.query(pk, JoinRequestItem.sk.startswith(prefix), consistent_read=True)
        return [item for item in found if isinstance(item, JoinRequestItem)]

    def create_request(self, request: JoinRequestItem, now: datetime, event: AuditEventItem) -> Outcome:
        """Fails "exists" while the requester has a pending unexpired request, or was denied within 7
        days."""
        return self.request_writes(request, now, event).commit()

    @staticmethod
    def request_writes(request: JoinRequestItem, now: datetime, event: AuditEventItem) -> Tx:
        """The writes of a new request, to commit with others (a link's counts). The request waits in the
        due index until its expiry (`expire_due`)."""
        mark(
            request,
            keys.JOIN_REQUEST_DUE,
            keys.join_request_due_id(request.account_id, request.request_id),
            request.expires_at,
        )
        pointer = JoinRequesterItem(
            *keys.join_requester(request.account_id, request.requester),
            request_id=request.request_id,
            status="pending",
            expires_at=request.expires_at,
        )
        pending = (JoinRequesterItem.status == "pending") & (JoinRequesterItem.expires_at > now)
        denied = (JoinRequesterItem.status == "denied") & (
            JoinRequesterItem.decided_at > now - ASK_AGAIN_AFTER
        )
        free = JoinRequesterItem.pk.does_not_exist() | ~(pending | denied)
        tx = Tx().record(event).put(pointer, condition=free, label="exists")
        tx.put(request, condition=JoinRequestItem.pk.does_not_exist(), label="exists")
        return _mark_digest(tx, request.account_id, now)

    def decide(
        self,
        request: JoinRequestItem,
        status: str,
        now: datetime,
        events: Sequence[AuditEventItem],
        membership: MembershipItem | None = None,
        seats: SeatsRead | None = None,
        mail: MailItem | None = None,
    ) -> Outcome:
        """The request approved or denied while still pending and unexpired ("used" if not); an approval
        with `membership` adds the member and takes its seat in the same transaction; `mail`, the email
        telling the requester, is queued in it too."""
        tx = self._decided(request, status, now, events)
        if membership is not None:
            join_writes(tx, membership, seats)
        if mail is not None:
            tx.put(mail, condition=MailItem.pk.does_not_exist())
        return tx.commit()

    def approve_by_invitation(
        self,
        request: JoinRequestItem,
        now: datetime,
        events: Sequence[AuditEventItem],
        entry: NewInvitation,
        seats: SeatsRead,
    ) -> Outcome:
        """A request made by email approved: the invitation that proves the address is made in the same
        transaction, with its claim ("claimed": the address is a member or invited meanwhile), its email,
        its group's count and its seat (SEATS); "used" when the request is no longer pending."""
        tx = self._decided(request, "approved", now, events)
        add_invitation(tx, entry, now)
        count_invitations(tx, [entry], +1)
        take_seats(tx, request.account_id, seats, 1, expires=entry.invitation.expires_at)
        return tx.commit()

    @staticmethod
    def _decided(
        request: JoinRequestItem, status: str, now: datetime, events: Sequence[AuditEventItem]
    ) -> Tx:
        still = (JoinRequestItem.status == "pending") & (JoinRequestItem.expires_at > now)
        decided = [JoinRequestItem.status.set(status), JoinRequestItem.decided_at.set(now), *_out_of_due()]
        tx = _recorded(events).update(request, decided, condition=still, label="used")
        pointer = JoinRequesterItem(*keys.join_requester(request.account_id, request.requester))
        tx.update(
            pointer,
            [JoinRequesterItem.status.set(status), JoinRequesterItem.decided_at.set(now)],
            condition=JoinRequesterItem.request_id == request.request_id,
            label="used",
        )
        return tx

    def digests_due(self, now: datetime, limit: int) -> list[JoinDigestItem]:
        """Up to `limit` accounts' digests marked by a new request, from the due index (only those wait)."""
        return due(JoinDigestItem, keys.JOIN_DIGEST_DUE, now, limit, lambda item: True)

    def send_digest(self, digest: JoinDigestItem, mails: Sequence[MailItem], now: datetime) -> Outcome:
        """The digest sent (its emails queued) while it is as read: no request marked it since ("changed":
        the next run includes that one) and no other run sent it meanwhile; out of the due index."""
        as_read = JoinDigestItem.marked_at == digest.marked_at
        last = digest.last_sent_at
        as_read &= (
            JoinDigestItem.last_sent_at.does_not_exist()
            if last is None
            else JoinDigestItem.last_sent_at == last
        )
        sent = [
            JoinDigestItem.last_sent_at.set(now),
            JoinDigestItem.gsi2pk.remove(),
            JoinDigestItem.gsi2sk.remove(),
        ]
        tx = Tx().update(digest, sent, condition=as_read, label="changed")
        for mail in mails:
            tx.put(mail, condition=MailItem.pk.does_not_exist())
        return tx.commit()

    def due_requests(self, now: datetime, limit: int) -> list[JoinRequestItem]:
        """Up to `limit` requests pending past their expiry, read from the due index (only those wait)."""
        return due(JoinRequestItem, keys.JOIN_REQUEST_DUE, now, limit, lambda item: item.status == "pending")

    def expire(self, request: JoinRequestItem, now: datetime) -> Outcome:
        """Marks a request expired, out of the due index, while it is still pending and past its expiry."""
        still = (JoinRequestItem.status == "pending") & (JoinRequestItem.expires_at <= now)
        actions = [JoinRequestItem.status.set("expired"), *_out_of_due()]
        tx = Tx().update(request, actions, condition=still, label="used")
        pointer = JoinRequesterItem(*keys.join_requester(request.account_id, request.requester))
        tx.update(
            pointer,
            [JoinRequesterItem.status.set("expired")],
            condition=JoinRequesterItem.request_id == request.request_id,
            label="used",
        )
        return tx.commit()

    def join(self, membership: MembershipItem, seats: SeatsRead, events: Sequence[AuditEventItem]) -> Outcome:
        """An automatic join: the member, their seat under `seats`, the events. "already_member" if they
        became one meanwhile, SEATS if the account's seats are not as read."""
        return join_writes(_recorded(events), membership, seats).commit()


def _recorded(events: Sequence[AuditEventItem]) -> Tx:
    tx = Tx()
    for event in events:
        tx.record(event)
    return tx


def join_writes(tx: Tx, membership: MembershipItem, seats: SeatsRead | None) -> Tx:
    """The membership, its seat under `seats`, and the removed-by-someone mark cleared."""
    write_joining(tx, joining(membership, membership.email), claim_of=None, list_login=True, seats=seats)
    tx.delete(RemovedMarkItem(*keys.removed_mark(membership.account_id, membership.user_id)))
    return tx


def _mark_digest(tx: Tx, account_id: str, now: datetime) -> Tx:
    """A new request marks its account's digest due (the hourly step sends it, at most once an hour)."""
    digest = JoinDigestItem(*keys.join_digest(account_id))
    pk, sk = keys.due(keys.JOIN_DIGEST_DUE, account_id, format_time(now))
    marked = [
        JoinDigestItem.entity.set(JoinDigestItem),  # an upsert: name the entity too
        JoinDigestItem.account_id.set(account_id),
        JoinDigestItem.marked_at.set(now),
        JoinDigestItem.gsi2pk.set(pk),
        JoinDigestItem.gsi2sk.set(sk),
    ]
    return tx.update(digest, marked)


def _out_of_due() -> list[Action]:
    return [JoinRequestItem.gsi2pk.remove(), JoinRequestItem.gsi2sk.remove()]
