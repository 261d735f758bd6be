"""SCIM tokens (issue 31): the bearer tokens an account's identity provider provisions its users with."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from chalicelib.schemas.common import Output, Timestamp

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.store.models import ScimTokenItem


class ScimToken(Output):
    scim_token_id: str
    created_at: Timestamp
    created_by: str | None = Field(description="the user who made it; null when the operator did")
    last_used_at: Timestamp | None = Field(description="to the minute")

    @classmethod
    def of(cls, item: ScimTokenItem) -> ScimToken:
        return cls(
            scim_token_id=item.scim_token_id,
            created_at=item.created_at,
            created_by=item.created_by,
            last_used_at=item.last_used_at,
        )


class CreatedScimToken(ScimToken):
    token: str = Field(description="shown only in this answer: only its hash is kept")


class ScimTokenPage(Output):
    """The active tokens, newest first (2 at most: no further page)."""

    items: list[ScimToken]
    next_cursor: str | None
