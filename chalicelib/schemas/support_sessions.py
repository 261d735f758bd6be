"""Support sessions: support staff acting as a member, for an hour at most, with a trail."""

from __future__ import annotations

from pydantic import Field

from chalicelib.schemas.common import Input, Output, Text, Timestamp


class SupportSessionIn(Input):
    user_id: str = Field(min_length=1, max_length=64, description="the active member to act as")
    reason: Text = Field(
        min_length=10, max_length=500, description="shown to the account's owner and kept in the audit log"
    )


class SupportSessionCreated(Output):
    access_token: str = Field(description="acts as the member at this account only; shown only here")
    expires_at: Timestamp
    support_session_id: str
