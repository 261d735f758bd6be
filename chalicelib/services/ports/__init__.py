"""The services' view of the store: one Protocol per repository, naming only what the use cases (and the
jobs and the idempotency guard above them) call. `Deps.store` is typed against `Repositories`, so the real
`Store` (chalicelib/store/repository.py) satisfies these structurally, as mypy checks where build_deps makes
Deps, and the fast tier's fakes (tests/helpers/fakes/) subclass them, so mypy checks each fake's
signatures too.

Types only: the store's items and results are imported for the type checker, so importing this loads no
PynamoDB."""

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
from chalicelib.services.ports.store import Repositories
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

__all__ = [
    "AccountRepository",
    "AuditRepository",
    "BrandRepository",
    "ClaimRepository",
    "ContactRepository",
    "DeliveryRepository",
    "EmailDomainRepository",
    "FactorRepository",
    "GroupRepository",
    "IdempotencyRepository",
    "InvitationRepository",
    "InviteLinkRepository",
    "JoinRequestRepository",
    "LinkRepository",
    "LockoutRepository",
    "MemberCopyRepository",
    "MemberRepository",
    "OutboxRepository",
    "ReminderRepository",
    "Repositories",
    "RevokedTokenRepository",
    "ScimTokenRepository",
    "ScimUserRepository",
    "SessionRepository",
    "SubAccountRepository",
    "SupportSessionRepository",
    "UserRepository",
    "WebhookRepository",
]
