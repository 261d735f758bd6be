"""The store as the services hold it (`Deps.store`): each repository, built on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from chalicelib.services.ports.brands import BrandRepository
    from chalicelib.services.ports.domains import (
        EmailDomainRepository,
        InviteLinkRepository,
        JoinRequestRepository,
    )
    from chalicelib.services.ports.factors import FactorRepository
    from chalicelib.services.ports.people import (
        AccountRepository,
        ClaimRepository,
        ContactRepository,
        MemberRepository,
    )
    from chalicelib.services.ports.scim import ScimTokenRepository, ScimUserRepository
    from chalicelib.services.ports.structure import (
        AuditRepository,
        GroupRepository,
        SubAccountRepository,
        SupportSessionRepository,
    )
    from chalicelib.services.ports.users import (
        LinkRepository,
        LockoutRepository,
        MemberCopyRepository,
        RevokedTokenRepository,
        SessionRepository,
        UserRepository,
    )
    from chalicelib.services.ports.work import (
        DeliveryRepository,
        IdempotencyRepository,
        InvitationRepository,
        OutboxRepository,
        ReminderRepository,
        WebhookRepository,
    )


class Repositories(Protocol):
    # Read-only properties: the real store builds each on first use (cached_property), a fake holds them.
    @property
    def users(self) -> UserRepository: ...
    @property
    def lockouts(self) -> LockoutRepository: ...
    @property
    def factors(self) -> FactorRepository: ...
    @property
    def revoked_tokens(self) -> RevokedTokenRepository: ...
    @property
    def sessions(self) -> SessionRepository: ...
    @property
    def links(self) -> LinkRepository: ...
    @property
    def member_copies(self) -> MemberCopyRepository: ...
    @property
    def accounts(self) -> AccountRepository: ...
    @property
    def members(self) -> MemberRepository: ...
    @property
    def claims(self) -> ClaimRepository: ...
    @property
    def contacts(self) -> ContactRepository: ...
    @property
    def invitations(self) -> InvitationRepository: ...
    @property
    def outbox(self) -> OutboxRepository: ...
    @property
    def groups(self) -> GroupRepository: ...
    @property
    def sub_accounts(self) -> SubAccountRepository: ...
    @property
    def support_sessions(self) -> SupportSessionRepository: ...
    @property
    def audit(self) -> AuditRepository: ...
    @property
    def webhooks(self) -> WebhookRepository: ...
    @property
    def deliveries(self) -> DeliveryRepository: ...
    @property
    def reminders(self) -> ReminderRepository: ...
    @property
    def idempotency(self) -> IdempotencyRepository: ...
    @property
    def email_domains(self) -> EmailDomainRepository: ...
    @property
    def join_requests(self) -> JoinRequestRepository: ...
    @property
    def invite_links(self) -> InviteLinkRepository: ...
    @property
    def scim_tokens(self) -> ScimTokenRepository: ...
    @property
    def scim_users(self) -> ScimUserRepository: ...
    @property
    def brands(self) -> BrandRepository: ...
