"""The audit log as the API shows it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic import AwareDatetime, Field

from chalicelib.domain.audit import ActorKind, EventType, as_actor_kind, as_event_type
from chalicelib.schemas.common import ListQuery, Output, Timestamp

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.store.models import AuditEventItem

Id = str  # opaque; an id that names nothing simply matches no event


def _absent(value: object) -> bool:
    return value is None


class AuditActor(Output):
    kind: ActorKind
    user_id: str | None
    email: str | None
    # Only on an operator's change made through a support session (left out of every other actor).
    support_session_id: str | None = Field(default=None, exclude_if=_absent)
    reason: str | None = Field(default=None, exclude_if=_absent)
    acting_as: str | None = Field(default=None, exclude_if=_absent, description="the member acted as")
    # Only on a change made by the account's identity provider through SCIM (the token it called with).
    scim_token_id: str | None = Field(default=None, exclude_if=_absent)


class AuditTarget(Output):
    kind: str
    id: str
    email: str | None


class AuditEvent(Output):
    event_id: str
    type: EventType
    occurred_at: Timestamp
    account_id: str
    actor: AuditActor
    target: AuditTarget
    changes: dict[str, list[Any]] | None = Field(description="field -> [old, new]")
    request_id: str | None
    source_ip: str | None

    @classmethod
    def of(cls, item: AuditEventItem) -> AuditEvent:
        return cls(
            event_id=item.event_id,
            type=as_event_type(item.type),
            occurred_at=item.occurred_at,
            account_id=item.account_id,
            actor=AuditActor(
                kind=as_actor_kind(item.actor_kind),
                user_id=item.actor_user_id,
                email=item.actor_email,
                support_session_id=item.actor_support_session_id,
                reason=item.actor_reason,
                acting_as=item.actor_acting_as,
                scim_token_id=item.actor_scim_token_id,
            ),
            target=AuditTarget(kind=item.target_kind, id=item.target_id, email=item.target_email),
            changes=json.loads(item.changes) if item.changes else None,
            request_id=item.request_id,
            source_ip=item.source_ip,
        )


class AuditQuery(ListQuery):
    """Newest first. With two or three of `type`, `actor_user_id` and `target_id`, one filters the others'
    index range: a page examines at most 4 x `limit` events (one bounded read, never a loop until `limit`
    match), so it may hold fewer than `limit` events, even none, with a `next_cursor` to go on."""

    type: EventType | None = None
    actor_user_id: Id | None = Field(default=None, max_length=64)
    target_id: Id | None = Field(default=None, max_length=64)
    since: AwareDatetime | None = Field(default=None, description="inclusive, ISO 8601 with a time zone")
    until: AwareDatetime | None = Field(default=None, description="exclusive, ISO 8601 with a time zone")


class AuditPage(Output):
    items: list[AuditEvent]
    next_cursor: str | None = Field(
        description="null when the list is done; otherwise follow it, even after a short or empty page"
    )
