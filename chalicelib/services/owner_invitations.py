"""Owners' invitations: an account is created by an operator together with its owner's invitation, and an
account left without an owner (its invitation lapsed or was revoked) gets a new one."""

from __future__ import annotations

from datetime import datetime

from chalicelib.deps import Deps
from chalicelib.domain.audit import changed
from chalicelib.domain.caller import Caller
from chalicelib.domain.invitations import claim_reason, is_expired
from chalicelib.domain.locales import as_locale
from chalicelib.errors import AppError, changed_meanwhile
from chalicelib.ids import new_id
from chalicelib.schemas.account_changes import AccountCreateIn, OwnerInvitationIn
from chalicelib.schemas.accounts import Account
from chalicelib.schemas.invitations import AccountCreated, Invitation
from chalicelib.services.accounts import account_target
from chalicelib.services.audit_record import record
from chalicelib.services.invitations import new_invitation, replaced
from chalicelib.services.invite_seats import SeatedWrite, write_invitations
from chalicelib.services.outbox import full_window, too_many_emails
from chalicelib.store.accounts import new_account_item
from chalicelib.store.invitations import NewInvitation
from chalicelib.store.models import AccountItem


def create_account(deps: Deps, caller: Caller, body: AccountCreateIn) -> AccountCreated:
    now = deps.now()
    account = new_account_item(new_id("acc"), body.name, now)
    created = changed({}, {"name": account.name})  # recorded first: it lists before the owner's invitation
    event = record(deps, "account.created", caller, account.account_id, account_target(account), created)
    names = {"first_name": body.owner_first_name, "last_name": body.owner_last_name}
    owner_invitation, _ = new_invitation(
        deps, account.account_id, body.owner_email, "owner", [], None, names, recorded_by=caller
    )
    outcome = deps.store.accounts.create_account(account, owner_invitation, event)
    full = full_window(outcome, owner_invitation.invitation.email, owner_invitation.windows)
    if full is not None:
        raise too_many_emails(deps, full)
    if not outcome:
        raise changed_meanwhile("The account could not be created; try again.")
    return AccountCreated(
        account=Account.of(account, deps.settings.brand),  # a new account has the default brand
        owner_invitation=Invitation.of(owner_invitation.invitation, now, frozenset(), {}),
    )


def invite_owner(deps: Deps, caller: Caller, account: AccountItem, body: OwnerInvitationIn) -> Invitation:
    """For an account left without an owner. One with an owner is transferred instead; a pending owner
    invitation is resent instead. The address may have had the lapsed invitation: it is taken over."""
    # `conflict` (not owner_exists) for these two: the contract names it for this route (API.md)
    if account.owner_user_id:
        raise AppError("conflict", "This account has an owner: transfer ownership instead.")
    now = deps.now()
    invitations = deps.store.invitations.invitations_of(account.account_id)
    if any(i.role == "owner" and not is_expired(i.expires_at, now) for i in invitations):
        raise AppError("conflict", "The owner invitation is still pending: resend it instead.")
    names = {"first_name": body.first_name, "last_name": body.last_name}
    names |= {"locale": as_locale(account.default_locale)}
    entry, _ = new_invitation(
        deps, account.account_id, body.email, "owner", [], None, names, recorded_by=caller
    )
    if _written(deps, caller, account, entry, now).lost:
        # The address is claimed: a member (transfer to them), a pending invitation, or a lapsed one.
        claim = deps.store.invitations.claims(account.account_id, [body.email]).get(body.email)
        reason = claim_reason(claim.holder, claim.expires_at, now) if claim else None
        if claim is None or reason is not None:
            raise AppError(
                "address_taken", "This address is a member or invited already: transfer ownership to them."
            )
        entry, _ = new_invitation(
            deps,
            account.account_id,
            body.email,
            "owner",
            [],
            None,
            names,
            replaced(deps, account.account_id, claim),
            recorded_by=caller,
        )
        if _written(deps, caller, account, entry, now).lost:
            raise changed_meanwhile("The address was invited meanwhile; try again.")
    return Invitation.of(entry.invitation, now, frozenset(), {})


def _written(
    deps: Deps, caller: Caller, account: AccountItem, entry: NewInvitation, now: datetime
) -> SeatedWrite:
    """The owner's invitation written, holding a seat but never refused for one (API.md); 429 if its
    address has had its fill of emails."""
    written = write_invitations(deps, caller, account, [entry], now, exempt=True)
    if entry.invitation.email in written.limited:
        raise too_many_emails(deps, written.limited[entry.invitation.email])
    return written
