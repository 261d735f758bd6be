"""Joining through an invite link, signed in and confirmed (issue 29): the link's errors first (404, 410,
403 domain_not_allowed), then who is let straight in (services/joining.py), then a member at once (a use
under `uses < max_uses`, the hour's count and a seat in one transaction) or a join request."""

from __future__ import annotations

from datetime import datetime

from chalicelib.deps import Deps
from chalicelib.domain.audit import Target, changed
from chalicelib.domain.caller import Caller
from chalicelib.errors import not_found
from chalicelib.schemas.invite_links import LinkMember
from chalicelib.schemas.joining import JoinRequest
from chalicelib.services.audit_record import record
from chalicelib.services.invite_links import check_domain, expired, open_link, too_often
from chalicelib.services.joining import (
    Joined,
    as_member,
    member_of,
    new_join_request,
    pending_answer,
    settle,
    standing_request,
)
from chalicelib.services.seats import take_one
from chalicelib.store.members import new_membership_item
from chalicelib.store.models import AccountItem, InviteLinkItem, UserItem
from chalicelib.store.seats import SeatsRead
from chalicelib.store.tx import Outcome


def join_by_link(deps: Deps, caller: Caller, token: str) -> Joined:
    link = open_link(deps, token)
    if caller.user_id is None or caller.email is None:
        raise not_found("invite_link")
    check_domain(link, caller.email)
    account = deps.store.accounts.get_account(link.account_id)
    user = deps.store.users.get_user(caller.user_id)
    if account is None or user is None:
        raise not_found("invite_link")
    membership, pointer, removed = deps.store.join_requests.standing(
        account.account_id, user.user_id, user.user_id
    )
    if membership is not None:
        found = as_member(deps, account, user, membership)
        return Joined(LinkMember(**found.answer.model_dump(), account_id=account.account_id), 200)
    now = deps.now()
    if pointer is not None and pointer.status == "pending" and pointer.expires_at > now:
        return pending_answer(deps, account.account_id, pointer.request_id)
    if link.require_approval or removed:
        return _request(deps, caller, link, user, now)
    return _use(deps, caller, account, link, user)


def _use(deps: Deps, caller: Caller, account: AccountItem, link: InviteLinkItem, user: UserItem) -> Joined:
    membership = new_membership_item(
        account.account_id,
        user.user_id,
        "member",
        list(link.permissions or []),
        deps.now(),
        user=user,
        account_name=account.name,
        sub_accounts=link.sub_accounts,
        group_id=link.group_id,
    )
    target = Target("member", user.user_id, user.email)
    events = [
        record(
            deps, "member.joined", caller, account.account_id, target, changed({}, {"via": "invite_link"})
        ),
        record(
            deps, "invite_link.used", caller, account.account_id, Target("invite_link", link.invite_link_id)
        ),
    ]

    def write(seats: SeatsRead) -> Outcome:
        return deps.store.invite_links.use(link, membership, seats, deps.now(), events)

    outcome = take_one(deps, caller, account, write)
    if "used" in outcome.failed:
        raise expired()
    if "full" in outcome.failed:
        raise too_often()
    settle(deps, account, user, outcome)
    member = member_of(deps, account, user, membership)
    return Joined(LinkMember(**member.model_dump(), account_id=account.account_id), 201)


def _request(deps: Deps, caller: Caller, link: InviteLinkItem, user: UserItem, now: datetime) -> Joined:
    permissions, sub_accounts = list(link.permissions or []), link.sub_accounts
    request = new_join_request(
        link.account_id,
        user,
        now,
        via="invite_link",
        permissions=permissions,
        sub_accounts=sub_accounts,
        link=link,
    )
    target = Target("join_request", request.request_id, user.email)
    event = record(deps, "join_request.created", caller, link.account_id, target, None)
    outcome = deps.store.invite_links.request(link, request, now, event)
    if outcome:
        return Joined(JoinRequest.of(request, now), 202)
    if "used" in outcome.failed:
        raise expired()
    if "full" in outcome.failed:
        raise too_often()
    return standing_request(deps, link.account_id, user)
