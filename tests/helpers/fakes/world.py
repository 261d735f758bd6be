"""The fake store as `Deps.store`, the fast tier's Deps, and its seeding (tests/helpers/seed.py's on moto)."""

from __future__ import annotations

from chalicelib.config import Settings, load_settings
from chalicelib.deps import Deps, PasswordHasher
from chalicelib.domain.permissions import MemberStatus, Role
from chalicelib.ids import new_id
from chalicelib.security.tokens import AccessTokens
from chalicelib.services.ports import Repositories
from chalicelib.store import keys
from chalicelib.store.accounts import new_account_item
from chalicelib.store.groups import new_group_item
from chalicelib.store.joining import joining
from chalicelib.store.members import new_membership_item
from chalicelib.store.models import AccountItem
from chalicelib.store.users import new_user_items
from tests.helpers.clock import Clock
from tests.helpers.fakes.contacts import FakeContacts, FakeGroups
from tests.helpers.fakes.deliveries import FakeDeliveries
from tests.helpers.fakes.domains import (
    FakeBrands,
    FakeEmailDomains,
    FakeInviteLinks,
    FakeScimTokens,
    FakeScimUsers,
)
from tests.helpers.fakes.factors import FakeFactors
from tests.helpers.fakes.invitations import FakeClaims, FakeInvitations, FakeOutbox
from tests.helpers.fakes.join_requests import FakeJoinRequests
from tests.helpers.fakes.lockouts import FakeLockouts
from tests.helpers.fakes.member_copies import FakeMemberCopies
from tests.helpers.fakes.people import FakeAccounts, FakeMembers
from tests.helpers.fakes.reminders import FakeReminders
from tests.helpers.fakes.sessions import FakeSessions
from tests.helpers.fakes.structure import FakeAudit, FakeSubAccounts, FakeSupportSessions
from tests.helpers.fakes.table import Table
from tests.helpers.fakes.users import FakeLinks, FakeRevokedTokens, FakeUsers
from tests.helpers.fakes.work import FakeIdempotency, FakeWebhooks
from tests.helpers.mail import RecordingMailer
from tests.helpers.seed import Seeder
from tests.helpers.settings import SETTINGS_ENV


class FakeStore(Repositories):
    """Every one of the store's twenty-one repositories, on one table."""

    def __init__(self) -> None:
        self.table = Table()
        self._invitations, self._outbox = FakeInvitations(self.table), FakeOutbox(self.table)
        self._users, self._accounts = FakeUsers(self.table), FakeAccounts(self.table)
        self._members, self._contacts = FakeMembers(self.table), FakeContacts(self.table)
        self._groups, self._sub_accounts = FakeGroups(self.table), FakeSubAccounts(self.table)
        self._claims, self._audit = FakeClaims(self.table), FakeAudit(self.table)
        self._support_sessions = FakeSupportSessions(self.table)
        self._lockouts, self._revoked_tokens = FakeLockouts(self.table), FakeRevokedTokens(self.table)
        self._links, self._member_copies = FakeLinks(self.table), FakeMemberCopies(self.table)
        self._webhooks, self._idempotency = FakeWebhooks(self.table), FakeIdempotency(self.table)
        self._deliveries, self._factors = FakeDeliveries(self.table), FakeFactors(self.table)
        self._reminders = FakeReminders(self.table)
        self._email_domains = FakeEmailDomains(self.table)
        self._sessions = FakeSessions(self.table)

    @property
    def users(self) -> FakeUsers:
        return self._users

    @property
    def factors(self) -> FakeFactors:
        return self._factors

    @property
    def accounts(self) -> FakeAccounts:
        return self._accounts

    @property
    def members(self) -> FakeMembers:
        return self._members

    @property
    def contacts(self) -> FakeContacts:
        return self._contacts

    @property
    def invitations(self) -> FakeInvitations:
        return self._invitations

    @property
    def outbox(self) -> FakeOutbox:
        return self._outbox

    @property
    def reminders(self) -> FakeReminders:
        return self._reminders

    @property
    def groups(self) -> FakeGroups:
        return self._groups

    @property
    def sub_accounts(self) -> FakeSubAccounts:
        return self._sub_accounts

    @property
    def claims(self) -> FakeClaims:
        return self._claims

    @property
    def audit(self) -> FakeAudit:
        return self._audit

    @property
    def support_sessions(self) -> FakeSupportSessions:
        return self._support_sessions

    @property
    def lockouts(self) -> FakeLockouts:
        return self._lockouts

    @property
    def revoked_tokens(self) -> FakeRevokedTokens:
        return self._revoked_tokens

    @property
    def sessions(self) -> FakeSessions:
        return self._sessions

    @property
    def links(self) -> FakeLinks:
        return self._links

    @property
    def member_copies(self) -> FakeMemberCopies:
        return self._member_copies

    @property
    def webhooks(self) -> FakeWebhooks:
        return self._webhooks

    @property
    def idempotency(self) -> FakeIdempotency:
        return self._idempotency

    @property
    def email_domains(self) -> FakeEmailDomains:
        return self._email_domains

    @property
    def join_requests(self) -> FakeJoinRequests:
        return FakeJoinRequests(self.table)

    @property
    def invite_links(self) -> FakeInviteLinks:
        return FakeInviteLinks()

    @property
    def scim_tokens(self) -> FakeScimTokens:
        return FakeScimTokens()

    @property
    def scim_users(self) -> FakeScimUsers:
        return FakeScimUsers()

    @property
    def brands(self) -> FakeBrands:
        return FakeBrands()

    @property
    def deliveries(self) -> FakeDeliveries:
        return self._deliveries


