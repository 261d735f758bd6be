"""In-memory stand-ins for the store's repositories and the password hasher, for the fast tier: the rules of
the use cases run in milliseconds with no moto. Each fake keeps the conditions its real repository writes
with (the same labels in the same `Outcome`), and tests/api/test_rules_on_moto.py runs the same rule tests
on the real repositories, so a fake that drifts from its repository fails there."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.config import Settings
from chalicelib.deps import Deps
from chalicelib.domain.lockout import FailureWindow
from chalicelib.domain.outbox import Window
from chalicelib.domain.recipients import AccountPeople
from chalicelib.security.tokens import AccessTokens
from chalicelib.store import keys
from chalicelib.store.invitations import NewInvitation, Written
from chalicelib.store.keys import Key
from chalicelib.store.models import (
    AccountItem,
    ContactItem,
    EmailClaimItem,
    GroupItem,
    InvitationItem,
    Item,
    LoginItem,
    MailItem,
    MembershipItem,
    UserItem,
)
from chalicelib.store.tx import Outcome
from tests.helpers.clock import Clock
from tests.helpers.mail import RecordingMailer
from tests.helpers.settings import SETTINGS_ENV

OK = Outcome()


def failed(label: str) -> Outcome:
    return Outcome(frozenset({label}))


@dataclass
class Table:
    """The items, by key: what every fake repository shares, as the real ones share one table."""

    items: dict[Key, Item] = field(default_factory=dict)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (who, window) -> emails counted

    def counts_room(self, who: str, window: Window) -> bool:
        return self.counts.get((who, window.name), 0) < window.limit

    def count(self, who: str, window: Window) -> None:
        self.counts[(who, window.name)] = self.counts.get((who, window.name), 0) + 1

    def get(self, key: Key, kind: type[Any]) -> Any:
        item = self.items.get(key)
        return item if isinstance(item, kind) else None

    def put(self, item: Item) -> None:
        self.items[(item.pk, item.sk)] = item

    def delete(self, key: Key) -> None:
        self.items.pop(key, None)

    def of(self, kind: type[Any], pk: str | None = None) -> list[Any]:
        return [i for i in self.items.values() if isinstance(i, kind) and (pk is None or i.pk == pk)]


def _key(item: Item) -> Key:
    return (item.pk, item.sk)


def committed(table: Table, event: Item | None) -> Outcome:
    """A fake's writes went through: its audit event is written with them, as in the real transaction."""
    if event is not None:
        table.put(event)
    return OK


class FakeUsers:
    def __init__(self, table: Table) -> None:
        self.t = table
        self.failures: dict[str, FailureWindow] = {}

    def create_user(self, user: UserItem, login: LoginItem) -> Outcome:
        if _key(login) in self.t.items or _key(user) in self.t.items:
            return failed("email_taken")
        self.t.put(login)
        self.t.put(user)
        return OK

    def login_state(self, email: str) -> tuple[LoginItem | None, FailureWindow | None]:
        login = next((i for i in self.t.of(LoginItem) if i.email == email), None)
        return login, self.failures.get(email)

    def reserve_login_attempt(self, email: str, now: datetime, known: FailureWindow | None = None) -> bool:
        from chalicelib.domain.lockout import MAX_FAILURES, WINDOW

        window = self.failures.get(email)
        if window is None or window.started_at <= now - WINDOW:
            self.failures[email] = FailureWindow(1, now)
            return True
        if window.count >= MAX_FAILURES:
            return False
        self.failures[email] = FailureWindow(window.count + 1, window.started_at)
        return True

    def record_login(
        self, user_id: str, now: datetime, email: str | None = None,
        current: UserItem | None = None, memberships: Iterable[MembershipItem] = (),
    ) -> None:  # fmt: skip
        user = self.get_user(user_id)
        if user is not None:
            user.last_login_at = now
        for membership in memberships:  # the copies, as the store's login write sets them
            membership.last_login_at = now
        if email is not None:
            self.clear_login_failures(email)

    def clear_login_failures(self, email: str) -> None:
        self.failures.pop(email, None)

    def get_user(self, user_id: str) -> UserItem | None:
        return next((u for u in self.t.of(UserItem) if u.user_id == user_id), None)

    def users(self, user_ids: Iterable[str]) -> dict[str, UserItem]:
        wanted = set(user_ids)
        return {u.user_id: u for u in self.t.of(UserItem) if u.user_id in wanted}


