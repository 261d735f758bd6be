"""Join requests in memory, as store/join_requests.py writes them: each request with its requester's pointer
JOINBY#<requester> (no second pending one, no new one within 7 days of a denial), decided or expired while
pending, and a join (an automatic one, or an approval) writing the membership as store/joining.py does, its
seat under the account's seats as read, the removed-by-someone mark cleared. The due index, the digest's
and the approval that makes an invitation are the store's alone (tested on moto: tests/api)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime

from chalicelib.domain.seats import crossings
from chalicelib.services.ports import JoinRequestRepository
from chalicelib.store import keys
from chalicelib.store.join_requests import ASK_AGAIN_AFTER
from chalicelib.store.joining import joining
from chalicelib.store.models import (
    AuditEventItem,
    EmailClaimItem,
    JoinRequesterItem,
    JoinRequestItem,
    MailItem,
    MembershipItem,
    RemovedMarkItem,
)
from chalicelib.store.outcomes import Failure
from chalicelib.store.seats import SEATS, SeatsRead
from chalicelib.store.tx import Outcome
from tests.helpers.fakes import seats as seat_rules
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
        return self.t.record(event)

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
        stored = self.t.get(key_of(request), JoinRequestItem)
        pointer = self.t.get(keys.join_requester(request.account_id, request.requester), JoinRequesterItem)
        labels: set[Failure] = set()
        if stored is None or stored.status != "pending" or stored.expires_at <= now:
            labels.add("used")
        if pointer is None or pointer.request_id != request.request_id:
            labels.add("used")
        if membership is not None:
            labels |= self._join_failures(membership, seats)
        if labels:
            return Outcome(frozenset(labels))
        assert stored is not None and pointer is not None
        stored.status = pointer.status = status
        stored.decided_at = pointer.decided_at = now
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
    approve_by_invitation = not_faked("join_requests", "approve_by_invitation")
    digests_due = not_faked("join_requests", "digests_due")
    send_digest = not_faked("join_requests", "send_digest")

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
