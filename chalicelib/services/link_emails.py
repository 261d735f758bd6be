"""Joining through an invite link without signing in (issue 29, API.md "Join requests and invite links").

Nothing about the address is known or proven when it is given, so the request does the same work and gives
the same answer for every address (`ask_by_email`): the link's own checks (404, 410, 403
`domain_not_allowed`), then one write, the same for all: one use of the link, and a `link_join` email in the
outbox, counted on the address (MAX_LINK_EMAILS a day, any link) and in the link's hour. Every address takes
its use, a member's too: were only new ones to, draining a link to its last use would tell who belongs.
Through a link that requires approval it reads the address's claim on the account (one BatchGetItem for
every address) and, for an address that is neither a member nor invited, makes the join request in that
same write, so user managers see it at once.

The outbox worker sorts it out (`link_join_email_for`), where no answer is waiting: a member is sent
nothing; an invited address gets its invitation resent (within the resend limit); a link that requires
approval queues a join request under the address (`user` null); any other address is sent a personal
invitation made from the link (role member, the link's grant, `invite_link_id`) with its seat, in one
transaction, on the use the request took. That invitation's link is derived from the outbox email's own
nonce, so a retried email finds the invitation it made instead of making another. A link revoked or expired
meanwhile, or an account without a free seat, sends nothing (the use stays spent, for every address alike)."""

from __future__ import annotations

import json
from contextlib import suppress
from typing import Final

from chalicelib.deps import Deps
from chalicelib.domain.audit import Target, changed
from chalicelib.domain.caller import ANONYMOUS
from chalicelib.domain.emails import mailbox_of
from chalicelib.domain.invitations import claim_reason
from chalicelib.domain.locales import Locale, as_locale
from chalicelib.domain.outbox import account_day, link_email_window
from chalicelib.domain.permissions import stored_grant
from chalicelib.errors import AppError, changed_meanwhile, rate_limited
from chalicelib.ids import new_id
from chalicelib.msgids import N_
from chalicelib.schemas.invite_links import EmailSent
from chalicelib.security.links import new_nonce
from chalicelib.services.audit_record import record
from chalicelib.services.invitation_admin import resend
from chalicelib.services.invitation_email import invitation_email
from chalicelib.services.invitations import created_event, replaced, validity
from chalicelib.services.invite_links import check_domain, expired, open_link, too_often
from chalicelib.services.joining import REQUEST_LIFETIME
from chalicelib.services.outbox import Ready, full_window, link_of, mail_for
from chalicelib.services.seats import read_again, take_one
from chalicelib.store import keys
from chalicelib.store.invitations import NewInvitation, Replaced, link_item, new_invitation_item
from chalicelib.store.invite_links import is_open
from chalicelib.store.models import (
    AccountItem,
    AuditEventItem,
    EmailClaimItem,
    InvitationItem,
    InviteLinkItem,
    JoinRequestItem,
    MailItem,
)
from chalicelib.store.seats import SeatsRead
from chalicelib.store.tx import Outcome

DAILY: Final = N_("This address has been sent its invite link emails for today.")


def ask_by_email(deps: Deps, token: str, email: str) -> EmailSent:
    """202 `email_sent` for any address the link's own rules let through; 429 past the address's day or
    the link's hour, alike for every address."""
    link = open_link(deps, token)
    check_domain(link, email)
    now = deps.now()
    mail = mail_for(deps, "link_join", email, nonce=new_nonce(), account_id=link.account_id)
    mail.values = json.dumps({"invite_link_id": link.invite_link_id}, separators=(",", ":"))
    window = link_email_window(now)
    # The day's 3 count the mailbox, not the spelling: "ann+1@" and "a.nn@gmail.com" reach the same person.
    mailbox = mailbox_of(email)
    asked = _asked_now(deps, link, email) if link.require_approval else None
    outcome = deps.store.invite_links.queue_email(link, mail, mailbox, window, now, asked)
    if asked is not None and "exists" in outcome.failed:  # asked already, or denied lately: the email alone
        outcome = deps.store.invite_links.queue_email(link, mail, mailbox, window, now)
    if outcome:
        return EmailSent(status="email_sent")
    if "used" in outcome.failed:
        raise expired()
    if "full" in outcome.failed:
        raise too_often()
    if full_window(outcome, mailbox, [window]) is not None:
        raise rate_limited(window.retry_after(now), DAILY)
    raise changed_meanwhile("The invite link changed meanwhile; try again.")


def link_join_email_for(deps: Deps, mail: MailItem) -> Ready | None:
    """The worker's side: the invitation email to send, or None (nothing to send: a member, a resend sent
    on its own, a request queued, or the link no longer usable)."""
    raw, token_hash = link_of(deps, mail)
    account_id, email = mail.account_id or "", mail.to
    link = deps.store.invite_links.get_link(account_id, _link_id(mail))
    account = deps.store.accounts.get_account(account_id)
    if link is None or account is None:
        return None
    claims, logins = deps.store.invitations.claims_and_logins(account_id, [email])
    claim = claims.get(email)
    made = _made_here(deps, account_id, claim, token_hash)
    if made is None:
        now = deps.now()
        reason = claim_reason(claim.holder, claim.expires_at, now) if claim is not None else None
        if reason == "already_member" or not is_open(link, now):
            return None
        if reason == "already_invited" and claim is not None:
            _resend(deps, account, claim.ref_id)
            return None
        if link.require_approval or _removed(deps, account_id, logins.get(email)):
            _ask(deps, link, email)
            return None
        made = _invite(deps, account, link, email, token_hash, claim, logins.get(email))
    if made is None:
        return None
    mail.invitation_id = made.invitation_id  # recorded with the email: its delivery moves with it
    return Ready(mail, invitation_email(deps, made, raw, account), token_hash)