class FakeAccounts:
    def __init__(self, table: Table) -> None:
        self.t = table

    def get_account(self, account_id: str) -> AccountItem | None:
        return next((a for a in self.t.of(AccountItem) if a.account_id == account_id), None)

    def memberships(self, account_id: str, user_ids: list[str]) -> dict[str, MembershipItem]:
        found = {m.user_id: m for m in self.t.of(MembershipItem) if m.account_id == account_id}
        return {uid: found[uid] for uid in user_ids if uid in found}

    def transfer_ownership(
        self, account: AccountItem, old: MembershipItem, new: MembershipItem, event: Item | None = None
    ) -> Outcome:
        stored = self.get_account(account.account_id)
        if stored is None or stored.owner_user_id != old.user_id or old.role != "owner":
            return failed("conflict")
        if new.status != "active" or new.role == "owner":
            return failed("conflict")
        stored.owner_user_id = new.user_id
        old.role, old.permissions = "admin", []
        new.role, new.permissions = "owner", []
        return committed(self.t, event)


class FakeMembers:
    def __init__(self, table: Table) -> None:
        self.t = table

    def members_of(self, account_id: str) -> list[MembershipItem]:
        return sorted(
            (m for m in self.t.of(MembershipItem) if m.account_id == account_id), key=lambda m: m.sk
        )

    def member(self, account_id: str, user_id: str) -> tuple[MembershipItem | None, UserItem | None]:
        return self.get_membership(account_id, user_id), FakeUsers(self.t).get_user(user_id)

    def get_membership(self, account_id: str, user_id: str) -> MembershipItem | None:
        return next(
            (m for m in self.t.of(MembershipItem) if (m.account_id, m.user_id) == (account_id, user_id)), None
        )

    def update_member(
        self, membership: MembershipItem, in_group: str | None = None, guard_owner: bool = True,
        event: Item | None = None, **changes: object,
    ) -> Outcome:  # fmt: skip
        stored = self.get_membership(membership.account_id, membership.user_id)
        owner_changed = guard_owner and stored is not None and stored.role == "owner"
        if stored is None or owner_changed or (in_group is not None and stored.group_id != in_group):
            return failed("changed")
        for name, value in changes.items():
            setattr(stored, name, value)
            setattr(membership, name, value)
        return committed(self.t, event)

    def remove_member(
        self, membership: MembershipItem, email: str, in_group: str | None = None, event: Item | None = None
    ) -> Outcome:
        stored = self.get_membership(membership.account_id, membership.user_id)
        if stored is None or stored.role == "owner" or (in_group is not None and stored.group_id != in_group):
            return failed("conflict")
        self.t.delete(_key(stored))
        claims = [c for c in self.t.of(EmailClaimItem, stored.pk) if c.email == email]
        for claim in claims:
            self.t.delete(_key(claim))
        account = FakeAccounts(self.t).get_account(membership.account_id)
        if account is not None:
            account.member_count = int(account.member_count) - 1
        return committed(self.t, event)


