"""Inviting people to an account: bulk invite, list, resend, revoke."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from chalicelib.deps import Deps
from chalicelib.domain.audit import Target, changed
from chalicelib.domain.caller import Caller
from chalicelib.domain.groups import DEFAULT_GROUP_ID, Placement, placement_problem
from chalicelib.domain.invitations import (
    ROLE_LABELS,
    ROLE_TITLES,
    SkipReason,
    claim_reason,
    screen_emails,
)
from chalicelib.domain.outbox import account_day
from chalicelib.domain.paging import decode_cursor, encode_cursor
from chalicelib.domain.permissions import Role, as_role, stored_grant
from chalicelib.domain.profile import PROFILE_FIELDS, profile_of
from chalicelib.domain.support import support_grant_problem
from chalicelib.domain.wording import date_in_words, modules_of, neutral, sub_accounts_of
from chalicelib.errors import AppError, not_found, rate_limited, validation_error
from chalicelib.ids import new_id
from chalicelib.mail.mailer import OutgoingEmail
from chalicelib.mail.templates import render
from chalicelib.schemas.invitations import (
    Invitation,
    InvitationListQuery,
    InvitationPage,
    InviteIn,
    InviteResult,
    InviteResults,
)
from chalicelib.services.audit import record
from chalicelib.services.auth import live_sub_accounts
from chalicelib.services.groups import check_manager_reach, existing_group, managed_group
from chalicelib.services.invite_claims import claim_answers
from chalicelib.services.outbox import (
    Ready,
    email_windows,
    full_window,
    link_of,
    link_seed,
    mail_for,
    send_now,
    too_many_emails,
)
from chalicelib.services.sub_accounts import checked_scope
from chalicelib.store import keys
from chalicelib.store.idempotency import current_request_id
from chalicelib.store.invitations import NewInvitation, link_item, new_invitation_item
from chalicelib.store.models import (
    AccountItem,
    AuditEventItem,
    GroupItem,
    InvitationItem,
    MailItem,
    format_time,
)

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
    seed = link_seed(deps)
    valid_days = details.get("valid_days")
    invitation = new_invitation_item(
        new_id("inv"), account_id, email, role, stored_grant(role, permissions), seed.token_hash, now,
        now + validity(deps, valid_days if isinstance(valid_days, (int, float)) else None),
        invited_by=inviter.user_id if inviter else None, invited_by_name=inviter.name if inviter else None,
        details=details,
    )  # fmt: skip
    event = created_event(deps, recorded_by, invitation) if recorded_by else None
    link = link_item(seed.token_hash, invitation, login_user_id)
    mail = _mail(deps, invitation, seed.nonce)
    return NewInvitation(invitation, link, replaces, event, mail, email_windows(deps)), seed.raw


def _mail(deps: Deps, invitation: InvitationItem, nonce: str) -> MailItem:
    return mail_for(
        deps, "invitation", invitation.email, nonce=nonce, account_id=invitation.account_id,
        invitation_id=invitation.invitation_id,
    )  # fmt: skip


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
    message = invitation.message or ""  # refused at input if it holds a link (schemas/invitations.py)
    account, inviter = neutral(account_name), neutral(invitation.invited_by_name or "")
    role = as_role(invitation.role)
    in_group = invitation.group_id not in (None, DEFAULT_GROUP_ID)
    return render(
        "invitation",
        to=invitation.email,
        values={
            # the subject names the inviter when there is one; both names bounded and defanged
            "headline": f"{inviter} invited you to {account}" if inviter else f"You are invited to {account}",
            "inviter_name": inviter or f"The {account} team",
            "account_name": account,
            "role_label": ROLE_LABELS[role],
            "role_title": ROLE_TITLES[role]
            + (", managing your user group" if invitation.group_manager else ""),
            "modules": modules_of(role, list(invitation.permissions or []), in_group),
            "sub_accounts": sub_accounts_of(invitation.sub_accounts),
            "message_block": f"\nA message from {inviter or account}:\n{message}\n" if message else "",
            "link": f"{deps.settings.portal_url}/invitations/accept#token={raw_token}",
            "expires_words": date_in_words(invitation.expires_at),
        },
    )


def _check_profile(body: InviteIn) -> None:
    profile_given = [name for name in PROFILE_FIELDS if getattr(body, name) is not None]
    if profile_given and len(body.emails) > 1:
        raise validation_error(profile_given[0], "profile fields go with a single email only")


def invite(deps: Deps, caller: Caller, account: AccountItem, body: InviteIn) -> InviteResults:
    """One result per input email, in input order. Emails go out concurrently after the writes."""
    _check_profile(body)
    refused = support_grant_problem(caller, body.role, body.permissions)
    if refused is not None:
        raise AppError("forbidden", refused)
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
    answers, shown, request_id = claim_answers(deps, caller, account_id, claims), {}, current_request_id()
    for index, entry in enumerate(screened):
        claim = claims.get(entry.email)
        blocked = claim_reason(claim.holder, claim.expires_at, now) if claim and not entry.reason else None
        if blocked and entry.email in answers.own:  # invited by this request's lost run: its own
            shown[index] = answers.own[entry.email]
            continue
        if blocked and entry.email in answers.hidden:  # to a group manager, as an address that is nobody's
            decoy = new_invitation(deps, account_id, entry.email, body.role, [], caller, details)[0]
            shown[index] = decoy.invitation
            decoy.invitation.delivery = "sent"
            continue
        reason = entry.reason or blocked
        if reason:
            reasons[index] = reason
            continue
        replaces = claim.ref_id if claim is not None else None
        created[index] = new_invitation(
            deps, account_id, entry.email, body.role, list(body.permissions), caller, details, replaces,
            logins.get(entry.email), recorded_by=caller,
        )  # fmt: skip
        created[index][0].invitation.request_id = request_id
    day = account_day(now, deps.settings.account_invitations_per_day)
    written = deps.store.invitations.create_invitations([new for new, _ in created.values()], now, day)
    if written.group_gone:
        raise AppError("conflict", "The group was deleted meanwhile; nobody was invited.")
    if written.over_account_limit and len(written.over_account_limit) == len(created):
        raise rate_limited(day.retry_after(now), "This account has sent its invitations for today.")
    not_written: dict[str, SkipReason] = {email: "already_invited" for email in written.lost}
    not_written |= {email: "rate_limited" for email in [*written.limited, *written.over_account_limit]}
    for index in [i for i, (new, _) in created.items() if new.invitation.email in not_written]:
        reasons[index] = not_written[created[index][0].invitation.email]
        del created[index]
    send_invitations(deps, account.name, list(created.values()))
    shown |= {index: new.invitation for index, (new, _) in created.items()}
    return InviteResults(
        results=[
            InviteResult(email=entry.email, status="skipped", reason=reasons[index])
            if index in reasons
            else InviteResult(
                email=entry.email,
                status="invited",
                invitation=Invitation.of(shown[index], now, live, groups),
            )
            for index, entry in enumerate(screened)
        ]
    )


def send_invitations(deps: Deps, account_name: str, sent: list[Sendable]) -> None:
    """The request's attempt at the committed invitations' emails (services/outbox.py): each one SES accepts
    is `delivery: "sent"`; any other stays `queued`, for the outbox worker to send."""
    pairs = [
        (new.invitation, Ready(new.mail, invitation_email(deps, new.invitation, raw, account_name),
                               new.invitation.token_hash))
        for new, raw in sent
        if new.mail is not None
    ]  # fmt: skip
    for (invitation, _), ok in zip(pairs, send_now(deps, [ready for _, ready in pairs]), strict=True):
        if ok:
            invitation.delivery = "sent"  # as recorded: the answer says what happened


def invitation_email_for(deps: Deps, mail: MailItem) -> Ready | None:
    """The worker's side: the email of an outbox invitation, rendered again from what is stored now, or None
    when there is nothing to send any more (revoked, accepted, or resent with a newer link)."""
    raw, token_hash = link_of(deps, mail)
    found = deps.store.invitations.get_invitation(mail.account_id or "", mail.invitation_id or "")
    account = deps.store.accounts.get_account(mail.account_id or "")
    if found is None or account is None or found.token_hash != token_hash:
        return None
    return Ready(mail, invitation_email(deps, found, raw, account.name), token_hash)


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
    seed = link_seed(deps)
    invitation.token_hash = seed.token_hash
    invitation.last_sent_at = now
    invitation.expires_at = now + validity(deps, invitation.valid_days)  # its own period, as first sent
    invitation.send_count = int(invitation.send_count) + 1
    invitation.delivery = "queued"
    new_link = link_item(invitation.token_hash, invitation)
    mail, windows = _mail(deps, invitation, seed.nonce), email_windows(deps)
    resent = {"expires_at": (format_time(old_expiry), format_time(invitation.expires_at))}
    event = record(
        deps, "invitation.resent", caller, account.account_id, invitation_target(invitation), resent
    )
    outcome = deps.store.invitations.resend(
        invitation, old_hash, new_link, now - RESEND_INTERVAL, event, mail, windows
    )
    full = full_window(outcome, invitation.email, windows)
    if full is not None:
        raise too_many_emails(deps, full)
    if not outcome:
        raise AppError("conflict", "The invitation changed while resending; reload it and try again.")
    send_invitations(deps, account.name, [(NewInvitation(invitation, new_link, mail=mail), seed.raw)])
    return Invitation.of(invitation, now, live_sub_accounts(account), _groups_of(deps, account, [invitation]))


def revoke(deps: Deps, caller: Caller, account_id: str, invitation_id: str) -> None:
    """The owner's invitation is the operator's to revoke: an account must not lose its way to an owner."""
    invitation = _find(deps, caller, account_id, invitation_id)
    if invitation.role == "owner" and not caller.is_operator:
        raise AppError("forbidden", "Only an operator can revoke the owner's invitation.")
    event = record(deps, "invitation.revoked", caller, account_id, invitation_target(invitation))
    if not deps.store.invitations.revoke(invitation, event):
        raise not_found("invitation")
