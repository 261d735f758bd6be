"""Joining without an invitation (issue 29): the accounts a signed-in user may join through their email's
verified domain, and join requests."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from chalicelib.domain.permissions import AssignableRole
from chalicelib.schemas.common import GrantableKey, Input, ListQuery, Output, Timestamp
from chalicelib.schemas.groups import GroupId
from chalicelib.schemas.sub_accounts import ScopeIn

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.store.models import JoinRequestItem

JoinRequestStatus = Literal["pending", "approved", "denied", "expired"]


class JoinableAccount(Output):
    account_id: str
    name: str
    join_policy: Literal["request", "auto_join"]


class JoinableAccountPage(Output):
    items: list[JoinableAccount]
    next_cursor: str | None


class Requester(Output):
    user_id: str
    email: str
    first_name: str | None
    last_name: str | None


class JoinRequest(Output):
    join_request_id: str
    account_id: str
    user: Requester | None  # None: asked by email, without a login
    email: str
    via: Literal["domain", "invite_link"]
    invite_link_id: str | None = None
    status: JoinRequestStatus
    created_at: Timestamp
    expires_at: Timestamp

    @classmethod
    def of(cls, item: JoinRequestItem, now: datetime) -> JoinRequest:
        user = None
        if item.user_id is not None:
            user = Requester(
                user_id=item.user_id, email=item.email, first_name=item.first_name, last_name=item.last_name
            )
        return cls(
            join_request_id=item.request_id,
            account_id=item.account_id,
            user=user,
            email=item.email,
            via=item.via,  # type: ignore[arg-type]  # written from the literal only
            invite_link_id=item.invite_link_id,
            status=status_of(item, now),
            created_at=item.created_at,
            expires_at=item.expires_at,
        )


def status_of(item: JoinRequestItem, now: datetime) -> JoinRequestStatus:
    """A pending request past its 14 days is expired, whether or not the schedule has marked it yet."""
    if item.status == "pending" and item.expires_at <= now:
        return "expired"
    return item.status  # type: ignore[return-value]  # written from JoinRequestStatus only


class JoinRequestPage(Output):
    items: list[JoinRequest]
    next_cursor: str | None


class JoinRequestListQuery(ListQuery):
    """?status= (default pending)&limit=&cursor=."""

    status: JoinRequestStatus = "pending"


class ApproveIn(Input):
    """Defaults: what the domain or link grants, as role `member`."""

    role: AssignableRole | None = None
    permissions: list[GrantableKey] | None = Field(default=None, max_length=32)
    sub_accounts: ScopeIn | None = None
    group_id: GroupId | None = None
