"""Joining test helpers: a pending request by a fresh user, as the join route makes one; an invite link."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.deps import Deps
from chalicelib.domain.audit import Target
from chalicelib.domain.caller import OPERATOR
from chalicelib.ids import new_id
from chalicelib.schemas.invite_links import InviteLinkIn
from chalicelib.services.audit_record import record
from chalicelib.services.invite_links import create_link
from chalicelib.store import keys
from chalicelib.store.models import JoinRequestItem
from tests.helpers.seed import seed_user


def seed_join_request(deps: Deps, account_id: str, email: str, group_id: str | None = None) -> str:
    user_id = seed_user(deps, email)
    request_id, now = new_id("jrq"), deps.now()
    request = JoinRequestItem(
        *keys.join_request(account_id, request_id),
        account_id=account_id,
        request_id=request_id,
        requester=user_id,
        user_id=user_id,
        email=email,
        via="domain",
        group_id=group_id,
        permissions=[],
        status="pending",
        created_at=now,
        expires_at=now + timedelta(days=14),
    )
    event = record(deps, "join_request.created", OPERATOR, account_id, Target("join_request", request_id))
    assert deps.store.join_requests.create_request(request, now, event)
    return request_id


def seed_invite_link(deps: Deps, account_id: str) -> str:
    """A live link, made by the operator (an account keeps 10 live at most: revoke after use)."""
    account = deps.store.accounts.get_account(account_id)
    assert account is not None
    for earlier in deps.store.invite_links.links_of(account_id):
        if earlier.revoked_at is None:
            event = record(deps, "invite_link.revoked", OPERATOR, account_id, Target("invite_link", "x"))
            assert deps.store.invite_links.revoke(earlier, deps.now(), event)
    return create_link(deps, OPERATOR, account, InviteLinkIn()).invite_link_id
