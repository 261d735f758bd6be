"""Who is acting on a request. The api layer works it out (from a token or the operator key) and hands it to
the use cases, which ask it "who" and "may they", never how it was proven."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from chalicelib.domain.permissions import Role, allows

CallerKind = Literal["anonymous", "user", "operator"]


@dataclass(frozen=True)
class Grant:
    """A caller's membership of the account in the path: their role, what they were granted, and whether
    it is active."""

    role: Role
    permissions: frozenset[str] = field(default_factory=frozenset)
    active: bool = True

    def allows(self, permission: str) -> bool:
        return self.active and allows(self.role, self.permissions, permission)


@dataclass(frozen=True)
class Caller:
    kind: CallerKind
    user_id: str | None = None
    email: str | None = None
    name: str | None = None  # how others see them, e.g. "invited by"
    grant: Grant | None = None  # their membership of the account in the path, if the route has one

    @property
    def is_operator(self) -> bool:
        return self.kind == "operator"

    @property
    def is_owner(self) -> bool:
        return self.grant is not None and self.grant.active and self.grant.role == "owner"


ANONYMOUS = Caller("anonymous")
OPERATOR = Caller("operator")


def display_name(first_name: str | None, last_name: str | None, email: str) -> str:
    """A person's name as others see it; the email when they gave no name."""
    full = " ".join(part for part in (first_name, last_name) if part)
    return full or email
