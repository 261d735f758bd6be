"""Access patterns of contacts, and of everything an account holds for recipient lists."""

from __future__ import annotations

from chalicelib.domain.recipients import AccountPeople
from chalicelib.store import keys
from chalicelib.store.models import (
    AccountItem,
    ContactEmailItem,
    ContactItem,
    EmailClaimItem,
    Item,
    MembershipItem,
)
from chalicelib.store.table import ConditionalTransaction, get_item


def contact_email_item(contact: ContactItem) -> ContactEmailItem:
    return ContactEmailItem(
        *keys.contact_email(contact.account_id, contact.email), contact_id=contact.contact_id
    )


class ContactStore:
    def contacts_of(self, account_id: str) -> list[ContactItem]:
        pk, prefix = keys.contacts_of(account_id)
        return list(ContactItem.query(pk, ContactItem.sk.startswith(prefix), consistent_read=True))

    def get_contact(self, account_id: str, contact_id: str) -> ContactItem | None:
        return get_item(ContactItem, keys.contact(account_id, contact_id))

    def create_contact(self, contact: ContactItem) -> bool:
        """False when the email is already a contact of the account."""
        attempt = ConditionalTransaction()
        with attempt as tx:
            tx.save(contact_email_item(contact), condition=ContactEmailItem.pk.does_not_exist())
            tx.save(contact, condition=ContactItem.pk.does_not_exist())
        return attempt.committed

    def save_contact(self, contact: ContactItem, previous_email: str) -> bool:
        """Store the edited contact; a changed email moves its uniqueness item. False if the new email is
        already another contact's, or the contact is gone."""
        attempt = ConditionalTransaction()
        with attempt as tx:
            if contact.email != previous_email:
                tx.delete(ContactEmailItem(*keys.contact_email(contact.account_id, previous_email)))
                tx.save(contact_email_item(contact), condition=ContactEmailItem.pk.does_not_exist())
            tx.save(contact, condition=ContactItem.pk.exists())
        return attempt.committed

    def delete_contact(self, contact: ContactItem) -> bool:
        attempt = ConditionalTransaction()
        with attempt as tx:
            tx.delete(contact, condition=ContactItem.pk.exists())
            tx.delete(
                ContactEmailItem(*keys.contact_email(contact.account_id, contact.email)),
                condition=ContactEmailItem.contact_id == contact.contact_id,
            )
        return attempt.committed

    def account_people(self, account_id: str) -> AccountPeople | None:
        """The owner, members by status and contacts with their categories, from one Query of the account's
        partition (one round trip per MB: about 3,000 members, contacts and invitations)."""
        pk, _ = keys.account(account_id)
        owner_id: str | None = None
        found_account = False
        email_of: dict[str, str] = {}
        status_of: dict[str, str] = {}
        contacts: list[tuple[str, frozenset[str]]] = []
        for item in Item.query(pk, consistent_read=True):
            if isinstance(item, AccountItem):
                found_account, owner_id = True, item.owner_user_id
            elif isinstance(item, EmailClaimItem) and item.holder == "member":
                email_of[item.ref_id] = item.email
            elif isinstance(item, MembershipItem):
                status_of[item.user_id] = item.status
            elif isinstance(item, ContactItem):
                contacts.append((item.email, frozenset(item.email_preferences)))
        if not found_account:
            return None
        members_by_status = {
            status: frozenset(
                email_of[uid] for uid, s in status_of.items() if s == status and uid in email_of
            )
            for status in ("active", "deactivated")
        }
        return AccountPeople(
            owner_email=email_of.get(owner_id or ""),
            active_member_emails=members_by_status["active"],
            deactivated_member_emails=members_by_status["deactivated"],
            contacts=tuple(contacts),
        )