class FakeInvitations:
    def __init__(self, table: Table) -> None:
        self.t = table

    def claims(self, account_id: str, emails: list[str]) -> dict[str, EmailClaimItem]:
        wanted = set(emails)
        return {
            c.email: c for c in self.t.of(EmailClaimItem) if c.pk.endswith(account_id) and c.email in wanted
        }

    def claims_and_logins(
        self, account_id: str, emails: list[str]
    ) -> tuple[dict[str, EmailClaimItem], dict[str, str]]:
        wanted = set(emails)
        logins = {i.email: i.user_id for i in self.t.of(LoginItem) if i.email in wanted}
        return self.claims(account_id, emails), logins

    def create_invitations(
        self, new: list[NewInvitation], now: datetime, account_day: Window | None = None
    ) -> Written:
        lost: set[str] = set()
        limited: dict[str, Window] = {}
        for index, entry in enumerate(new):
            inv = entry.invitation
            claim = self.claims(inv.account_id, [inv.email]).get(inv.email)
            free = claim is None or (
                entry.replaces == claim.ref_id and claim.expires_at is not None and claim.expires_at <= now
            )
            if not free:
                lost.add(inv.email)
                continue
            full = next((w for w in entry.windows if not self.t.counts_room(inv.email, w)), None)
            if full is not None:
                limited[inv.email] = full
                continue
            if account_day is not None and not self.t.counts_room(inv.account_id, account_day):
                return Written(lost, False, limited, {e.invitation.email for e in new[index:]})
            for window in (*entry.windows, *([account_day] if account_day else [])):
                self.t.count(inv.email if window in entry.windows else inv.account_id, window)
            if entry.mail is not None:
                self.t.put(entry.mail)
            if entry.replaces:
                self.t.delete(_key(InvitationItem(inv.pk, f"INVITATION#{entry.replaces}")))
            from chalicelib.store.invitations import claim_item

            self.t.put(claim_item(inv.account_id, inv.email, "invitation", inv.invitation_id, inv.expires_at))
            self.t.put(inv)
            self.t.put(entry.link)
            committed(self.t, entry.event)
        return Written(lost, False, limited)

    def invitations_of(self, account_id: str) -> list[InvitationItem]:
        return [i for i in self.t.of(InvitationItem) if i.account_id == account_id]

    def get_invitation(self, account_id: str, invitation_id: str) -> InvitationItem | None:
        return next((i for i in self.invitations_of(account_id) if i.invitation_id == invitation_id), None)


class FakeOutbox:
    """The email outbox's records: what the request path and the worker record (no due index here: the
    fast tier has no worker; tests/api runs it on moto)."""

    def __init__(self, table: Table) -> None:
        self.t = table

    def record(self, mails: list[tuple[MailItem, str | None, str | None]]) -> None:
        for mail, delivery, token_hash in mails:
            self.t.put(mail)
            stored = self.t.get(
                keys.invitation(mail.account_id or "", mail.invitation_id or ""), InvitationItem
            )
            if delivery is not None and stored is not None and stored.token_hash == token_hash:
                stored.delivery = delivery


class FakeContacts:
    def __init__(self, table: Table) -> None:
        self.t = table

    def contacts_of(self, account_id: str) -> list[ContactItem]:
        return [c for c in self.t.of(ContactItem) if c.account_id == account_id]

    def get_contact(self, account_id: str, contact_id: str) -> ContactItem | None:
        return next((c for c in self.contacts_of(account_id) if c.contact_id == contact_id), None)

    def _email_taken(self, contact: ContactItem) -> bool:
        return any(
            c.email == contact.email and c.contact_id != contact.contact_id
            for c in self.contacts_of(contact.account_id)
        )

    def create_contact(self, contact: ContactItem, event: Item | None = None) -> Outcome:
        if self._email_taken(contact):
            return failed("contact_exists")
        self.t.put(contact)
        return committed(self.t, event)

    def save_contact(
        self, contact: ContactItem, previous_email: str, event: Item | None = None,
        previous_categories: list[str] | None = None,
    ) -> Outcome:  # fmt: skip
        if contact.email != previous_email and self._email_taken(contact):
            return failed("contact_exists")
        if self.get_contact(contact.account_id, contact.contact_id) is None:
            return failed("gone")
        self.t.put(contact)
        return committed(self.t, event)

    def delete_contact(self, contact: ContactItem, event: Item | None = None) -> Outcome:
        if self.get_contact(contact.account_id, contact.contact_id) is None:
            return failed("conflict")
        self.t.delete(_key(contact))
        return committed(self.t, event)

    def people_for(
        self, account: AccountItem, category: str, opener: str | None, *, members: bool
    ) -> AccountPeople | None:
        return self.account_people(account.account_id)  # everyone: the rule in domain/recipients.py decides

    def account_people(self, account_id: str) -> AccountPeople | None:
        account = FakeAccounts(self.t).get_account(account_id)
        if account is None:
            return None
        members = FakeMembers(self.t).members_of(account_id)
        users = FakeUsers(self.t).users(m.user_id for m in members)
        email = {m.user_id: users[m.user_id].email for m in members if m.user_id in users}
        return AccountPeople(
            owner_email=email.get(account.owner_user_id or ""),
            active_member_emails=frozenset(email[m.user_id] for m in members if m.status == "active"),
            deactivated_member_emails=frozenset(
                email[m.user_id] for m in members if m.status == "deactivated"
            ),
            contacts=tuple((c.email, frozenset(c.email_preferences)) for c in self.contacts_of(account_id)),
            ticket_holder_emails=frozenset(
                email[m.user_id]
                for m in members
                if m.status == "active" and (m.role in ("owner", "admin") or "tickets" in m.permissions)
            ),
        )


