"""Email domains (issue 29): an account's domains and the one claim per verified domain."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from chalicelib.domain.outbox import Window
    from chalicelib.store.email_domains import ClaimChange
    from chalicelib.store.invitation_items import NewInvitation
    from chalicelib.store.models import (
        AuditEventItem,
        DomainClaimItem,
        EmailDomainItem,
        InviteLinkItem,
        JoinDigestItem,
        JoinRequesterItem,
        JoinRequestItem,
        MailItem,
        MembershipItem,
    )
    from chalicelib.store.seats import SeatsRead
    from chalicelib.store.tx import Outcome


class EmailDomainRepository(Protocol):
    def domains_of(self, account_id: str) -> list[EmailDomainItem]: ...
    def get_domain(self, account_id: str, domain: str) -> EmailDomainItem | None: ...
    def claim_of(self, domain: str) -> DomainClaimItem | None: ...
    def add(self, domain: EmailDomainItem, events: Sequence[AuditEventItem] = ()) -> Outcome: ...
    def save(
        self,
        domain: EmailDomainItem,
        changes: Mapping[str, object],
        events: Sequence[AuditEventItem] = (),
        claim: ClaimChange = "keep",
    ) -> Outcome: ...
    def remove(self, domain: EmailDomainItem, event: AuditEventItem | None = None) -> Outcome: ...
    def take_verify_turn(self, domain: EmailDomainItem, now: datetime) -> Outcome: ...
    def due_domains(self, now: datetime, limit: int) -> list[EmailDomainItem]: ...


class JoinRequestRepository(Protocol):
    def standing(
        self, account_id: str, user_id: str, requester: str
    ) -> tuple[MembershipItem | None, JoinRequesterItem | None, bool]: ...
    def get_request(self, account_id: str, request_id: str) -> JoinRequestItem | None: ...
    def requests_of(self, account_id: str) -> list[JoinRequestItem]: ...
    def create_request(self, request: JoinRequestItem, now: datetime, event: AuditEventItem) -> Outcome: ...
    def decide(
        self,
        request: JoinRequestItem,
        status: str,
        now: datetime,
        events: Sequence[AuditEventItem],
        membership: MembershipItem | None = None,
        seats: SeatsRead | None = None,
        mail: MailItem | None = None,
    ) -> Outcome: ...
    def approve_by_invitation(
        self,
        request: JoinRequestItem,
        now: datetime,
        events: Sequence[AuditEventItem],
        entry: NewInvitation,
        seats: SeatsRead,
    ) -> Outcome: ...
    def digests_due(self, now: datetime, limit: int) -> list[JoinDigestItem]: ...
    def send_digest(self, digest: JoinDigestItem, mails: Sequence[MailItem], now: datetime) -> Outcome: ...
    def due_requests(self, now: datetime, limit: int) -> list[JoinRequestItem]: ...
    def expire(self, request: JoinRequestItem, now: datetime) -> Outcome: ...
    def join(
        self, membership: MembershipItem, seats: SeatsRead, events: Sequence[AuditEventItem]
    ) -> Outcome: ...


class InviteLinkRepository(Protocol):
    def links_of(self, account_id: str) -> list[InviteLinkItem]: ...
    def get_link(self, account_id: str, link_id: str) -> InviteLinkItem | None: ...
    def by_token(self, token_hash: str) -> InviteLinkItem | None: ...
    def create(self, link: InviteLinkItem, now: datetime, event: AuditEventItem) -> Outcome: ...
    def revoke(self, link: InviteLinkItem, now: datetime, event: AuditEventItem) -> Outcome: ...
    def use(
        self,
        link: InviteLinkItem,
        membership: MembershipItem,
        seats: SeatsRead,
        now: datetime,
        events: Sequence[AuditEventItem],
    ) -> Outcome: ...
    def request(
        self, link: InviteLinkItem, request: JoinRequestItem, now: datetime, event: AuditEventItem
    ) -> Outcome: ...
    def queue_email(
        self,
        link: InviteLinkItem,
        mail: MailItem,
        counted_as: str,
        window: Window,
        now: datetime,
        asked: tuple[JoinRequestItem, AuditEventItem] | None = None,
    ) -> Outcome: ...
    def invite(
        self,
        link: InviteLinkItem,
        entry: NewInvitation,
        now: datetime,
        seats: SeatsRead,
        day: Window,
        event: AuditEventItem,
    ) -> Outcome: ...
    def email_request(
        self, link: InviteLinkItem, request: JoinRequestItem, now: datetime, event: AuditEventItem
    ) -> Outcome: ...
