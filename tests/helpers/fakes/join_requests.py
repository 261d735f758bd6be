"""Join requests in memory, as store/join_requests.py writes them: each request with its requester's pointer
JOINBY#<requester> (no second pending one, no new one within 7 days of a denial), decided or expired while
pending, and a join (an automatic one, or an approval) writing the membership as store/joining.py does, its
seat under the account's seats as read, the removed-by-someone mark cleared; an approval of a request made
by email writes its invitation as any invitation; a new request marks its account's digest, which is due
until sent. The requests' due index is the store's alone (tested on moto: tests/api)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime

from chalicelib.domain.seats import crossings
from chalicelib.services.ports import JoinRequestRepository
from chalicelib.store import keys
from chalicelib.store.groups import GROUP_GONE
from chalicelib.store.invitations import NewInvitation
from chalicelib.store.join_requests import ASK_AGAIN_AFTER
from chalicelib.store.joining import joining
from chalicelib.store.models import (
    AuditEventItem,
    EmailClaimItem,
    JoinDigestItem,
    JoinRequesterItem,
    JoinRequestItem,
    MailItem,
    MembershipItem,
    RemovedMarkItem,
    format_time,
)
from chalicelib.store.outbox import limit_label
from chalicelib.store.outcomes import Failure
from chalicelib.store.seats import SEATS, SeatsRead
from chalicelib.store.tx import Outcome
from tests.helpers.fakes import seats as seat_rules
from tests.helpers.fakes.invitation_writes import free_to_take, full_window, write_invitation
from tests.helpers.fakes.table import OK, Table, failed, key_of, not_faked


class FakeJoinRequests(JoinRequestRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def standing(
        self, account_id: str, user_id: str, requester: str
    ) -> tuple[MembershipItem | None, JoinRequesterItem | None, bool]:
        membership = self.t.get(keys.membership(account_id, user_id), MembershipItem)
        pointer = self.t.get(keys.join_requester(account_id, requester), JoinRequesterItem)
        removed = self.t.get(keys.removed_mark(account_id, user_id), RemovedMarkItem) is not None
        return copy.deepcopy(membership), copy.deepcopy(pointer), removed

    def get_request(self, account_id: str, request_id: str) -> JoinRequestItem | None:
        return copy.deepcopy(self.t.get(keys.join_request(account_id, request_id), JoinRequestItem))

    def requests_of(self, account_id: str) -> list[JoinRequestItem]:
        return copy.deepcopy(self.t.query(JoinRequestItem, keys.join_requests_of(account_id)))

    def create_request(self, request: JoinRequestItem, now: datetime, event: AuditEventItem) -> Outcome:
        key = keys.join_requester(request.account_id, request.requester)
        pointer = self.t.get(key, JoinRequesterItem)
        pending = pointer is not None and pointer.status == "pending" and pointer.expires_at > now
        denied = (
            pointer is not None
            and pointer.status == "denied"
            and pointer.decided_at is not None
            and pointer.decided_at > now - ASK_AGAIN_AFTER
        )
        if pending or denied or self.t.get(key_of(request), JoinRequestItem) is not None:
            return failed("exists")
        self.t.put(
            JoinRequesterItem(
                *key, request_id=request.request_id, status="pending", expires_at=request.expires_at
            )
        )
        self.t.put(copy.deepcopy(request))
        self._mark_digest(request.account_id, now)
        return self.t.record(event)

    def digests_due(self, now: datetime, limit: int) -> list[JoinDigestItem]:
        """The digests a new request marked (the store's due index holds exactly those), oldest first."""
        marked = [d for d in self.t.of(JoinDigestItem) if d.gsi2pk is not None and d.marked_at <= now]
        return copy.deepcopy(sorted(marked, key=lambda d: d.marked_at)[:limit])

    def send_digest(self, digest: JoinDigestItem, mails: Sequence[MailItem], now: datetime) -> Outcome:
        stored = self.t.get(key_of(digest), JoinDigestItem)
        if (
            stored is None
            or stored.marked_at != digest.marked_at
            or stored.last_sent_at != digest.last_sent_at
        ):
            return failed("changed")
        stored.last_sent_at, stored.gsi2pk, stored.gsi2sk = now, None, None
        for mail in mails:
            self.t.put(copy.deepcopy(mail))
        return OK

    def approve_by_invitation(
        self,
        request: JoinRequestItem,
        now: datetime,
        events: Sequence[AuditEventItem],
        entry: NewInvitation,
        seats: SeatsRead,
    ) -> Outcome:
        """As store/join_requests.py: the decision's conditions ("used"), the invitation's as any
        invitation's (its claim, its address's windows, its group, SEATS), then all of it written."""
        invitation, labels = entry.invitation, self._pending_failures(request, now)
        if not free_to_take(self.t, entry, now):
            labels.add(("claimed", invitation.email))
        full = full_window(self.t, entry)
        if full is not None:
            labels.add(limit_label(full, invitation.email))
        groups: list[tuple[str | None, str, int]] = [(invitation.group_id, "invitation_count", 1)]
        groups += [(entry.replaces.group_id, "invitation_count", -1)] if entry.replaces else []
        if not self.t.add_to_groups(invitation.account_id, groups, check=True):
            labels.add(GROUP_GONE)
        if not seat_rules.seats_hold(self.t, invitation.account_id, seats, 1):
            labels.add(SEATS)
        if labels:
            return Outcome(frozenset(labels))
        self._decided(request, "approved", now)
        self.t.add_to_groups(invitation.account_id, groups)
        seat_rules.take(self.t, invitation.account_id, seats, 1)
        write_invitation(self.t, entry, None, now)
        return self._recorded(events)

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
        labels = self._pending_failures(request, now)
        if membership is not None:
            labels |= self._join_failures(membership, seats)
        if labels:
            return Outcome(frozenset(labels))
        self._decided(request, status, now)
        if membership is not None:
            self._join(membership, seats)
        if mail is not None:
            self.t.put(copy.deepcopy(mail))
        return self._recorded(events)

    def join(self, membership: MembershipItem, seats: SeatsRead, events: Sequence[AuditEventItem]) -> Outcome:
        labels = self._join_failures(membership, seats)
        if labels:
            return Outcome(frozenset(labels))
        self._join(membership, seats)
        return self._recorded(events)

    def expire(self, request: JoinRequestItem, now: datetime) -> Outcome:
        stored = self.t.get(key_of(request), JoinRequestItem)
        pointer = self.t.get(keys.join_requester(request.account_id, request.requester), JoinRequesterItem)
        if stored is None or stored.status != "pending" or stored.expires_at > now:
            return failed("used")
        if pointer is None or pointer.request_id != request.request_id:
            return failed("used")
        stored.status = pointer.status = "expired"
        return OK

    due_requests = not_faked("join_requests", "due_requests")

    def _mark_digest(self, account_id: str, now: datetime) -> None:
        digest = self.t.get(keys.join_digest(account_id), JoinDigestItem)
        if digest is None:
            digest = JoinDigestItem(*keys.join_digest(account_id), account_id=account_id, marked_at=now)
            self.t.put(digest)
        digest.marked_at = now
        digest.gsi2pk, digest.gsi2sk = keys.due(keys.JOIN_DIGEST_DUE, account_id, format_time(now))

    def _pending_failures(self, request: JoinRequestItem, now: datetime) -> set[Failure]:
        """A decision's conditions: the request still pending and unexpired, its pointer still naming it."""
        stored = self.t.get(key_of(request), JoinRequestItem)
        pointer = self.t.get(keys.join_requester(request.account_id, request.requester), JoinRequesterItem)
        labels: set[Failure] = set()
        if stored is None or stored.status != "pending" or stored.expires_at <= now:
            labels.add("used")
        if pointer is None or pointer.request_id != request.request_id:
            labels.add("used")
        return labels

    def _decided(self, request: JoinRequestItem, status: str, now: datetime) -> None:
        stored = self.t.get(key_of(request), JoinRequestItem)
        pointer = self.t.get(keys.join_requester(request.account_id, request.requester), JoinRequesterItem)
        assert stored is not None and pointer is not None
        stored.status = pointer.status = status
        stored.decided_at = pointer.decided_at = now

    def _join_failures(self, membership: MembershipItem, seats: SeatsRead | None) -> set[Failure]:
        """store/joining.py write_joining's conditions: the email nobody's ("used"), no membership yet
        ("already_member"), the seats as read (SEATS)."""
        labels: set[Failure] = set()
        if self.t.get(keys.email_claim(membership.account_id, membership.email), EmailClaimItem) is not None:
            labels.add("used")
        if self.t.get(key_of(membership), MembershipItem) is not None:
            labels.add("already_member")
        if not seat_rules.seats_hold(self.t, membership.account_id, seats, 1):
            labels.add(SEATS)
        return labels

    def _join(self, membership: MembershipItem, seats: SeatsRead | None) -> None:
        account_id = membership.account_id
        self.t.join(joining(copy.deepcopy(membership), membership.email))  # takes its seat, as the ADD does
        if seats is not None and seats.event_of is not None and seats.limit is not None:
            for kind in crossings(seats.limit, seats.held, seats.held + 1):  # as store/seats.py take_seats
                self.t.record(seats.event_of(kind, seats.held + 1, seats.limit))
        self.t.delete(keys.removed_mark(account_id, membership.user_id))

    def _recorded(self, events: Sequence[AuditEventItem]) -> Outcome:
        for event in events:
            self.t.record(event)
        return OK
