"""The store: one repository per aggregate over the one table, each with one named method per access pattern
(see the README's access-pattern table)."""

from __future__ import annotations

from typing import Any

from chalicelib.config import AWS_TIMEOUTS, DynamoTimeouts
from chalicelib.store.accounts import AccountStore
from chalicelib.store.audit import AuditStore
from chalicelib.store.contacts import ContactStore
from chalicelib.store.groups import GroupStore
from chalicelib.store.idempotency import IdempotencyStore
from chalicelib.store.invitations import InvitationStore
from chalicelib.store.members import MemberStore
from chalicelib.store.outbox import OutboxStore
from chalicelib.store.sub_accounts import SubAccountStore
from chalicelib.store.support_sessions import SupportSessionStore
from chalicelib.store.table import bind, botocore_session
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
        self.users = UserStore()
        self.accounts = AccountStore()
        self.invitations = InvitationStore()
        self.members = MemberStore()
        self.contacts = ContactStore()
        self.sub_accounts = SubAccountStore()
        self.groups = GroupStore()
        self.audit = AuditStore()
        self.webhooks = WebhookStore()
        self.support_sessions = SupportSessionStore()
        self.outbox = OutboxStore()
        self.idempotency = IdempotencyStore()

    def session(self) -> Any:
        """The process's one botocore session, for the other AWS clients."""
        return botocore_session()
