"""Access patterns of contacts, and of everything an account holds for recipient lists."""

from __future__ import annotations

import copy
from datetime import datetime

from chalicelib.domain.recipients import AccountPeople
from chalicelib.store import keys
from chalicelib.store.keys import Key
from chalicelib.store.lists import query_index
from chalicelib.store.models import (
    AccountItem,
    AuditEventItem,
    ContactCategoryItem,
    ContactEmailItem,
    ContactItem,
    EmailClaimItem,
    GroupItem,
    Item,
    UserItem,
)
from chalicelib.store.table import get_item, get_items
from chalicelib.store.tx import Outcome, Tx


def _with_email(contact: ContactItem, email: str) -> ContactItem:
    """A copy of the contact under another email (its rows as they were stored before an edit)."""
    before = copy.copy(contact)
    before.attribute_values = dict(contact.attribute_values) | {"email": email}
    return before


def new_contact_item(
    contact_id: str,
    account_id: str,
    email: str,
    preferences: list[str],
    details: dict[str, str | None],
    now: datetime,
) -> ContactItem:
    contact = ContactItem(
        *keys.contact(account_id, contact_id),
        contact_id=contact_id,
        account_id=account_id,
        email=email,
        email_preferences=preferences,
        created_at=now,
    )
    for name, value in details.items():
        if value is not None:
            setattr(contact, name, value)
    return contact


def contact_email_item(contact: ContactItem) -> ContactEmailItem:
    return ContactEmailItem(
        *keys.contact_email(contact.account_id, contact.email), contact_id=contact.contact_id
    )


def category_items(contact: ContactItem, categories: list[str] | None = None) -> list[ContactCategoryItem]:
    """The contact's rows in the recipients' per-category lists (`categories`: those opted in)."""
    return [
        ContactCategoryItem(
            *keys.contact_category(contact.account_id, category, contact.email),
            contact_id=contact.contact_id,
            email=contact.email,
        )
        for category in (contact.email_preferences if categories is None else categories)
    ]


class ContactStore:
    def contacts_page(
        self, account_id: str, *, limit: int, after: str | None
    ) -> tuple[list[ContactItem], str | None]:
        """One page of contacts by email: the email items in order (limit + 1, strongly consistent), then
        the contacts by key. Answers the page and the last email item's sort key when more follow."""
        pk, prefix = keys.contact_emails_of(account_id)
        # after the cursor and within the prefix ("$" follows "#"): BETWEEN includes the cursor's row
        condition = (
            ContactEmailItem.sk.between(after, prefix[:-1] + "$")
            if after
            else ContactEmailItem.sk.startswith(prefix)
        )
        wanted = limit + (2 if after else 1)
        found = [
            e
            for e in ContactEmailItem.query(
                pk, condition, consistent_read=True, limit=wanted, page_size=wanted
            )
            if e.sk != after
        ]
        chosen = found[:limit]
        items = get_items([keys.contact(account_id, e.contact_id) for e in chosen])
        page = [
            c
            for e in chosen
            if isinstance(c := items.get(keys.contact(account_id, e.contact_id)), ContactItem)
        ]
        return page, chosen[-1].sk if len(found) > limit and chosen else None

    def contacts_of(self, account_id: str) -> list[ContactItem]:
        pk, prefix = keys.contacts_of(account_id)
        return list(ContactItem.query(pk, ContactItem.sk.startswith(prefix), consistent_read=True))

    def get_contact(self, account_id: str, contact_id: str) -> ContactItem | None:
        return get_item(ContactItem, keys.contact(account_id, contact_id))

    def create_contact(self, contact: ContactItem, event: AuditEventItem | None = None) -> Outcome:
        """Fails ("contact_exists") when the email is already a contact of the account."""
        tx = (
            Tx()
            .record(event)
            .put(
                contact_email_item(contact),
                condition=ContactEmailItem.pk.does_not_exist(),
                label="contact_exists",
            )
        )
        tx.put(contact, condition=ContactItem.pk.does_not_exist())
        for row in category_items(contact):
            tx.put(row)
        return tx.commit()

    def save_contact(
        self,
        contact: ContactItem,
        previous_email: str,
        event: AuditEventItem | None = None,
        previous_categories: list[str] | None = None,
    ) -> Outcome:
        """Store the edited contact; a changed email moves its uniqueness item. Fails with "contact_exists"
        if the new email is already another contact's, "gone" if the contact was deleted."""
        tx = Tx().record(event)
        if contact.email != previous_email:
            tx.delete(ContactEmailItem(*keys.contact_email(contact.account_id, previous_email)))
            tx.put(
                contact_email_item(contact),
                condition=ContactEmailItem.pk.does_not_exist(),
                label="contact_exists",
            )
        tx.put(contact, condition=ContactItem.pk.exists(), label="gone")
        # the category rows follow the email and the preferences (removed ones deleted, new ones put)
        before = {
            (r.pk, r.sk) for r in category_items(_with_email(contact, previous_email), previous_categories)
        }
        after = category_items(contact)
        for pk, sk in before - {(r.pk, r.sk) for r in after}:
            tx.delete(ContactCategoryItem(pk, sk))
        for row in after:
            if (row.pk, row.sk) not in before:
                tx.put(row)
        return tx.commit()

    def delete_contact(self, contact: ContactItem, event: AuditEventItem | None = None) -> Outcome:
        tx = Tx().record(event).delete(contact, condition=ContactItem.pk.exists())
        tx.delete(
            ContactEmailItem(*keys.contact_email(contact.account_id, contact.email)),
            condition=ContactEmailItem.contact_id == contact.contact_id,
        )
        for row in category_items(contact):
            tx.delete(row)
        return tx.commit()

    def people_for(
        self,
        account: AccountItem,
        category: str,
        opener: str | None,
        *,
        members: bool,
        after: str | None = None,
        limit: int = 50,
    ) -> AccountPeople:
        """The people one page of recipients can hold (domain/recipients.py `recipients_page`), each stream
        read in email order after `after`, limit + 1 emails: the owner, a ticket's opener (claim, contact),
        the contacts opted in to `category` (NOTIFY rows) with their claims (deactivated members), and for
        the owner's ticket the members holding `tickets` (store/ticket_stream.py). Round trips: 1 BatchGet
        with an opener; 1 Query of the rows; 1 BatchGet of their claims and the owner (2 at limit 100); the
        owner's ticket adds 1 Query of the groups (at most MAX_GROUPS), 1 of the ticket stream and 1 per
        group granting `tickets`. Items: about 2 x limit + 6, and limit + 2 per ticket stream and the
        groups: nothing that grows with the account."""
        account_id = account.account_id
        owner_key = keys.user(account.owner_user_id) if account.owner_user_id else None
        found = _opener_items(account_id, opener, owner_key)
        opener_claim = found.get(keys.email_claim(account_id, opener)) if opener else None
        opener_is_owner = isinstance(opener_claim, EmailClaimItem) and (
            opener_claim.holder == "member" and opener_claim.ref_id == account.owner_user_id
        )
        contacts: list[tuple[str, frozenset[str]]] = []
        holders: frozenset[str] = frozenset()
        if category != "support" or opener is None or opener_is_owner:
            opted_in = _opted_in(account_id, category, after, limit)
            contacts = [(email, frozenset([category])) for email in opted_in]
            if category == "support" and opener_is_owner and members:
                holders = _ticket_holders(account_id, after, limit)
        if opener is not None and isinstance(
            found.get(keys.contact_email(account_id, opener)), ContactEmailItem
        ):
            contacts.append((opener, frozenset()))
        claims_wanted = [keys.email_claim(account_id, email) for email, _ in contacts] if members else []
        second = get_items([*claims_wanted, *([owner_key] if owner_key and opener is None else [])])
        return _people(found | second, owner_key, opener_claim, contacts, holders)


