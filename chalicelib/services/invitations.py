"""Inviting people to an account: the bulk invite, and what every invitation is made of (its link, email
and event). Listing, resending and revoking are in services/invitation_admin.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.deps import Deps
from chalicelib.domain.audit import Target, changed
from chalicelib.domain.caller import ANONYMOUS, Caller
from chalicelib.domain.email_domains import invite_allowed
from chalicelib.domain.invitations import Screened, SkipReason, claim_reason, screen_emails
from chalicelib.domain.locales import as_locale
from chalicelib.domain.outbox import account_day
from chalicelib.domain.permissions import Role, stored_grant
from chalicelib.domain.profile import own_details, profile_of
from chalicelib.errors import AppError, rate_limited
from chalicelib.ids import new_id
from chalicelib.schemas.invitations import (
    Invitation,
    InvitationAllowance,
    InviteIn,
    InviteResult,
    InviteResults,
)
from chalicelib.services.audit_record import record
from chalicelib.services.authentication import live_sub_accounts
from chalicelib.services.email_domains import allowed_invite_domains
from chalicelib.services.invite_claims import ClaimAnswers, claim_answers, claims_of
from chalicelib.services.invite_claims import claim_keys_ahead as claim_keys_ahead
from chalicelib.services.invite_placement import checked_group
from chalicelib.services.invite_seats import write_invitations
from chalicelib.services.outbox import (
    email_windows,
    link_seed,
    mail_for,
)
from chalicelib.services.sub_accounts import checked_scope
from chalicelib.store.idempotency import current_request_id
from chalicelib.store.invitations import NewInvitation, Replaced, link_item, new_invitation_item
from chalicelib.store.models import (
    AccountItem,
    AuditEventItem,
    EmailClaimItem,
    GroupItem,
    InvitationItem,
    MailItem,
)
from chalicelib.store.read_ahead import ReadAhead

Sendable = tuple[NewInvitation, str]  # an invitation to store, and the raw token only its email carries


def replaced(deps: Deps, account_id: str, claim: EmailClaimItem) -> Replaced:
    """The expired invitation a new one replaces: its expiry is recorded now (by the system, as the purge
    would), and its group's count goes down with it."""
    target = Target("invitation", claim.ref_id, claim.email)
    event = record(deps, "invitation.expired", ANONYMOUS, account_id, target)
    return Replaced(claim.ref_id, claim.group_id or None, event)


def new_invitation(
    deps: Deps,
    account_id: str,
    email: str,
    role: Role,
    permissions: list[str],
    inviter: Caller | None,
    details: Mapping[str, object],
    replaces: Replaced | None = None,
    login_user_id: str | None = None,
    recorded_by: Caller | None = None,
) -> Sendable:
    """An invitation with its link, ready to store, and the raw token that only the email will carry.
    `details` may name `valid_days` (the invite's own validity); else INVITATION_TTL_SECONDS.
    `login_user_id`: the user of the email's login, if it had one when read (noted on the link; else the
    email worker notes it when it sends the email: services/email_worker.py). With
    `recorded_by`, its invitation.created event is stored with it."""
    now = deps.now()
    seed = link_seed(deps)
    valid_days = details.get("valid_days")
    invitation = new_invitation_item(
        new_id("inv"),
        account_id,
        email,
        role,
        stored_grant(role, permissions),
        seed.token_hash,
        now,
        now + validity(deps, valid_days if isinstance(valid_days, (int, float)) else None),
        invited_by=inviter.user_id if inviter else None,
        invited_by_name=inviter.name if inviter else None,
        details=details,
    )
    event = created_event(deps, recorded_by, invitation) if recorded_by else None
    link = link_item(seed.token_hash, invitation, login_user_id)
    mail = invitation_mail(deps, invitation, seed.nonce)
    return NewInvitation(invitation, link, replaces, event, mail, email_windows(deps)), seed.raw


