"""The invitations an account has: listed (a group manager: their group's), resent with a new link,
revoked."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.deps import Deps
from chalicelib.domain.caller import Caller
from chalicelib.domain.paging import decode_cursor, encode_cursor
from chalicelib.errors import AppError, changed_meanwhile, not_found, rate_limited
from chalicelib.schemas.invitations import Invitation, InvitationListQuery, InvitationPage
from chalicelib.services.audit_record import record
from chalicelib.services.authentication import live_sub_accounts
from chalicelib.services.groups import check_manager_reach, managed_group
from chalicelib.services.invitations import (
    invitation_mail,
    invitation_target,
    send_invitations,
    validity,
)
from chalicelib.services.outbox import email_windows, full_window, link_seed, too_many_emails
from chalicelib.services.seats import take_one
from chalicelib.store import keys
from chalicelib.store.invitations import NewInvitation, ended_link, link_item
from chalicelib.store.models import AccountItem, GroupItem, InvitationItem, LinkItem, format_time
from chalicelib.store.seats import SeatsRead
from chalicelib.store.tx import Outcome

RESEND_INTERVAL = timedelta(seconds=60)


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
    replaced = ended_link(old_hash, invitation, "replaced")  # its holder is told a newer one was sent
    reminder = _ended_reminder(invitation)
    seed = link_seed(deps)
    invitation.token_hash = seed.token_hash
    invitation.last_sent_at = now
    invitation.expires_at = now + validity(deps, invitation.valid_days)  # its own period, as first sent
    invitation.send_count = int(invitation.send_count) + 1
    invitation.delivery = "queued"
    new_link = link_item(invitation.token_hash, invitation)
    mail, windows = invitation_mail(deps, invitation, seed.nonce), email_windows(deps)
    resent = {"expires_at": (format_time(old_expiry), format_time(invitation.expires_at))}
    event = record(
        deps, "invitation.resent", caller, account.account_id, invitation_target(invitation), resent
    )

    def write(seats: SeatsRead | None) -> Outcome:
        return deps.store.invitations.resend(
            invitation,
            old_hash,
            (replaced, new_link),
            now - RESEND_INTERVAL,
            event,
            mail,
            windows,
            reminder,
            seats,
        )

    # one that lost its seat after expiry takes one again (an owner's of an account without owner: never
    # refused); one that still holds its seat keeps it
    exempt = _owner_wanted(invitation, account)
    outcome = write(None) if invitation.holds_seat else take_one(deps, caller, account, write, exempt)
    full = full_window(outcome, invitation.email, windows)
    if full is not None:
        raise too_many_emails(deps, full)
    if not outcome:
        raise changed_meanwhile("The invitation changed while resending; reload it and try again.")
    send_invitations(deps, account, [(NewInvitation(invitation, new_link, mail=mail), seed.raw)])
    return Invitation.of(invitation, now, live_sub_accounts(account), _groups_of(deps, account, [invitation]))


def _ended_reminder(invitation: InvitationItem) -> LinkItem | None:
    """A resend starts the reminder afresh (`reminded_at` null, due again from the new expiry), and the
    reminder's link, a second way to the old link's invitation, stops working with the old one."""
    ended = invitation.reminder_token_hash
    invitation.reminder_token_hash = invitation.reminded_at = None
    return ended_link(ended, invitation, "replaced") if ended else None


def _owner_wanted(invitation: InvitationItem, account: AccountItem) -> bool:
    return invitation.role == "owner" and not account.owner_user_id


def revoke(deps: Deps, caller: Caller, account_id: str, invitation_id: str) -> None:
    """The owner's invitation is the operator's to revoke: an account must not lose its way to an owner."""
    invitation = _find(deps, caller, account_id, invitation_id)
    if invitation.role == "owner" and not caller.is_operator:
        raise AppError("forbidden", "Only an operator can revoke the owner's invitation.")
    event = record(deps, "invitation.revoked", caller, account_id, invitation_target(invitation))
    if not deps.store.invitations.revoke(invitation, event):
        raise not_found("invitation")
