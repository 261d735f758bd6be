"""What is sent and retried: invitations, the email outbox, webhooks and their deliveries, and the keys that
make a request safe to repeat."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from chalicelib.domain.outbox import Window
    from chalicelib.store.idempotency import KeyHold
    from chalicelib.store.invitations import InvitationContext, NewInvitation, Written
    from chalicelib.store.models import (
        AuditEventItem,
        DeliveryItem,
        EmailClaimItem,
        IdempotencyItem,
        InvitationItem,
        Item,
        LinkItem,
        LoginItem,
        MailItem,
        MembershipItem,
        UserItem,
        WebhookItem,
    )
    from chalicelib.store.seats import SeatsRead
    from chalicelib.store.tx import Outcome


class InvitationRepository(Protocol):
    def listed(
        self,
        account_id: str,
        group_id: str | None,
        pending: bool,
        now: datetime,
        *,
        limit: int,
        after: str | None,
    ) -> tuple[list[InvitationItem], str | None]: ...
    def claims(self, account_id: str, emails: list[str]) -> dict[str, EmailClaimItem]: ...
    def claims_and_logins(
        self, account_id: str, emails: list[str], *, with_logins: bool = True
    ) -> tuple[dict[str, EmailClaimItem], dict[str, str]]: ...
    def create_invitations(
        self,
        new: list[NewInvitation],
        now: datetime,
        account_day: Window | None = None,
        seats: SeatsRead | None = None,
    ) -> Written: ...
    def get_invitation(self, account_id: str, invitation_id: str) -> InvitationItem | None: ...
    def invitations_of(self, account_id: str) -> list[InvitationItem]: ...
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
    ) -> Outcome: ...
    def revoke(self, invitation: InvitationItem, event: AuditEventItem | None = None) -> Outcome: ...
    def invitation_context(self, link: LinkItem) -> InvitationContext: ...
    def accept(
        self,
        invitation: InvitationItem,
        membership: MembershipItem,
        now: datetime,
        new_user: tuple[UserItem, LoginItem] | None,
        existing_user_id: str | None,
        event: AuditEventItem | None = None,
        writes: Sequence[Item] = (),
    ) -> Outcome: ...
    def expired_pages(self, now: datetime, size: int = 100) -> Iterator[list[InvitationItem]]: ...
    def delete_expired(
        self,
        invitations: list[InvitationItem],
        now: datetime,
        event_of: Callable[[InvitationItem], AuditEventItem] | None = None,
    ) -> int: ...


class OutboxRepository(Protocol):
    """The emails a change commits with, and the worker's leases on them."""

    def queue(self, mail: MailItem, windows: Sequence[Window] = ()) -> bool: ...
    def account_invitations(self, account_id: str, window: Window) -> int: ...
    def due(self, now: datetime, limit: int = 200, share: int = 50) -> list[MailItem]: ...
    def lease(self, mail: MailItem, until: datetime) -> bool: ...
    def record(
        self, mails: Sequence[tuple[MailItem, str | None, str | None]], users: Mapping[str, str] | None = None
    ) -> None: ...


class ReminderRepository(Protocol):
    """The invitations whose reminder is due, and the writes that take one out of that index."""

    def due_pages(self, now: datetime, size: int = 100) -> Iterator[list[InvitationItem]]: ...
    def remind(
        self,
        invitation: InvitationItem,
        link: LinkItem,
        mail: MailItem,
        windows: Sequence[Window],
        judged_at: datetime,
        now: datetime,
    ) -> Outcome: ...
    def drop(self, invitation: InvitationItem) -> bool: ...


class WebhookRepository(Protocol):
    def webhooks_of(self, account_id: str | None) -> list[WebhookItem]: ...
    def page(
        self, account_id: str | None, limit: int, after: str | None
    ) -> tuple[list[WebhookItem], bool]: ...
    def get_webhook(self, account_id: str | None, webhook_id: str) -> WebhookItem | None: ...
    def create(self, webhook: WebhookItem, event: AuditEventItem | None) -> Outcome: ...
    def update(
        self, webhook: WebhookItem, changes: Mapping[str, object], event: AuditEventItem | None, now: datetime
    ) -> Outcome: ...
    def delete(self, webhook: WebhookItem, event: AuditEventItem | None) -> Outcome: ...


class DeliveryRepository(Protocol):
    def events_due(self, now: datetime, limit: int = 100, share: int = 25) -> list[AuditEventItem]: ...
    def fan_out(self, event: AuditEventItem, deliveries: Sequence[DeliveryItem]) -> Outcome: ...
    def fan_out_failed(
        self, event: AuditEventItem, attempts: int, retry_at: datetime | None, error: str
    ) -> None: ...
    def deliveries_of(
        self, webhook_id: str, status: str | None, limit: int, after: str | None
    ) -> tuple[list[DeliveryItem], bool]: ...
    def get_delivery(self, webhook_id: str, delivery_id: str) -> DeliveryItem | None: ...
    def due(self, now: datetime, limit: int = 200, share: int = 50) -> list[DeliveryItem]: ...
    def lease(self, delivery: DeliveryItem, until: datetime) -> bool: ...
    def record(self, delivery: DeliveryItem, leased_until: datetime | None) -> bool: ...
    def endpoint_attempted(
        self, webhook: WebhookItem, succeeded: bool, now: datetime
    ) -> WebhookItem | None: ...
    def turn_off(
        self, webhook: WebhookItem, event: AuditEventItem | None, notice: MailItem | None
    ) -> bool: ...
    def retry(self, delivery: DeliveryItem, now: datetime) -> None: ...
    def endpoints_to_release(self, now: datetime, limit: int = 50) -> list[WebhookItem]: ...
    def release(self, webhook: WebhookItem, now: datetime) -> int: ...


class IdempotencyRepository(Protocol):
    """Used by the api layer's guard (api/idempotency.py), the one caller of the store above the services."""

    def reserve(self, hold: KeyHold, body_digest: str, now: datetime) -> IdempotencyItem | None: ...
    def take_over(self, hold: KeyHold, found: IdempotencyItem, now: datetime) -> bool: ...
    def marking(self, hold: KeyHold, now: datetime) -> AbstractContextManager[None]: ...
    def answer(self, hold: KeyHold, status: int, body: str) -> None: ...
    def release(self, hold: KeyHold, now: datetime) -> None: ...
