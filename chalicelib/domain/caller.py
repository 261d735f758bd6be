"""Who is acting on a request. The api layer works it out (from a token or the operator key) and hands it to
the use cases, which ask it "who" and "may they", never how it was proven."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from chalicelib.domain.authorization import Decision, Scope, decide
from chalicelib.domain.permissions import Role, allows

CallerKind = Literal["anonymous", "user", "operator"]


@dataclass(frozen=True)
class Grant:
    """A caller's membership of the account in the path: their role, what they were granted, and whether
    it is active."""

    role: Role
    permissions: frozenset[str] = field(default_factory=frozenset)
    active: bool = True
    sub_accounts: Scope = None  # what they reach now (see domain/authorization.py effective_scope)
    group_id: str | None = None  # a custom group (None: the default group)
    group_manager: bool = False

    @property
    def manages_group(self) -> str | None:
        """The custom group this active member manages, if any."""
        return self.group_id if self.active and self.group_manager and self.group_id else None

    def allows(self, permission: str) -> bool:
        return self.active and allows(self.role, self.permissions, permission)

    def decide(
        self, permission: str | None, sub_account_id: str | None = None, live: frozenset[str] = frozenset()
    ) -> Decision:
        holds = permission is None or allows(self.role, self.permissions, permission)
        return decide(True, self.active, holds, self.sub_accounts, sub_account_id, live)


@dataclass(frozen=True)
class RequestInfo:
    """Where a request came from, for the audit log."""

    request_id: str | None = None
    source_ip: str | None = None
    user_agent: str | None = None  # kept on the sign-in session a request starts, never in the audit log


@dataclass(frozen=True)
class SupportSession:
    """An operator's support session acting as a member (services/support_sessions.py): which one, why, and
    the one account it reaches."""

    session_id: str
    account_id: str
    reason: str


@dataclass(frozen=True)
class Caller:
    kind: CallerKind
    user_id: str | None = None
    email: str | None = None
    name: str | None = None  # how others see them, e.g. "invited by"
    grant: Grant | None = None  # their membership of the account in the path, if the route has one
    request: RequestInfo | None = None
    # Set when support staff act as this user with a support session: the grant is the member's, but some
    # routes refuse them (api/route_guards.py `admits_support`) and their changes are recorded as the
    # operator's.
    support_session: SupportSession | None = None
    # Set for an identity provider's SCIM request (api/scim_http.py): it acts with the operator's reach on
    # its own account only (the SCIM routes are all it can call), and its changes are recorded as SCIM's.
    scim_token_id: str | None = None

    def decide(
        self, permission: str | None, sub_account_id: str | None = None, live: frozenset[str] = frozenset()
    ) -> Decision:
        """The one authorization decision (domain/authorization.py) for this caller on the account in the
        path."""
        if self.grant is None:
            return decide(False, False, False, None)
        return self.grant.decide(permission, sub_account_id, live)

    @property
    def is_operator(self) -> bool:
        return self.kind == "operator"

    @property
    def is_owner(self) -> bool:
        return self.grant is not None and self.grant.active and self.grant.role == "owner"

    def manages_users(self) -> bool:
        """The operator, or an active holder of user_management (owner and admins included)."""
        return self.is_operator or (self.grant is not None and self.grant.allows("user_management"))


ANONYMOUS = Caller("anonymous")
OPERATOR = Caller("operator")


def display_name(first_name: str | None, last_name: str | None, email: str) -> str:
    """A person's name as others see it; the email when they gave no name."""
    full = " ".join(part for part in (first_name, last_name) if part)
    return full or email
