"""Accounts: created by an operator with an invitation for their owner."""

from __future__ import annotations

from chalicelib.api.access import Principal
from chalicelib.deps import Deps
from chalicelib.errors import not_found
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


def get_account(deps: Deps, principal: Principal, account_id: str) -> Account:
    account = principal.account or deps.store.get_account(account_id)
    if account is None:
        raise not_found("account")
    return Account.of(account)