class FakeGroups:
    def __init__(self, table: Table) -> None:
        self.t = table

    def groups_of(self, account_id: str) -> list[GroupItem]:
        return [g for g in self.t.of(GroupItem) if g.account_id == account_id]

    def get_group(self, account_id: str, group_id: str) -> GroupItem | None:
        return next((g for g in self.groups_of(account_id) if g.group_id == group_id), None)


class FakeStore:
    """The `Store`'s shape, on one in-memory table."""

    def __init__(self) -> None:
        self.table = Table()
        self.groups = FakeGroups(self.table)
        self.users = FakeUsers(self.table)
        # FakeUsers still answers the lockout windows' and the membership copies' methods the store split
        # out of UserStore (store/lockouts.py, store/member_copies.py)
        self.lockouts = self.member_copies = self.users
        self.accounts = FakeAccounts(self.table)
        self.members = FakeMembers(self.table)
        self.invitations = FakeInvitations(self.table)
        self.contacts = FakeContacts(self.table)
        self.outbox = FakeOutbox(self.table)


class PlainPasswords:
    """Stands in for argon2 where the hash is not what a test is about (argon2 costs ~25 ms a hash)."""

    def hash(self, password: str) -> str:
        return "plain$" + password

    def verify(self, stored: str | None, password: str) -> bool:
        return stored == "plain$" + password


def fake_deps(clock: Clock, mailer: RecordingMailer | None = None) -> Deps:
    from chalicelib.config import load_settings

    settings: Settings = load_settings(SETTINGS_ENV)
    return Deps(
        settings=settings,
        store=FakeStore(),  # type: ignore[arg-type]  # the same shape, duck-typed
        mailer=mailer or RecordingMailer(),
        passwords=PlainPasswords(),  # type: ignore[arg-type]
        tokens=AccessTokens(settings.token_secret, settings.access_token_ttl_seconds),
        clock=clock,
    )


class FakeWorld:
    """Seeds accounts and members straight into the fake table (as tests/helpers/seed.py does on moto)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.table: Table = deps.store.table  # type: ignore[attr-defined]

    def account(self, name: str = "Seeded Co") -> str:
        from chalicelib.ids import new_id
        from chalicelib.store.accounts import new_account_item

        account = new_account_item(new_id("acc"), name, self.deps.now())
        self.table.put(account)
        return account.account_id

    def member(
        self, account_id: str, email: str, role: str = "member", permissions: tuple[str, ...] = (),
        status: str = "active",
    ) -> str:  # fmt: skip
        from chalicelib.ids import new_id
        from chalicelib.store.invitations import claim_item
        from chalicelib.store.members import new_membership_item
        from chalicelib.store.users import new_user_items

        user_id = new_id("usr")
        user, login = new_user_items(
            user_id, email, "x", {"first_name": "Seeded", "last_name": email}, self.deps.now()
        )
        account = self.deps.store.accounts.get_account(account_id)
        claim = claim_item(account_id, email, "member", user_id, None)
        claim.member_status = None if status == "active" else status
        for item in (user, login, claim):
            self.table.put(item)
        self.table.put(
            new_membership_item(account_id, user_id, role, list(permissions), self.deps.now(),
                                status=status, user=user)
        )  # fmt: skip
        account.member_count = int(account.member_count) + 1
        if role == "owner":
            account.owner_user_id = user_id
        return user_id
