"""Accounts: created by an operator with an invitation for their owner."""

from __future__ import annotations

from chalicelib.api.access import Principal
from chalicelib.deps import Deps
from chalicelib.errors import AppError, not_found
from chalicelib.ids import new_id
from chalicelib.mail.mailer import deliver
from chalicelib.schemas.accounts import Account, AccountCreated, AccountCreateIn
from chalicelib.schemas.invitations import Invitation
from chalicelib.services.invitations import invitation_email, new_invitation
from chalicelib.store import keys
from chalicelib.store.models import AccountItem


def create_account(deps: Deps, body: AccountCreateIn) -> AccountCreated:
    now = deps.now()
    account_id = new_id("acc")
    account = AccountItem(*keys.account(account_id), account_id=account_id, name=body.name, created_at=now)
    names = {"first_name": body.owner_first_name, "last_name": body.owner_last_name}
    owner_invitation, raw = new_invitation(deps, account_id, body.owner_email, "owner", [], None, names)
    deps.store.create_account(account, owner_invitation)
    invitation = owner_invitation.invitation
    if not deliver(deps.mailer, invitation_email(deps, invitation, raw, account.name)):
        invitation.delivery = "failed"
        deps.store.mark_undelivered([invitation])
    return AccountCreated(account=Account.of(account), owner_invitation=Invitation.of(invitation, now))


def get_account(principal: Principal) -> Account:
    return Account.of(principal.account_item())


def rename_account(deps: Deps, principal: Principal, account_id: str, name: str) -> Account:
    account = principal.account_item()
    deps.store.rename_account(account, name, deps.store.members_of(account_id))
    return Account.of(account)


def transfer_ownership(deps: Deps, principal: Principal, account_id: str, new_owner_id: str) -> Account:
    """The target must be an active member; the old owner stays on as admin. One read after authorizing:
    the caller is the owner (their membership is in hand) or an operator (the account is)."""
    if not keys.is_valid_id(new_owner_id):
        raise not_found("member")
    owner_id = (
        principal.user_id if principal.membership else (principal.account and principal.account.owner_user_id)
    )
    account, memberships = deps.store.account_and_memberships(
        account_id, [new_owner_id, owner_id or new_owner_id]
    )
    if account is None:
        raise not_found("account")
    if new_owner_id == account.owner_user_id:
        return Account.of(account)
    target, current = memberships.get(new_owner_id), memberships.get(account.owner_user_id or "")
    if target is None:
        raise not_found("member")
    if target.status != "active":
        raise AppError("conflict", "A deactivated member cannot become the owner; reactivate them first.")
    if current is None or not deps.store.transfer_ownership(account, current, target):
        raise AppError("conflict", "The account's owner or the target member changed meanwhile; try again.")
    account.owner_user_id = new_owner_id
    return Account.of(account)
