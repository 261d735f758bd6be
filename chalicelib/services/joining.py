"""Joining an account without an invitation (issue 29, API.md "Verified email domains and joining without an
invitation"): the accounts a signed-in user's email domain lets them join, and the join itself: straight in
(`auto_join`, taking a seat) or by a request an admin decides (services/join_requests.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

from chalicelib.deps import Deps
from chalicelib.domain.audit import Target, changed
from chalicelib.domain.caller import Caller
from chalicelib.domain.email_domains import email_domain_of
from chalicelib.errors import AppError, not_found
from chalicelib.ids import new_id
from chalicelib.msgids import N_
from chalicelib.schemas.joining import JoinableAccount, JoinableAccountPage, JoinRequest
from chalicelib.schemas.members import Member
from chalicelib.services.audit_record import record
from chalicelib.services.authentication import live_sub_accounts
from chalicelib.services.seats import take_one
from chalicelib.store import keys
from chalicelib.store.members import new_membership_item
from chalicelib.store.models import (
    AccountItem,
    DomainClaimItem,
    InviteLinkItem,
    JoinRequestItem,
    MembershipItem,
    UserItem,
)
from chalicelib.store.seats import SeatsRead
from chalicelib.store.tx import Outcome

REQUEST_LIFETIME: Final = timedelta(days=14)
DEACTIVATED = N_("Your membership of this account is deactivated; ask an admin to reactivate it.")
DENIED_RECENTLY = N_("Your request to join was denied; you may ask again 7 days after it.")
INVITED = N_("You have an invitation to this account: accept it from its email.")


@dataclass(frozen=True)
class Joined:
    """A join's answer: `member` (201 when it made them one, 200 when they were already), or `request`
    (202 new, 200 the pending one)."""

    answer: Member | JoinRequest  # a link's member carries its account_id (schemas/invite_links.py)
    status: Literal[200, 201, 202]


def _open_claim(deps: Deps, caller: Caller) -> DomainClaimItem | None:
    """The claim of the caller's email domain when its account lets people join (one GetItem)."""
    if caller.email is None or caller.user_id is None:
        return None
    claim = deps.store.email_domains.claim_of(email_domain_of(caller.email))
    return claim if claim is not None and claim.join_policy in ("request", "auto_join") else None


def joinable_accounts(deps: Deps, caller: Caller) -> JoinableAccountPage:
    """At most one account holds a domain verified, so at most one item."""
    claim = _open_claim(deps, caller)
    if claim is None or caller.user_id is None:
        return JoinableAccountPage(items=[], next_cursor=None)
    if deps.store.members.get_membership(claim.account_id, caller.user_id) is not None:
        return JoinableAccountPage(items=[], next_cursor=None)
    account = deps.store.accounts.get_account(claim.account_id)
    if account is None:
        return JoinableAccountPage(items=[], next_cursor=None)
    policy: Literal["request", "auto_join"] = "auto_join" if claim.join_policy == "auto_join" else "request"
    item = JoinableAccount(account_id=account.account_id, name=account.name, join_policy=policy)
    return JoinableAccountPage(items=[item], next_cursor=None)


def join(deps: Deps, caller: Caller, account_id: str) -> Joined:
    claim = _open_claim(deps, caller)
    if claim is None or claim.account_id != account_id or caller.user_id is None:
        raise not_found("account")
    account = deps.store.accounts.get_account(account_id)
    user = deps.store.users.get_user(caller.user_id)
    if account is None or user is None:
        raise not_found("account")
    membership, pointer, removed = deps.store.join_requests.standing(account_id, user.user_id, user.user_id)
    if membership is not None:
        return as_member(deps, account, user, membership)
    now = deps.now()
    if pointer is not None and pointer.status == "pending" and pointer.expires_at > now:
        return pending_answer(deps, account_id, pointer.request_id)
    if claim.join_policy == "auto_join" and not removed:
        return _auto_join(deps, caller, account, user, claim.domain)
    return _request(deps, caller, account, user, claim.domain)


def as_member(deps: Deps, account: AccountItem, user: UserItem, membership: MembershipItem) -> Joined:
    """An active member is answered as one, nothing changes; a deactivated one is never reactivated here."""
    if membership.status != "active":
        raise AppError("conflict", DEACTIVATED)
    return Joined(member_of(deps, account, user, membership), 200)