def _opener_items(account_id: str, opener: str | None, owner_key: Key | None) -> dict[Key, Item]:
    """A ticket's opener's claim and contact item, with the owner's user (one BatchGetItem; none without
    an opener: the owner then comes with the contacts' claims)."""
    if opener is None:
        return {}
    wanted = [keys.email_claim(account_id, opener), keys.contact_email(account_id, opener)]
    return get_items([*wanted, *([owner_key] if owner_key else [])])


def _people(
    found: dict[Key, Item],
    owner_key: Key | None,
    opener_claim: Item | None,
    contacts: list[tuple[str, frozenset[str]]],
    holders: frozenset[str],
) -> AccountPeople:
    owner = found.get(owner_key) if owner_key else None
    claims = [c for c in [*found.values(), opener_claim] if isinstance(c, EmailClaimItem)]
    member_claims = [c for c in claims if c.holder == "member"]
    return AccountPeople(
        owner_email=owner.email if isinstance(owner, UserItem) else None,
        active_member_emails=frozenset(c.email for c in member_claims if c.member_status is None),
        deactivated_member_emails=frozenset(c.email for c in member_claims if c.member_status),
        contacts=tuple(contacts),
        ticket_holder_emails=holders,
    )


def _opted_in(account_id: str, category: str, after: str | None, limit: int) -> list[str]:
    """Up to limit + 1 emails of the contacts opted in to `category`, by email after `after` (their NOTIFY
    rows: one Query of limit + 2, as BETWEEN includes the cursor's own row)."""
    pk, prefix = keys.contact_categories_of(account_id, category)
    condition = (
        ContactCategoryItem.sk.between(prefix + after, prefix[:-1] + "$")
        if after
        else ContactCategoryItem.sk.startswith(prefix)
    )
    rows = ContactCategoryItem.query(
        pk, condition, consistent_read=True, limit=limit + 2, page_size=limit + 2
    )
    return [row.email for row in rows if row.email != after][: limit + 1]


def _ticket_holders(account_id: str, after: str | None, limit: int) -> frozenset[str]:
    """Up to limit + 1 emails after `after` from each ticket stream: the account's (members holding
    `tickets` themselves) and each custom group's that grants `tickets` (the groups: one Query, capped)."""
    pk, prefix = keys.groups_of(account_id)
    groups = GroupItem.query(pk, GroupItem.sk.startswith(prefix), consistent_read=True)
    partitions = [keys.ticket_stream(account_id)] + [
        keys.ticket_stream(account_id, g.group_id) for g in groups if "tickets" in g.permissions
    ]
    above = keys.after_email(after) if after is not None else None
    emails: set[str] = set()
    for partition in partitions:
        page = query_index("gsi2", "gsi2pk", partition, "gsi2sk", limit=limit + 1, above=above)
        emails.update(row["email"] for row in page.rows)
    return frozenset(emails)