def invitation_mail(deps: Deps, invitation: InvitationItem, nonce: str) -> MailItem:
    return mail_for(
        deps,
        "invitation",
        invitation.email,
        nonce=nonce,
        account_id=invitation.account_id,
        invitation_id=invitation.invitation_id,
    )


def invitation_target(invitation: InvitationItem) -> Target:
    return Target("invitation", invitation.invitation_id, invitation.email)


def created_event(deps: Deps, caller: Caller, invitation: InvitationItem) -> AuditEventItem:
    """What the invitation gives, as the changes of invitation.created."""
    gives = {
        "role": invitation.role,
        "permissions": list(invitation.permissions) or None,
        "sub_accounts": invitation.sub_accounts,
        "group_id": invitation.group_id,
        "group_manager": invitation.group_manager,
    }
    target = invitation_target(invitation)
    return record(deps, "invitation.created", caller, invitation.account_id, target, changed({}, gives))


def validity(deps: Deps, valid_days: float | None) -> timedelta:
    """How long a link lives after it was last sent: the invite's own days, else the service's setting.
    (Stored as a DynamoDB number, which PynamoDB reads back as float.)"""
    if valid_days is not None:
        return timedelta(days=int(valid_days))
    return timedelta(seconds=deps.settings.invitation_ttl_seconds)


def allowance(deps: Deps, account_id: str) -> InvitationAllowance:
    """The account's invitations for today: a spreadsheet's preview names what is left before it sends."""
    now = deps.now()
    day = account_day(now, deps.settings.account_invitations_per_day)
    sent = deps.store.outbox.account_invitations(account_id, day)
    return InvitationAllowance(
        per_day=day.limit, sent_today=sent, remaining_today=max(0, day.limit - sent), resets_at=day.ends_at
    )


def invite(
    deps: Deps, caller: Caller, account: AccountItem, body: InviteIn, ahead: ReadAhead | None = None
) -> InviteResults:
    """One result per input email, in input order. The emails are committed with the invitations; the
    outbox's worker sends them (services/outbox.py), so the request never waits for the mailer, and notes
    on each link the user of the email's login when it sends it. `ahead`: the claims the authorizing read
    read ahead (`claim_keys_ahead`); only the others are read here."""
    group = checked_group(deps, caller, account, body)
    scope = checked_scope(body.sub_accounts, account)
    live = live_sub_accounts(account)
    groups = {group.group_id: group} if group is not None else {}
    now = deps.now()
    account_id = account.account_id
    screened = screen_emails(body.addresses())
    claims = claims_of(deps, account_id, [s.email for s in screened if s.reason is None], ahead)
    answers = claim_answers(deps, caller, account_id, claims)
    batch = _Batch(
        deps,
        caller,
        account_id,
        body,
        _details(body, scope, group, account),
        now,
        current_request_id(),
        answers,
    )
    batch.allowed_domains = allowed_invite_domains(deps, account)
    for index, entry in enumerate(screened):
        batch.take(index, entry, claims.get(entry.email))
    _write(deps, batch, now, account)
    return InviteResults(
        results=[batch.result(index, entry.email, live, groups) for index, entry in enumerate(screened)]
    )


def _details(
    body: InviteIn, scope: list[str] | None, group: GroupItem | None, account: AccountItem
) -> dict[str, object]:
    """What every invitation of the request carries beside its role and permissions."""
    details: dict[str, object] = {
        "locale": body.locale or as_locale(account.default_locale),
        "message": body.message,
        "sub_accounts": scope,
        "valid_days": body.expires_in_days,
        **profile_of(body),
    }
    if group is not None:
        details |= {"group_id": group.group_id, "group_manager": True if body.group_manager else None}
    return details