class PlainPasswords(PasswordHasher):
    """Stands in for argon2 where the hash is not what a test is about (argon2 costs ~25 ms a hash)."""

    def hash(self, password: str) -> str:
        return "plain$" + password

    def verify(self, password_hash: str | None, password: str) -> bool:
        return password_hash == "plain$" + password


def fake_deps(clock: Clock, mailer: RecordingMailer | None = None) -> Deps:
    settings: Settings = load_settings(SETTINGS_ENV)
    return Deps(
        settings=settings,
        store=FakeStore(),
        mailer=mailer or RecordingMailer(),
        passwords=PlainPasswords(),
        tokens=AccessTokens(settings.token_secret, settings.access_token_ttl_seconds),
        clock=clock,
    )


class FakeWorld(Seeder):
    """Seeds accounts and members into the fake table with the store's own builders and writer."""

    def __init__(self, deps: Deps) -> None:
        assert isinstance(deps.store, FakeStore), "FakeWorld seeds fake_deps' store"
        self.deps = deps
        self.table = deps.store.table

    def account(self, name: str = "Seeded Co") -> str:
        account = new_account_item(new_id("acc"), name, self.deps.now())
        self.table.put(account)
        return account.account_id

    def account_name(self, account_id: str) -> str:
        account = self.table.get(keys.account(account_id), AccountItem)
        assert account is not None, account_id
        return account.name

    def member(
        self,
        account_id: str,
        email: str,
        role: Role = "member",
        permissions: tuple[str, ...] = (),
        status: MemberStatus = "active",
        group_id: str | None = None,
        group_manager: bool = False,
    ) -> str:
        user_id, now = new_id("usr"), self.deps.now()
        user, login = new_user_items(user_id, email, "x", {"first_name": "Seeded", "last_name": email}, now)
        self.table.put(user)
        self.table.put(login)
        membership = new_membership_item(
            account_id,
            user_id,
            role,
            list(permissions),
            now,
            status=status,
            group_id=group_id,
            group_manager=group_manager or None,
            user=user,
            account_name=self.account_name(account_id),
        )
        self.table.join(joining(membership, email))
        return user_id

    def group(self, account_id: str, name: str, permissions: tuple[str, ...] = ("tickets",)) -> str:
        group = new_group_item(
            account_id, new_id("grp"), name, None, list(permissions), None, self.deps.now()
        )
        assert self.deps.store.groups.create(group)  # the fake's create, as MotoWorld uses the real one
        return group.group_id
