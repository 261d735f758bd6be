"""Inviting people to an account: bulk invite, list, resend, revoke."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from chalicelib.deps import Deps
from chalicelib.domain.audit import Target, changed
from chalicelib.domain.caller import Caller
from chalicelib.domain.groups import Placement, placement_problem
from chalicelib.domain.invitations import ROLE_LABELS, SkipReason, claim_reason, screen_emails
from chalicelib.domain.paging import decode_cursor, encode_cursor
from chalicelib.domain.permissions import Role, as_role, stored_grant
from chalicelib.domain.profile import PROFILE_FIELDS, profile_of
from chalicelib.errors import AppError, not_found, rate_limited, validation_error
from chalicelib.ids import new_id
from chalicelib.mail.mailer import OutgoingEmail, deliver_all
from chalicelib.mail.templates import render
from chalicelib.schemas.invitations import (
    Invitation,
    InvitationListQuery,
    InvitationPage,
    InviteIn,
    InviteResult,
    InviteResults,
)
from chalicelib.security.links import new_link_token
from chalicelib.services.audit import record
from chalicelib.services.auth import live_sub_accounts
from chalicelib.services.groups import check_manager_reach, existing_group, managed_group
from chalicelib.services.sub_accounts import checked_scope
from chalicelib.store import keys
from chalicelib.store.invitations import NewInvitation, link_item, new_invitation_item
from chalicelib.store.models import AccountItem, AuditEventItem, GroupItem, InvitationItem, format_time

RESEND_INTERVAL = timedelta(seconds=60)
Sendable = tuple[NewInvitation, str]  # an invitation to store, and the raw token only its email carries


def new_invitation(
    deps: Deps,
    account_id: str,
    email: str,
    role: Role,
    permissions: list[str],
    inviter: Caller | None,
    details: Mapping[str, object],
    replaces: str | None = None,
    login_user_id: str | None = None,
    recorded_by: Caller | None = None,
) -> Sendable:
    """An invitation with its link, ready to store, and the raw token that only the email will carry.
    `details` may name `valid_days` (the invite's own validity); else INVITATION_TTL_SECONDS.
    `login_user_id`: the user of the email's login, if it had one when read (noted on the link). With
    `recorded_by`, its invitation.created event is stored with it."""
    now = deps.now()
    raw, token_hash = new_link_token()
    valid_days = details.get("valid_days")
    invitation = new_invitation_item(
        new_id("inv"), account_id, email, role, stored_grant(role, permissions), token_hash, now,
        now + validity(deps, valid_days if isinstance(valid_days, (int, float)) else None),
        invited_by=inviter.user_id if inviter else None, invited_by_name=inviter.name if inviter else None,
        details=details,
    )  # fmt: skip
    event = created_event(deps, recorded_by, invitation) if recorded_by else None
    link = link_item(token_hash, invitation, login_user_id)
    return NewInvitation(invitation, link, replaces, event), raw


def invitation_target(invitation: InvitationItem) -> Target:
    return Target("invitation", invitation.invitation_id, invitation.email)


def created_event(deps: Deps, caller: Caller, invitation: InvitationItem) -> AuditEventItem:
    """What the invitation gives, as the changes of invitation.created."""
    gives = {
        "role": invitation.role, "permissions": list(invitation.permissions) or None,
        "sub_accounts": invitation.sub_accounts, "group_id": invitation.group_id,
        "group_manager": invitation.group_manager,
    }  # fmt: skip
    target = invitation_target(invitation)
    return record(deps, "invitation.created", caller, invitation.account_id, target, changed({}, gives))


def validity(deps: Deps, valid_days: float | None) -> timedelta:
    """How long a link lives after it was last sent: the invite's own days, else the service's setting.
    (Stored as a DynamoDB number, which PynamoDB reads back as float.)"""
    if valid_days is not None:
        return timedelta(days=int(valid_days))
    return timedelta(seconds=deps.settings.invitation_ttl_seconds)


def invitation_email(
    deps: Deps, invitation: InvitationItem, raw_token: str, account_name: str
) -> OutgoingEmail:
    message = invitation.message or ""
    return render(
        "invitation",
        to=invitation.email,
        values={
            "inviter_name": invitation.invited_by_name or f"The {account_name} team",
            "account_name": account_name,
            "role_label": ROLE_LABELS[as_role(invitation.role)],
            "message_block": f"\nTheir message:\n{message}\n" if message else "",
            "link": f"{deps.settings.portal_url}/invitations/accept#token={raw_token}",
            "expires_at": format_time(invitation.expires_at),
        },
    )


def _check_profile(body: InviteIn) -> None:
    profile_given = [name for name in PROFILE_FIELDS if getattr(body, name) is not None]
    if profile_given and len(body.emails) > 1:
        raise validation_error(profile_given[0], "profile fields go with a single email only")


def invite(deps: Deps, caller: Caller, account: AccountItem, body: InviteIn) -> InviteResults:
    """One result per input email, in input order. Emails go out concurrently after the writes."""
    _check_profile(body)
    group_id = _placement(caller, body)
    group = existing_group(deps, account, group_id)
    if body.role == "admin" and body.permissions:
        raise validation_error("permissions", "an admin holds every permission: leave permissions out")
    if body.role == "admin" and body.sub_accounts != "all":
        raise validation_error(
            "sub_accounts", "an admin reaches every sub-account: leave it out or send 'all'"
        )
    scope = checked_scope(body.sub_accounts, account)
    live = live_sub_accounts(account)
    groups = {group.group_id: group} if group is not None else {}
    now = deps.now()
    account_id = account.account_id
    screened = screen_emails(body.emails)
    claims, logins = deps.store.invitations.claims_and_logins(
        account_id, [s.email for s in screened if s.reason is None]
    )
    details: dict[str, object] = {
        "message": body.message, "sub_accounts": scope, "valid_days": body.expires_in_days, **profile_of(body)
    }  # fmt: skip
    if group is not None:
        details |= {"group_id": group.group_id, "group_manager": True if body.group_manager else None}
    reasons: dict[int, SkipReason] = {}
    created: dict[int, Sendable] = {}
    for index, entry in enumerate(screened):
        claim = claims.get(entry.email)
        reason = entry.reason or (claim_reason(claim.holder, claim.expires_at, now) if claim else None)
        if reason:
            reasons[index] = reason
            continue
        replaces = claim.ref_id if claim is not None else None
        created[index] = new_invitation(
            deps, account_id, entry.email, body.role, list(body.permissions), caller, details, replaces,
            logins.get(entry.email), recorded_by=caller,
        )  # fmt: skip
    written = deps.store.invitations.create_invitations([new for new, _ in created.values()], now)
    if written.group_gone:
        raise AppError("conflict", "The group was deleted meanwhile; nobody was invited.")
    lost = written.lost
    for index in [i for i, (new, _) in created.items() if new.invitation.email in lost]:
        reasons[index] = "already_invited"
        del created[index]
    send_invitations(deps, account.name, list(created.values()))
    return InviteResults(
        results=[
            InviteResult(email=entry.email, status="skipped", reason=reasons[index])
            if index in reasons
            else InviteResult(
                email=entry.email,
                status="invited",
                invitation=Invitation.of(created[index][0].invitation, now, live, groups),
            )
            for index, entry in enumerate(screened)
        ]
    )


def send_invitations(deps: Deps, account_name: str, sent: list[Sendable]) -> None:
    """Emails the stored invitations (concurrently); an email that fails leaves its invitation stored with
    `delivery: "failed"`, to be resent."""
    if not sent:
        return
    emails = [invitation_email(deps, new.invitation, raw, account_name) for new, raw in sent]
    delivered = deliver_all(deps.mailer, emails)
    failed = [new.invitation for (new, _), ok in zip(sent, delivered, strict=True) if not ok]
    for invitation in failed:
        invitation.delivery = "failed"
    deps.store.invitations.mark_undelivered(failed)


def _placement(caller: Caller, body: InviteIn) -> str:
    """The group the invitation is for. A group manager invites into their own group only, as plain
    members: any other group, role, permissions, scope or manager flag of their choosing is 403."""
    mine = managed_group(caller)
    given = body.model_fields_set
    if mine is not None:
        if "group_id" in given and body.group_id != mine:
            raise AppError("forbidden", "A group manager invites into their own group only.")
        if given & {"role", "permissions", "sub_accounts"} or body.group_manager:
            raise AppError("forbidden", "A group manager's invitations take the group's permissions.")
        return mine
    problem = placement_problem(
        Placement(body.group_id, body.group_manager, body.role if "role" in given else None,
                  "permissions" in given, "sub_accounts" in given)
    )  # fmt: skip
    if problem is not None:
        raise validation_error(*problem)
    return body.group_id


def list_invitations(
    deps: Deps, caller: Caller, account: AccountItem, query: InvitationListQuery
) -> InvitationPage:
    """Latest expiry first (the most recently sent, for the usual validity); a group manager lists their
    own group's. O(page): the expiry index's keys, then the page by key (store.invitations.listed)."""
    now = deps.now()
    wanted_group = managed_group(caller) or query.group_id
    scope = f"invitations:{account.account_id}:{query.status}:{wanted_group}"
    secret = deps.settings.token_secret
    after = decode_cursor(query.cursor, scope, secret)[0] if query.cursor else None
    items, last = deps.store.invitations.listed(
        account.account_id, wanted_group, query.status == "pending", now, limit=query.limit, after=after
    )
    cursor = encode_cursor(scope, (last,), secret) if last is not None else None
    live = live_sub_accounts(account)
    groups = _groups_of(deps, account, items)
    return InvitationPage(items=[Invitation.of(i, now, live, groups) for i in items], next_cursor=cursor)


def _groups_of(deps: Deps, account: AccountItem, invitations: list[InvitationItem]) -> dict[str, GroupItem]:
    """The custom groups these invitations are for (read only when there are any)."""
    if not any(i.group_id for i in invitations):
        return {}
    return {g.group_id: g for g in deps.store.groups.groups_of(account.account_id)}


def _find(deps: Deps, caller: Caller, account_id: str, invitation_id: str) -> InvitationItem:
    invitation = (
        deps.store.invitations.get_invitation(account_id, invitation_id)
        if keys.is_valid_id(invitation_id)
        else None
    )
    if invitation is None:
        raise not_found("invitation")
    check_manager_reach(caller, invitation, writes=True, what="invitation")
    return invitation


def resend(deps: Deps, caller: Caller, account: AccountItem, invitation_id: str) -> Invitation:
    """A new link and a new expiry; the old link stops working. At most once a minute."""
    invitation = _find(deps, caller, account.account_id, invitation_id)
    now = deps.now()
    wait = invitation.last_sent_at + RESEND_INTERVAL - now
    if wait.total_seconds() > 0:
        raise rate_limited(int(wait.total_seconds()) or 1, "This invitation was sent less than a minute ago.")
    old_hash, old_expiry = invitation.token_hash, invitation.expires_at
    raw, invitation.token_hash = new_link_token()
    invitation.last_sent_at = now
    invitation.expires_at = now + validity(deps, invitation.valid_days)  # its own period, as first sent
    invitation.send_count = int(invitation.send_count) + 1
    invitation.delivery = "sent"
    new_link = link_item(invitation.token_hash, invitation)
    resent = {"expires_at": (format_time(old_expiry), format_time(invitation.expires_at))}
    event = record(
        deps, "invitation.resent", caller, account.account_id, invitation_target(invitation), resent
    )
    if not deps.store.invitations.resend(invitation, old_hash, new_link, now - RESEND_INTERVAL, event):
        raise AppError("conflict", "The invitation changed while resending; reload it and try again.")
    send_invitations(deps, account.name, [(NewInvitation(invitation, new_link), raw)])
    return Invitation.of(invitation, now, live_sub_accounts(account), _groups_of(deps, account, [invitation]))


def revoke(deps: Deps, caller: Caller, account_id: str, invitation_id: str) -> None:
    """The owner's invitation is the operator's to revoke: an account must not lose its way to an owner."""
    invitation = _find(deps, caller, account_id, invitation_id)
    if invitation.role == "owner" and not caller.is_operator:
        raise AppError("forbidden", "Only an operator can revoke the owner's invitation.")
    event = record(deps, "invitation.revoked", caller, account_id, invitation_target(invitation))
    if not deps.store.invitations.revoke(invitation, event):
        raise not_found("invitation")