@dataclass
class _Batch:
    """One invite's emails sorted out by their index in the request: why each skipped one is skipped, the
    invitations to create, and those answered as they are (a lost run's own, a group manager's decoys)."""

    deps: Deps
    caller: Caller
    account_id: str
    body: InviteIn
    details: dict[str, object]
    now: datetime
    request_id: str | None
    answers: ClaimAnswers
    reasons: dict[int, SkipReason] = field(default_factory=dict)
    created: dict[int, Sendable] = field(default_factory=dict)
    shown: dict[int, InvitationItem] = field(default_factory=dict)
    allowed_domains: frozenset[str] | None = None  # invite_domains "verified": only these (None: any)

    def take(self, index: int, entry: Screened, claim: EmailClaimItem | None) -> None:
        """Sorts out one email: skipped (and why), answered as it is, or an invitation to create."""
        own, hidden = self.answers.own, self.answers.hidden
        blocked = (
            claim_reason(claim.holder, claim.expires_at, self.now) if claim and not entry.reason else None
        )
        if blocked and entry.email in own:  # invited by this request's lost run: its own
            self.shown[index] = own[entry.email]
        elif blocked and entry.email in hidden:  # to a group manager, as an address that is nobody's
            self.shown[index] = self._decoy(entry.email)
        elif reason := entry.reason or blocked or self._outside(entry.email):
            self.reasons[index] = reason
        else:
            self.created[index] = self._new(index, entry.email, claim)

    def _outside(self, email: str) -> SkipReason | None:
        """After `already_invited`, before the seats: an address outside the account's verified domains."""
        return None if invite_allowed(email, self.allowed_domains) else "domain_not_allowed"

    def _decoy(self, email: str) -> InvitationItem:
        """Never written: answered as a new invitation is (its `delivery` queued, as every new one's is)."""
        decoy = new_invitation(
            self.deps, self.account_id, email, self.body.role, [], self.caller, self.details
        )
        return decoy[0].invitation

    def _new(self, index: int, email: str, claim: EmailClaimItem | None) -> Sendable:
        deps, account_id, caller, body = self.deps, self.account_id, self.caller, self.body
        replaces = replaced(deps, account_id, claim) if claim is not None else None
        created = new_invitation(
            deps,
            account_id,
            email,
            body.role,
            list(body.permissions),
            caller,
            self.details | own_details(body.emails[index]),
            replaces,
            recorded_by=caller,
        )
        created[0].invitation.request_id = self.request_id
        return created

    def result(
        self, index: int, email: str, live: frozenset[str], groups: dict[str, GroupItem]
    ) -> InviteResult:
        if index in self.reasons:
            return InviteResult(email=email, status="skipped", reason=self.reasons[index])
        shown = self.shown[index] if index in self.shown else self.created[index][0].invitation
        return InviteResult(
            email=email, status="invited", invitation=Invitation.of(shown, self.now, live, groups)
        )


def _write(deps: Deps, batch: _Batch, now: datetime, account: AccountItem) -> None:
    """Stores the batch's invitations under the account's seats (services/invite_seats.py); any not written
    (invited meanwhile, over a limit, past the free seats) is skipped with its reason instead."""
    created, reasons = batch.created, batch.reasons
    day = account_day(now, deps.settings.account_invitations_per_day)
    entries = [new for new, _ in created.values()]
    written = write_invitations(deps, batch.caller, account, entries, now, day)
    if written.group_gone:
        raise AppError("group_deleted", "The group was deleted meanwhile; nobody was invited.")
    if written.over_account_limit and len(written.over_account_limit) == len(created):
        raise rate_limited(day.retry_after(now), "This account has sent its invitations for today.")
    not_written: dict[str, SkipReason] = {email: "already_invited" for email in written.lost}
    not_written |= {email: "rate_limited" for email in [*written.limited, *written.over_account_limit]}
    not_written |= {email: "seat_limit_reached" for email in written.refused}
    for index in [i for i, (new, _) in created.items() if new.invitation.email in not_written]:
        reasons[index] = not_written[created[index][0].invitation.email]
        del created[index]
