"""Accounts: created by an operator with an invitation for their owner; renamed; handed to a new owner."""

from __future__ import annotations

from datetime import datetime

from chalicelib.deps import Deps
from chalicelib.domain.audit import Target, changed
from chalicelib.domain.caller import Caller
from chalicelib.domain.invitations import claim_reason, is_expired
from chalicelib.errors import AppError, not_found
from chalicelib.ids import new_id
from chalicelib.schemas.accounts import Account, AccountCreated, AccountCreateIn, OwnerInvitationIn
from chalicelib.schemas.invitations import Invitation
from chalicelib.services.audit import record
from chalicelib.services.invitations import new_invitation, send_invitations
from chalicelib.services.outbox import full_window, too_many_emails
from chalicelib.store import keys
from chalicelib.store.accounts import new_account_item
from chalicelib.store.invitations import NewInvitation, Written
from chalicelib.store.models import AccountItem, MembershipItem


def _target(account: AccountItem) -> Target:
    return Target("account", account.account_id)


def create_account(deps: Deps, caller: Caller, body: AccountCreateIn) -> AccountCreated:
    now = deps.now()
    account = new_account_item(new_id("acc"), body.name, now)
    created = changed({}, {"name": account.name})  # recorded first: it lists before the owner's invitation
    event = record(deps, "account.created", caller, account.account_id, _target(account), created)
    names = {"first_name": body.owner_first_name, "last_name": body.owner_last_name}
    owner_invitation, raw = new_invitation(
        deps, account.account_id, body.owner_email, "owner", [], None, names, recorded_by=caller
    )
    outcome = deps.store.accounts.create_account(account, owner_invitation, event)
    full = full_window(outcome, owner_invitation.invitation.email, owner_invitation.windows)
    if full is not None:
        raise too_many_emails(deps, full)
    if not outcome:
        raise AppError("conflict", "The account could not be created; try again.")
    send_invitations(deps, account.name, [(owner_invitation, raw)])
    return AccountCreated(
        account=Account.of(account),
        owner_invitation=Invitation.of(owner_invitation.invitation, now, frozenset(), {}),
    )


def get_account(account: AccountItem) -> Account:
    return Account.of(account)


def rename_account(deps: Deps, caller: Caller, account: AccountItem, name: str) -> Account:
    """One conditional write with its event: memberships hold no copy of the name, so it shows everywhere
    at once."""
    renamed = changed({"name": account.name}, {"name": name})
    event = record(deps, "account.updated", caller, account.account_id, _target(account), renamed)
    if not deps.store.accounts.rename_account(account, name, event if renamed else None):
        raise not_found("account")
    return Account.of(account)


def transfer_ownership(
    deps: Deps, caller: Caller, account: AccountItem, new_owner_id: str, own: MembershipItem | None = None
) -> Account:
    """The target must be an active member; the old owner stays on as admin. Authorizing read the account
    and (the owner calling) the owner's membership (`own`): only what is not in hand is read, in one
    BatchGetItem; the transaction's conditions catch anything that changed since."""
    if not keys.is_valid_id(new_owner_id):
        raise not_found("member")
    if new_owner_id == account.owner_user_id:
        return Account.of(account)
    owner_id = account.owner_user_id or ""
    known = {own.user_id: own} if own is not None and caller.is_owner and own.user_id == owner_id else {}
    wanted = [uid for uid in (new_owner_id, owner_id) if uid and uid not in known]
    memberships = known | deps.store.accounts.memberships(account.account_id, wanted)
    target, current = memberships.get(new_owner_id), memberships.get(owner_id)
    if target is None:
        raise not_found("member")
    if target.status != "active":
        raise AppError("conflict", "A deactivated member cannot become the owner; reactivate them first.")
    moved = changed({"owner_user_id": account.owner_user_id}, {"owner_user_id": new_owner_id})
    event = record(deps, "account.ownership_transferred", caller, account.account_id, _target(account), moved)
    if current is None or not deps.store.accounts.transfer_ownership(account, current, target, event):
        raise AppError("conflict", "The account's owner or the target member changed meanwhile; try again.")
    # The item authorization read is left as read (a concurrent transfer may hold the same one).
    return Account.of(account).model_copy(update={"owner_user_id": new_owner_id})


def invite_owner(deps: Deps, caller: Caller, account: AccountItem, body: OwnerInvitationIn) -> Invitation:
    """For an account left without an owner. One with an owner is transferred instead; a pending owner
    invitation is resent instead. The address may have had the lapsed invitation: it is taken over."""
    if account.owner_user_id:
        raise AppError("conflict", "This account has an owner: transfer ownership instead.")
    now = deps.now()
    invitations = deps.store.invitations.invitations_of(account.account_id)
    if any(i.role == "owner" and not is_expired(i.expires_at, now) for i in invitations):
        raise AppError("conflict", "The owner invitation is still pending: resend it instead.")
    names = {"first_name": body.first_name, "last_name": body.last_name}
    entry, raw = new_invitation(
        deps, account.account_id, body.email, "owner", [], None, names, recorded_by=caller
    )
    if _written(deps, entry, now).lost:
        # The address is claimed: a member (transfer to them), a pending invitation, or a lapsed one.
        claim = deps.store.invitations.claims(account.account_id, [body.email]).get(body.email)
        reason = claim_reason(claim.holder, claim.expires_at, now) if claim else None
        if claim is None or reason is not None:
            raise AppError(
                "conflict", "This address is a member or invited already: transfer ownership to them."
            )
        entry, raw = new_invitation(
            deps, account.account_id, body.email, "owner", [], None, names, claim.ref_id, recorded_by=caller
        )
        if _written(deps, entry, now).lost:
            raise AppError("conflict", "The address was invited meanwhile; try again.")
    send_invitations(deps, account.name, [(entry, raw)])
    return Invitation.of(entry.invitation, now, frozenset(), {})


def _written(deps: Deps, entry: NewInvitation, now: datetime) -> Written:
    """The owner's invitation written; 429 if its address has had its fill of emails."""
    written = deps.store.invitations.create_invitations([entry], now)
    if entry.invitation.email in written.limited:
        raise too_many_emails(deps, written.limited[entry.invitation.email])
    return written
