"""Sign-in sessions, a user's security events, and an account's second-factor policy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from chalicelib.domain.security_policy import MAX_GRACE_DAYS, MfaLevel, Policy
from chalicelib.domain.sign_in import Via
from chalicelib.schemas.common import Input, ListQuery, Output, Timestamp, WholeNumber

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.store.models import SecurityEventItem, SessionItem


class SessionOut(Output):
    session_id: str
    created_at: Timestamp
    last_seen_at: Timestamp = Field(description="kept to within 5 minutes")
    ip: str | None
    user_agent: str | None
    via: Via
    current: bool = Field(description="the session of the token that asked")

    @classmethod
    def of(cls, item: SessionItem, current_id: str | None) -> SessionOut:
        return cls(
            session_id=item.session_id,
            created_at=item.created_at,
            last_seen_at=item.last_seen_at,
            ip=item.ip,
            user_agent=item.user_agent,
            via=item.via,  # type: ignore[arg-type]  # written only from Via
            current=item.session_id == current_id,
        )


class SessionPage(Output):
    items: list[SessionOut]
    next_cursor: str | None


SecurityEventType = Literal[
    "signed_in", "session_ended", "sessions_ended", "factor_added", "factor_removed", "recovery_code_used"
]


class SecurityEventOut(Output):
    event_id: str
    type: SecurityEventType
    occurred_at: Timestamp
    via: Via | None = None
    session_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    detail: str | None = Field(
        default=None,
        description="which factor, how the sessions ended, or (recovery_code_used) how many codes are left",
    )

    @classmethod
    def of(cls, item: SecurityEventItem) -> SecurityEventOut:
        return cls(
            event_id=item.event_id,
            type=item.type,  # type: ignore[arg-type]  # written only from SecurityEventType
            occurred_at=item.occurred_at,
            via=item.via,  # type: ignore[arg-type]
            session_id=item.session_id,
            ip=item.ip,
            user_agent=item.user_agent,
            detail=item.detail,
        )


class SecurityEventPage(Output):
    items: list[SecurityEventOut]
    next_cursor: str | None


class SecurityEventsQuery(ListQuery):
    """?limit=&cursor= (the last 90 days, newest first)."""


class SessionsQuery(ListQuery):
    """?limit=&cursor= (newest first)."""


class SecurityPolicyIn(Input):
    mfa_required: MfaLevel
    grace_days: WholeNumber = Field(default=0, ge=0, le=MAX_GRACE_DAYS)


class SecurityPolicyOut(Output):
    mfa_required: MfaLevel
    grace_days: int
    enforced_from: Timestamp | None = Field(
        description="when the level applies to the members already there; a later joiner has until "
        "joined_at + grace_days"
    )

    @classmethod
    def of(cls, policy: Policy) -> SecurityPolicyOut:
        return cls(
            mfa_required=policy.level,  # type: ignore[arg-type]  # stored only from MfaLevel
            grace_days=policy.grace_days,
            enforced_from=policy.enforced_from,
        )
