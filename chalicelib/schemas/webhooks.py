"""Webhooks: endpoints that receive the account's events, and their deliveries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from chalicelib.domain.audit import EventType
from chalicelib.schemas.common import Input, ListQuery, Output, Text, Timestamp

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.store.models import DeliveryItem, WebhookItem

Url = Field(min_length=8, max_length=2048)
EventTypes = Field(min_length=1, max_length=40)
DeliveryStatus = Literal["pending", "succeeded", "failed"]


class WebhookIn(Input):
    url: str = Url
    event_types: list[EventType | Literal["*"]] = EventTypes
    description: Text | None = Field(default=None, max_length=200)


class WebhookUpdateIn(Input):
    url: str | None = Field(default=None, min_length=8, max_length=2048)
    event_types: list[EventType | Literal["*"]] | None = Field(default=None, min_length=1, max_length=40)
    description: Text | None = Field(default=None, max_length=200)
    enabled: bool | None = None


class Webhook(Output):
    webhook_id: str
    url: str
    event_types: list[str]
    description: str | None
    enabled: bool
    created_at: Timestamp
    last_delivery_at: Timestamp | None
    failing_since: Timestamp | None

    @classmethod
    def of(cls, item: WebhookItem) -> Webhook:
        return cls(
            webhook_id=item.webhook_id,
            url=item.url,
            event_types=list(item.event_types),
            description=item.description,
            enabled=bool(item.enabled),
            created_at=item.created_at,
            last_delivery_at=item.last_delivery_at,
            failing_since=item.failing_since,
        )


class WebhookWithSecret(Webhook):
    """Only the answers that create or rotate an endpoint carry its signing secret."""

    secret: str = Field(description="whsec_...: shown only in this answer")


class WebhookPage(Output):
    items: list[Webhook]
    next_cursor: str | None


class Delivery(Output):
    delivery_id: str
    event_id: str
    type: EventType
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: Timestamp | None

    @classmethod
    def of(cls, item: DeliveryItem, event_type: EventType, status: DeliveryStatus) -> Delivery:
        return cls(
            delivery_id=item.delivery_id,
            event_id=item.event_id,
            type=event_type,
            status=status,
            attempts=int(item.attempts),
            last_status_code=int(item.last_status_code) if item.last_status_code is not None else None,
            last_error=item.last_error,
            next_attempt_at=item.next_attempt_at,
        )


class DeliveryQuery(ListQuery):
    status: DeliveryStatus | None = None


class DeliveryPage(Output):
    items: list[Delivery]
    next_cursor: str | None
