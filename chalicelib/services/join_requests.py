"""Join requests (issue 29, API.md "Join requests and invite links"): listed to user_management holders,
approved (a member, with what the domain grants unless the approver says otherwise, taking a seat) or
denied. A group manager sees and decides only the requests into their group."""

from __future__ import annotations

from chalicelib.deps import Deps
from chalicelib.domain.audit import EventType, Target, changed
from chalicelib.domain.caller import Caller
from chalicelib.domain.invitations import claim_reason
from chalicelib.domain.locales import as_locale
from chalicelib.domain.outbox import Window
from chalicelib.domain.permissions import Role
from chalicelib.errors import AppError, changed_meanwhile, forbidden, not_found, validation_error
from chalicelib.msgids import N_
from chalicelib.schemas.invitations import Invitation
from chalicelib.schemas.joining import (
    ApproveIn,
    JoinRequest,
    JoinRequestListQuery,
    JoinRequestPage,
    status_of,
)
from chalicelib.schemas.members import Member
from chalicelib.services.audit_record import record
from chalicelib.services.authentication import live_sub_accounts
from chalicelib.services.groups import managed_group
from chalicelib.services.invitations import new_invitation, replaced
from chalicelib.services.joining import member_of, settle
from chalicelib.services.outbox import full_window, notice, too_many_emails
from chalicelib.services.password_reset import PORTAL_NAME
from chalicelib.services.seats import read_again, take_one
from chalicelib.services.sub_accounts import checked_scope
from chalicelib.store.members import new_membership_item
from chalicelib.store.models import (
    AccountItem,
    AuditEventItem,
    GroupItem,
    JoinRequestItem,
    MailItem,
    UserItem,
)
from chalicelib.store.seats import SeatsRead
from chalicelib.store.tx import Outcome

NOT_PENDING = N_("This join request is no longer pending.")
DENIED_NEXT = N_("You may ask again in 7 days.")
ADMIN_SCOPE = "an admin reaches every sub-account: leave it out or send 'all'"


def list_requests(
    deps: Deps, caller: Caller, account: AccountItem, query: JoinRequestListQuery
) -> JoinRequestPage:
    """Newest first; a group manager's, only those into their group."""
    group = managed_group(caller)
    now = deps.now()
    found = [
        item
        for item in deps.store.join_requests.requests_of(account.account_id)
        if status_of(item, now) == query.status and (group is None or item.group_id == group)
    ]
    found.sort(key=lambda item: item.created_at, reverse=True)
    return JoinRequestPage(
        items=[JoinRequest.of(item, now) for item in found[: query.limit]], next_cursor=None
    )


def _pending(deps: Deps, caller: Caller, account: AccountItem, request_id: str) -> JoinRequestItem:
    request = deps.store.join_requests.get_request(account.account_id, request_id)
    group = managed_group(caller)
    if request is None or (group is not None and request.group_id != group):
        raise not_found("join_request")
    if status_of(request, deps.now()) != "pending":
        raise AppError("conflict", NOT_PENDING)
    return request


def _event(
    deps: Deps, kind: EventType, caller: Caller, request: JoinRequestItem, changes: dict[str, object]
) -> AuditEventItem:
    target = Target("join_request", request.request_id, request.email)
    return record(deps, kind, caller, request.account_id, target, changed({}, changes))


def deny(deps: Deps, caller: Caller, account: AccountItem, request_id: str) -> None:
    request = _pending(deps, caller, account, request_id)
    event = _event(deps, "join_request.denied", caller, request, {"status": "denied"})
    told = told_requester(deps, account, request, "denied")
    if not deps.store.join_requests.decide(request, "denied", deps.now(), [event], mail=told):
        raise AppError("conflict", NOT_PENDING)


def approve(
    deps: Deps, caller: Caller, account: AccountItem, request_id: str, body: ApproveIn
) -> Member | Invitation:
    """A member (the requester signed in when asking), or for a request made by email the invitation
    that proves the address (sent now, taking the seat)."""
    request = _pending(deps, caller, account, request_id)
    if request.user_id is None:
        return _approve_by_email(deps, caller, account, request, body)
    user = deps.store.users.get_user(request.user_id)
    if user is None:
        raise AppError("conflict", NOT_PENDING)
    if deps.store.members.get_membership(account.account_id, user.user_id) is not None:
        raise AppError("already_member", "The requester is already a member of this account.")
    membership = new_membership_item(
        account.account_id,
        user.user_id,
        *_access(deps, caller, account, request, body),
        deps.now(),
        user=user,
        account_name=account.name,
        invited_by=caller.user_id,
        sub_accounts=_scope(account, request, body),
        group_id=body.group_id if body.group_id is not None else request.group_id,
    )
    _check_group(deps, account, membership.group_id)
    events = [
        _event(deps, "join_request.approved", caller, request, {"status": "approved"}),
        _joined(deps, caller, account, user, membership.role),
    ]

    told = told_requester(deps, account, request, "approved")

    def write(seats: SeatsRead) -> Outcome:
        now = deps.now()
        return deps.store.join_requests.decide(request, "approved", now, events, membership, seats, told)

    outcome = take_one(deps, caller, account, write)
    if "used" in outcome.failed and "already_member" not in outcome.failed:
        raise AppError("conflict", NOT_PENDING)
    settle(deps, account, user, outcome)
    return member_of(deps, account, user, membership)


