"""Access patterns of accounts and memberships."""

from __future__ import annotations

from chalicelib.store import keys
from chalicelib.store.invitations import NewInvitation, claim_item
from chalicelib.store.models import AccountItem, EmailClaimItem, InvitationItem, LinkItem
from chalicelib.store.table import get_item, transaction


class AccountStore:
    def get_account(self, account_id: str) -> AccountItem | None:
        return get_item(AccountItem, keys.account(account_id))

    def create_account(self, account: AccountItem, owner_invitation: NewInvitation) -> None:
        """The account and its owner's invitation (with link and email claim) exist together or not at all."""
        invitation = owner_invitation.invitation
        with transaction() as tx:
            tx.save(account, condition=AccountItem.pk.does_not_exist())
            tx.save(
                claim_item(account.account_id, invitation.email, "invitation", invitation.invitation_id,
                           invitation.expires_at),
                condition=EmailClaimItem.pk.does_not_exist(),
            )  # fmt: skip
            tx.save(invitation, condition=InvitationItem.pk.does_not_exist())
            tx.save(owner_invitation.link, condition=LinkItem.pk.does_not_exist())
