"""Contacts and groups in memory. A contact is stored as the real repository stores it (its email item for
uniqueness, one row per category opted in, built by store/contacts.py's own builders), so the recipients'
read follows the real one's steps over the same items."""

from __future__ import annotations

import copy
from collections.abc import Iterable

from chalicelib.domain.groups import MAX_GROUPS, name_key
from chalicelib.domain.permissions import allows, as_role
from chalicelib.domain.recipients import AccountPeople
from chalicelib.services.ports import ContactRepository, GroupRepository
from chalicelib.store import keys
from chalicelib.store.contacts import category_items, contact_email_item
from chalicelib.store.groups import GROUP_GONE, name_item
from chalicelib.store.models import (
    AccountItem,
    AuditEventItem,
    ContactCategoryItem,
    ContactEmailItem,
    ContactItem,
    EmailClaimItem,
    GroupItem,
    GroupNameItem,
    MembershipItem,
    UserItem,
)
from chalicelib.store.outcomes import Failure
from chalicelib.store.tx import DEFAULT_LABEL, Outcome
from tests.helpers.fakes.table import Table, failed, key_of


class FakeContacts(ContactRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def get_contact(self, account_id: str, contact_id: str) -> ContactItem | None:
        return copy.deepcopy(self.t.get(keys.contact(account_id, contact_id), ContactItem))

    def _taken(self, contact: ContactItem) -> bool:
        return self.t.get(keys.contact_email(contact.account_id, contact.email), ContactEmailItem) is not None

    def create_contact(self, contact: ContactItem, event: AuditEventItem | None = None) -> Outcome:
        if self._taken(contact):
            return failed("contact_exists")
        if self.t.get(key_of(contact), ContactItem) is not None:
            return failed(DEFAULT_LABEL)
        for item in (contact_email_item(contact), copy.deepcopy(contact), *category_items(contact)):
            self.t.put(item)
        return self.t.record(event)

    def save_contact(
        self,
        contact: ContactItem,
        previous_email: str,
        event: AuditEventItem | None = None,
        previous_categories: list[str] | None = None,
    ) -> Outcome:
        moved = contact.email != previous_email
        labels: set[Failure] = {"contact_exists"} if moved and self._taken(contact) else set()
        if self.t.get(key_of(contact), ContactItem) is None:
            labels.add("gone")
        if labels:
            return Outcome(frozenset(labels))
        if moved:
            self.t.delete(keys.contact_email(contact.account_id, previous_email))
            self.t.put(contact_email_item(contact))
        before = copy.deepcopy(contact)
        before.email = previous_email  # its rows as stored before the edit
        for row in category_items(before, previous_categories):
            self.t.delete(key_of(row))
        for item in (copy.deepcopy(contact), *category_items(contact)):
            self.t.put(item)
        return self.t.record(event)

    def delete_contact(self, contact: ContactItem, event: AuditEventItem | None = None) -> Outcome:
        email_key = keys.contact_email(contact.account_id, contact.email)
        email_item = self.t.get(email_key, ContactEmailItem)
        if self.t.get(key_of(contact), ContactItem) is None or email_item is None:
            return failed(DEFAULT_LABEL)
        if email_item.contact_id != contact.contact_id:
            return failed(DEFAULT_LABEL)
        for key in (key_of(contact), email_key, *(key_of(row) for row in category_items(contact))):
            self.t.delete(key)
        return self.t.record(event)

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
        """store/contacts.py people_for's reads, step by step: each stream after `after`, limit + 1."""
        account_id = account.account_id

        def cut(emails: Iterable[str]) -> list[str]:
            return sorted(e for e in emails if after is None or e > after)[: limit + 1]

        opener_claim = self.t.get(keys.email_claim(account_id, opener), EmailClaimItem) if opener else None
        opener_is_owner = opener_claim is not None and (
            opener_claim.holder == "member" and opener_claim.ref_id == account.owner_user_id
        )
        contacts: list[tuple[str, frozenset[str]]] = []
        holders: frozenset[str] = frozenset()
        if category != "support" or opener is None or opener_is_owner:
            rows = self.t.query(ContactCategoryItem, keys.contact_categories_of(account_id, category))
            contacts = [(email, frozenset([category])) for email in cut(row.email for row in rows)]
            if category == "support" and opener_is_owner and members:
                holders = frozenset(e for stream in self._ticket_streams(account_id) for e in cut(stream))
        if opener is not None and self.t.get(keys.contact_email(account_id, opener), ContactEmailItem):
            contacts.append((opener, frozenset()))
        wanted = [keys.email_claim(account_id, email) for email, _ in contacts] if members else []
        claims = [self.t.get(key, EmailClaimItem) for key in wanted] + [opener_claim]
        member_claims = [c for c in claims if c is not None and c.holder == "member"]
        owner = self.t.get(keys.user(account.owner_user_id), UserItem) if account.owner_user_id else None
        return AccountPeople(
            owner_email=owner.email if owner is not None else None,
            active_member_emails=frozenset(c.email for c in member_claims if c.member_status is None),
            deactivated_member_emails=frozenset(c.email for c in member_claims if c.member_status),
            contacts=tuple(contacts),
            ticket_holder_emails=holders,
        )

    def _ticket_streams(self, account_id: str) -> list[list[str]]:
        """store/ticket_stream.py's streams as the memberships decide them: the active members (not the
        owner) holding `tickets` themselves, and each custom group's granting it."""
        pk = keys.account(account_id)[0]
        granting = {g.group_id for g in self.t.of(GroupItem, pk) if "tickets" in g.permissions}
        streams: dict[str, list[str]] = {}
        for m in self.t.of(MembershipItem, pk):
            if m.status != "active" or m.role == "owner" or not m.email:
                continue
            if m.group_id in granting or (
                not m.group_id and allows(as_role(m.role), m.permissions, "tickets")
            ):
                streams.setdefault(m.group_id or "", []).append(m.email)
        return list(streams.values())

    def contacts_page(
        self, account_id: str, *, limit: int, after: str | None
    ) -> tuple[list[ContactItem], str | None]:
        """store/contacts.py's page: the email items in order after the cursor (one more than `limit`, to
        know whether more follow), then their contacts by key."""
        rows = self.t.query(ContactEmailItem, keys.contact_emails_of(account_id))
        found = [row for row in rows if after is None or row.sk > after][: limit + 1]
        chosen = found[:limit]
        page = [self.get_contact(account_id, row.contact_id) for row in chosen]
        return [c for c in page if c is not None], chosen[-1].sk if len(found) > limit and chosen else None


class FakeGroups(GroupRepository):
    """Groups with their name items (unique per account in any case) and the account's group count, as
    store/groups.py writes them."""

    def __init__(self, table: Table) -> None:
        self.t = table

    def groups_of(self, account_id: str) -> list[GroupItem]:
        return copy.deepcopy(self.t.query(GroupItem, keys.groups_of(account_id)))

    def get_group(self, account_id: str, group_id: str) -> GroupItem | None:
        return copy.deepcopy(self.t.get(keys.group(account_id, group_id), GroupItem))

    def group_grants(self, account_id: str, group_id: str) -> GroupItem | None:
        return self.get_group(account_id, group_id)

    def _name_free(self, group: GroupItem, name: str) -> bool:
        return self.t.get(key_of(name_item(group, name)), GroupNameItem) is None

    def create(self, group: GroupItem, event: AuditEventItem | None = None) -> Outcome:
        account = self.t.get(keys.account(group.account_id), AccountItem)
        labels: set[Failure] = set() if self._name_free(group, group.name) else {"name_taken"}
        if account is None or int(account.group_count or 0) + 1 > MAX_GROUPS:
            labels.add("full")
        if self.t.get(key_of(group), GroupItem) is not None:
            labels.add(DEFAULT_LABEL)
        if labels:
            return Outcome(frozenset(labels))
        assert account is not None
        account.group_count = int(account.group_count or 0) + 1
        self.t.put(copy.deepcopy(group))
        self.t.put(name_item(group, group.name))
        return self.t.record(event)

    def update(
        self, group: GroupItem, previous_name: str, event: AuditEventItem | None = None, **changes: object
    ) -> Outcome:
        stored = self.t.get(key_of(group), GroupItem)
        new_name = str(changes.get("name") or previous_name)
        renamed = name_key(new_name) != name_key(previous_name)
        labels: set[Failure] = {GROUP_GONE} if stored is None else set()
        if renamed and not self._name_free(group, new_name):
            labels.add("name_taken")
        old_name = self.t.get(key_of(name_item(group, previous_name)), GroupNameItem)
        if renamed and (old_name is None or old_name.group_id != group.group_id):
            labels.add(DEFAULT_LABEL)
        if labels:
            return Outcome(frozenset(labels))
        assert stored is not None
        for name, value in changes.items():
            setattr(stored, name, value)
        if renamed:
            self.t.delete(key_of(name_item(group, previous_name)))
            self.t.put(name_item(group, new_name))
        return self.t.record(event)

    def delete(self, group: GroupItem, event: AuditEventItem | None = None) -> Outcome:
        stored = self.t.get(key_of(group), GroupItem)
        name = self.t.get(key_of(name_item(group, group.name)), GroupNameItem)
        account = self.t.get(keys.account(group.account_id), AccountItem)
        labels: set[Failure] = set()
        if stored is None or int(stored.member_count) or int(stored.invitation_count):
            labels.add("not_empty")
        if name is None or name.group_id != group.group_id:
            labels.add(DEFAULT_LABEL)
        if account is None:
            labels.add("full")  # the count's update wants the account (store/counts.py on_existing)
        if labels:
            return Outcome(frozenset(labels))
        assert account is not None
        account.group_count = int(account.group_count or 0) - 1
        self.t.delete(key_of(group))
        self.t.delete(key_of(name_item(group, group.name)))
        return self.t.record(event)