def _joined(deps: Deps, caller: Caller, account: AccountItem, user: UserItem, role: str) -> AuditEventItem:
    target = Target("member", user.user_id, user.email)
    return record(deps, "member.joined", caller, account.account_id, target, changed({}, {"role": role}))


def _access(
    deps: Deps, caller: Caller, account: AccountItem, request: JoinRequestItem, body: ApproveIn
) -> tuple[Role, list[str]]:
    """The role (member unless the approver says) and permissions (the domain's or link's unless said); a
    group manager admits members only."""
    role: Role = body.role or "member"
    if role != "member" and managed_group(caller) is not None:
        raise forbidden("user_management")
    permissions = list(body.permissions) if body.permissions is not None else list(request.permissions or [])
    return role, permissions


def _scope(account: AccountItem, request: JoinRequestItem, body: ApproveIn) -> list[str] | None:
    if body.sub_accounts is None:
        return None if body.role == "admin" else request.sub_accounts
    if body.role == "admin" and body.sub_accounts != "all":
        raise validation_error("sub_accounts", ADMIN_SCOPE)
    return checked_scope(body.sub_accounts, account)


def _check_group(deps: Deps, account: AccountItem, group_id: str | None) -> dict[str, GroupItem]:
    """The group by its id (none: {}), or 400 when it is not one of this account's."""
    group = deps.store.groups.get_group(account.account_id, group_id) if group_id is not None else None
    if group_id is not None and group is None:
        raise validation_error("group_id", "is not a group of this account")
    return {group.group_id: group} if group is not None else {}


def _approve_by_email(
    deps: Deps, caller: Caller, account: AccountItem, request: JoinRequestItem, body: ApproveIn
) -> Invitation:
    """The invitation, with the approver's choices or the link's grant, in the decision's transaction
    (made as any invitation: its email, its claim on the address, its seat)."""
    group_id = body.group_id if body.group_id is not None else request.group_id
    groups = _check_group(deps, account, group_id)
    claims, logins = deps.store.invitations.claims_and_logins(account.account_id, [request.email])
    claim, now = claims.get(request.email), deps.now()
    reason = claim_reason(claim.holder, claim.expires_at, now) if claim is not None else None
    if reason is not None:
        raise _taken(reason)
    replaces = replaced(deps, account.account_id, claim) if claim is not None else None
    if replaces is not None:  # the expired invitation's seat is released first, as for any invitation
        deps.store.accounts.release_expired_seats(account.account_id, now)
        account = read_again(deps, account.account_id)
    role, permissions = _access(deps, caller, account, request, body)
    details = {
        "sub_accounts": _scope(account, request, body),
        "group_id": group_id,
        "invite_link_id": request.invite_link_id,  # a lapsed or revoked one gives the link its use back
        "locale": as_locale(account.default_locale),
    }
    login = logins.get(request.email)
    new, _ = new_invitation(
        deps, account.account_id, request.email, role, permissions, caller, details, replaces, login, caller
    )
    events = [_event(deps, "join_request.approved", caller, request, {"status": "approved"})]

    def write(seats: SeatsRead) -> Outcome:
        return deps.store.join_requests.approve_by_invitation(request, deps.now(), events, new, seats)

    _check_approved(deps, take_one(deps, caller, account, write), request.email, new.windows)
    return Invitation.of(new.invitation, now, live_sub_accounts(account), groups)


def _check_approved(deps: Deps, outcome: Outcome, email: str, windows: tuple[Window, ...]) -> None:
    if "used" in outcome.failed:
        raise AppError("conflict", NOT_PENDING)
    if outcome.which("claimed"):
        raise _taken("already_invited")
    full = full_window(outcome, email, windows)
    if full is not None:
        raise too_many_emails(deps, full)
    if not outcome:
        raise changed_meanwhile("The account changed meanwhile; try again.")


def _taken(reason: str) -> AppError:
    if reason == "already_member":
        return AppError("already_member", "The address is already a member of this account.")
    return AppError("conflict", "The address has a pending invitation to this account already.")


def told_requester(deps: Deps, account: AccountItem, request: JoinRequestItem, outcome: str) -> MailItem:
    """The email telling the requester the outcome, queued in the decision's transaction (the outbox
    worker sends it)."""
    after = N_("Sign in to find it among your accounts.") if outcome == "approved" else DENIED_NEXT
    values = {"portal_name": PORTAL_NAME, "account_name": account.name, "outcome": outcome, "next": after}
    # the requester may have no login yet: the account's language
    locale = as_locale(account.default_locale)
    return notice(
        deps, "join_request_decided", request.email, values, locale=locale, account_id=account.account_id
    )
