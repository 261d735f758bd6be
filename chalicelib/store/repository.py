"""The store: one repository per aggregate over the one table, each with one named method per access pattern
(see the README's access-pattern table).

Each repository is built (and its module imported) the first time a request uses it: a cold start that
reads an account loads the users' store, not the invitations', groups' or webhooks'."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from chalicelib.config import AWS_TIMEOUTS, DynamoTimeouts
from chalicelib.store.table import bind, botocore_session

if TYPE_CHECKING:
    from chalicelib.store.accounts import AccountStore
    from chalicelib.store.audit import AuditStore
    from chalicelib.store.brands import BrandStore
    from chalicelib.store.claims import ClaimStore
    from chalicelib.store.contacts import ContactStore
    from chalicelib.store.deliveries import DeliveryStore
    from chalicelib.store.email_domains import EmailDomainStore
    from chalicelib.store.factors import FactorStore
    from chalicelib.store.groups import GroupStore
    from chalicelib.store.idempotency import IdempotencyStore
    from chalicelib.store.invitations import InvitationStore
    from chalicelib.store.invite_links import InviteLinkStore
    from chalicelib.store.join_requests import JoinRequestStore
    from chalicelib.store.links import LinkStore
    from chalicelib.store.lockouts import LockoutStore
    from chalicelib.store.member_copies import MemberCopyStore
    from chalicelib.store.members import MemberStore
    from chalicelib.store.outbox import OutboxStore
    from chalicelib.store.reminders import ReminderStore
    from chalicelib.store.revoked_tokens import RevokedTokenStore
    from chalicelib.store.scim_tokens import ScimTokenStore
    from chalicelib.store.scim_users import ScimUserStore
    from chalicelib.store.sessions import SessionStore
    from chalicelib.store.sub_accounts import SubAccountStore
    from chalicelib.store.support_sessions import SupportSessionStore
    from chalicelib.store.users import UserStore
    from chalicelib.store.webhooks import WebhookStore


class Store:
    def __init__(
        self,
        table_name: str,
        region: str,
        endpoint_url: str | None = None,
        timeouts: DynamoTimeouts = AWS_TIMEOUTS,
    ) -> None:
        bind(table_name, region, endpoint_url, timeouts)
        self.table_name = table_name

    @cached_property
    def users(self) -> UserStore:
        from chalicelib.store.users import UserStore

        return UserStore()

    @cached_property
    def lockouts(self) -> LockoutStore:
        from chalicelib.store.lockouts import LockoutStore

        return LockoutStore()

    @cached_property
    def factors(self) -> FactorStore:
        from chalicelib.store.factors import FactorStore

        return FactorStore()

    @cached_property
    def revoked_tokens(self) -> RevokedTokenStore:
        from chalicelib.store.revoked_tokens import RevokedTokenStore

        return RevokedTokenStore()

    @cached_property
    def scim_tokens(self) -> ScimTokenStore:
        from chalicelib.store.scim_tokens import ScimTokenStore

        return ScimTokenStore()

    @cached_property
    def brands(self) -> BrandStore:
        from chalicelib.store.brands import BrandStore

        return BrandStore()

    @cached_property
    def scim_users(self) -> ScimUserStore:
        from chalicelib.store.scim_users import ScimUserStore

        return ScimUserStore()

    @cached_property
    def sessions(self) -> SessionStore:
        from chalicelib.store.sessions import SessionStore

        return SessionStore()

    @cached_property
    def links(self) -> LinkStore:
        from chalicelib.store.links import LinkStore

        return LinkStore()

    @cached_property
    def member_copies(self) -> MemberCopyStore:
        from chalicelib.store.member_copies import MemberCopyStore

        return MemberCopyStore()

    @cached_property
    def accounts(self) -> AccountStore:
        from chalicelib.store.accounts import AccountStore

        return AccountStore()

    @cached_property
    def invitations(self) -> InvitationStore:
        from chalicelib.store.invitations import InvitationStore

        return InvitationStore()

    @cached_property
    def members(self) -> MemberStore:
        from chalicelib.store.members import MemberStore

        return MemberStore()

    @cached_property
    def contacts(self) -> ContactStore:
        from chalicelib.store.contacts import ContactStore

        return ContactStore()

    @cached_property
    def sub_accounts(self) -> SubAccountStore:
        from chalicelib.store.sub_accounts import SubAccountStore

        return SubAccountStore()

    @cached_property
    def groups(self) -> GroupStore:
        from chalicelib.store.groups import GroupStore

        return GroupStore()

    @cached_property
    def claims(self) -> ClaimStore:
        from chalicelib.store.claims import ClaimStore

        return ClaimStore()

    @cached_property
    def audit(self) -> AuditStore:
        from chalicelib.store.audit import AuditStore

        return AuditStore()

    @cached_property
    def webhooks(self) -> WebhookStore:
        from chalicelib.store.webhooks import WebhookStore

        return WebhookStore()

    @cached_property
    def deliveries(self) -> DeliveryStore:
        from chalicelib.store.deliveries import DeliveryStore

        return DeliveryStore()

    @cached_property
    def support_sessions(self) -> SupportSessionStore:
        from chalicelib.store.support_sessions import SupportSessionStore

        return SupportSessionStore()

    @cached_property
    def outbox(self) -> OutboxStore:
        from chalicelib.store.outbox import OutboxStore

        return OutboxStore()

    @cached_property
    def reminders(self) -> ReminderStore:
        from chalicelib.store.reminders import ReminderStore

        return ReminderStore()

    @cached_property
    def idempotency(self) -> IdempotencyStore:
        from chalicelib.store.idempotency import IdempotencyStore

        return IdempotencyStore()

    @cached_property
    def email_domains(self) -> EmailDomainStore:
        from chalicelib.store.email_domains import EmailDomainStore

        return EmailDomainStore()

    @cached_property
    def join_requests(self) -> JoinRequestStore:
        from chalicelib.store.join_requests import JoinRequestStore

        return JoinRequestStore()

    @cached_property
    def invite_links(self) -> InviteLinkStore:
        from chalicelib.store.invite_links import InviteLinkStore

        return InviteLinkStore()

    def session(self) -> Any:
        """The process's one botocore session, for the other AWS clients."""
        return botocore_session()