def _link_id(mail: MailItem) -> str:
    values = json.loads(mail.values or "{}")
    found = values.get("invite_link_id") if isinstance(values, dict) else None
    return found if isinstance(found, str) else ""


def _made_here(
    deps: Deps, account_id: str, claim: EmailClaimItem | None, token_hash: str
) -> InvitationItem | None:
    """The invitation an earlier attempt at this email made (its link is this email's), if any."""
    if claim is None or claim.holder != "invitation":
        return None
    found = deps.store.invitations.get_invitation(account_id, claim.ref_id)
    return found if found is not None and found.token_hash == token_hash else None


def _removed(deps: Deps, account_id: str, user_id: str | None) -> bool:
    """Whether the address's login was removed from the account by someone else: it only asks (API.md)."""
    return user_id is not None and deps.store.join_requests.standing(account_id, user_id, user_id)[2]


def _resend(deps: Deps, account: AccountItem, invitation_id: str) -> None:
    # sent within the last minute, or the address has had its emails: nothing more
    with suppress(AppError):
        resend(deps, ANONYMOUS, account, invitation_id)


def _asked_now(deps: Deps, link: InviteLinkItem, email: str) -> tuple[JoinRequestItem, AuditEventItem] | None:
    """A link that requires approval queues the request with the answer, so user managers see it at once:
    the address's claim is read for every address alike (one BatchGetItem), and a member or an invited
    address gets none (the worker sends a member nothing, an invited one its invitation again)."""
    claim = deps.store.invitations.claims_and_logins(link.account_id, [email])[0].get(email)
    reason = claim_reason(claim.holder, claim.expires_at, deps.now()) if claim is not None else None
    return _email_request(deps, link, email) if reason is None else None


def _ask(deps: Deps, link: InviteLinkItem, email: str) -> None:
    """The worker's: a request under the address, taking a use, unless one is pending or denied lately
    ("exists": nothing more; the request path usually made it already)."""
    request, event = _email_request(deps, link, email)
    deps.store.invite_links.email_request(link, request, deps.now(), event)


def _email_request(deps: Deps, link: InviteLinkItem, email: str) -> tuple[JoinRequestItem, AuditEventItem]:
    """A request under the address (`user` null) with the link's grant, and its event."""
    now, request_id = deps.now(), new_id("jrq")
    request = JoinRequestItem(
        *keys.join_request(link.account_id, request_id),
        account_id=link.account_id,
        request_id=request_id,
        requester=email,  # an email (never a user id's shape): its own pointer, JOINBY#<email>
        user_id=None,
        email=email,
        via="invite_link",
        invite_link_id=link.invite_link_id,
        group_id=link.group_id,
        permissions=list(link.permissions or []),
        sub_accounts=link.sub_accounts,
        status="pending",
        created_at=now,
        expires_at=now + REQUEST_LIFETIME,
    )
    target = Target("join_request", request_id, email)
    return request, record(deps, "join_request.created", ANONYMOUS, link.account_id, target, None)


def _invite(
    deps: Deps,
    account: AccountItem,
    link: InviteLinkItem,
    email: str,
    token_hash: str,
    claim: EmailClaimItem | None,
    login: str | None,
) -> InvitationItem | None:
    """A personal invitation made from the link, its use and seat in its transaction; None when none
    was made (used up meanwhile, no seat, another invitation first)."""
    now = deps.now()
    replaces = replaced(deps, account.account_id, claim) if claim is not None else None
    if replaces is not None:  # its seat is released first, as any invitation taking an expired one's place
        deps.store.accounts.release_expired_seats(account.account_id, now)
        account = read_again(deps, account.account_id)
    entry = _from_link(deps, link, email, token_hash, replaces, login, as_locale(account.default_locale))
    invitation = entry.invitation
    used = changed({}, {"invitation_id": invitation.invitation_id})
    target = Target("invite_link", link.invite_link_id)
    event = record(deps, "invite_link.used", ANONYMOUS, account.account_id, target, used)
    day = account_day(now, deps.settings.account_invitations_per_day)

    def write(seats: SeatsRead) -> Outcome:
        return deps.store.invite_links.invite(link, entry, now, seats, day, event)

    try:
        outcome = take_one(deps, ANONYMOUS, account, write)
    except AppError:
        return None  # no free seat: the link's use is not taken, nothing is sent
    return invitation if outcome else None


def _from_link(
    deps: Deps,
    link: InviteLinkItem,
    email: str,
    token_hash: str,
    replaces: Replaced | None,
    login: str | None,
    locale: Locale,
) -> NewInvitation:
    """The invitation (role member, the link's grant, the account's language), its link from this email's
    nonce, its event."""
    now = deps.now()
    details = {
        "locale": locale,
        "sub_accounts": link.sub_accounts,
        "group_id": link.group_id,
        "invite_link_id": link.invite_link_id,
    }
    invitation = new_invitation_item(
        new_id("inv"),
        link.account_id,
        email,
        "member",
        stored_grant("member", list(link.permissions or [])),
        token_hash,
        now,
        now + validity(deps, None),
        invited_by=None,
        invited_by_name=None,
        details=details,
    )
    made = link_item(token_hash, invitation, login)
    return NewInvitation(invitation, made, replaces, created_event(deps, ANONYMOUS, invitation))