def member_of(deps: Deps, account: AccountItem, user: UserItem, membership: MembershipItem) -> Member:
    groups = {}
    if membership.group_id:
        group = deps.store.groups.get_group(account.account_id, membership.group_id)
        groups = {group.group_id: group} if group is not None else {}
    return Member.of_pair(user, membership, live_sub_accounts(account), groups)


def pending_answer(deps: Deps, account_id: str, request_id: str) -> Joined:
    request = deps.store.join_requests.get_request(account_id, request_id)
    if request is None:
        raise not_found("join_request")
    return Joined(JoinRequest.of(request, deps.now()), 200)


def _auto_join(deps: Deps, caller: Caller, account: AccountItem, user: UserItem, domain: str) -> Joined:
    granted = deps.store.email_domains.get_domain(account.account_id, domain)
    if granted is None:
        raise not_found("account")
    membership = new_membership_item(
        account.account_id,
        user.user_id,
        "member",
        list(granted.auto_join_permissions or []),
        deps.now(),
        user=user,
        account_name=account.name,
        sub_accounts=granted.auto_join_sub_accounts,
    )
    event = record(
        deps,
        "member.joined",
        caller,
        account.account_id,
        Target("member", user.user_id, user.email),
        changed({}, {"via": "domain", "role": "member"}),
    )

    def write(seats: SeatsRead) -> Outcome:
        return deps.store.join_requests.join(membership, seats, [event])

    settle(deps, account, user, take_one(deps, caller, account, write))
    return Joined(member_of(deps, account, user, membership), 201)


def settle(deps: Deps, account: AccountItem, user: UserItem, outcome: Outcome) -> None:
    """What a failed join's outcome means: a member meanwhile, or the email held by an invitation."""
    if outcome:
        return
    if "already_member" in outcome.failed:
        raise AppError("already_member", "You are already a member of this account.")
    if "used" in outcome.failed:
        raise AppError("conflict", INVITED)
    raise AppError("conflict", "The account changed meanwhile; try again.")


def _request(deps: Deps, caller: Caller, account: AccountItem, user: UserItem, domain: str) -> Joined:
    granted = deps.store.email_domains.get_domain(account.account_id, domain)
    now = deps.now()
    request = new_join_request(
        account.account_id,
        user,
        now,
        via="domain",
        permissions=list(granted.auto_join_permissions or []) if granted is not None else [],
        sub_accounts=granted.auto_join_sub_accounts if granted is not None else [],
    )
    target = Target("join_request", request.request_id, user.email)
    event = record(deps, "join_request.created", caller, account.account_id, target, None)
    outcome = deps.store.join_requests.create_request(request, now, event)
    if outcome:
        return Joined(JoinRequest.of(request, now), 202)
    return standing_request(deps, account.account_id, user)


def new_join_request(
    account_id: str,
    user: UserItem,
    now: datetime,
    *,
    via: Literal["domain", "invite_link"],
    permissions: list[str],
    sub_accounts: list[str] | None,
    link: InviteLinkItem | None = None,
) -> JoinRequestItem:
    """A pending request of a signed-in user, for REQUEST_LIFETIME, granting what the domain or link does."""
    request_id = new_id("jrq")
    return JoinRequestItem(
        *keys.join_request(account_id, request_id),
        account_id=account_id,
        request_id=request_id,
        requester=user.user_id,
        user_id=user.user_id,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        via=via,
        invite_link_id=link.invite_link_id if link is not None else None,
        group_id=link.group_id if link is not None else None,
        permissions=permissions,
        sub_accounts=sub_accounts,
        status="pending",
        created_at=now,
        expires_at=now + REQUEST_LIFETIME,
    )


def standing_request(deps: Deps, account_id: str, user: UserItem) -> Joined:
    """A request refused by its conditions: the user's pending one (asked twice at once) or 409 while a
    denial is recent."""
    _, pointer, _ = deps.store.join_requests.standing(account_id, user.user_id, user.user_id)
    if pointer is not None and pointer.status == "pending" and pointer.expires_at > deps.now():
        return pending_answer(deps, account_id, pointer.request_id)
    raise AppError("conflict", DENIED_RECENTLY)
