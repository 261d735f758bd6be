"""Verified email domains (issue 29): an account's domains of people's addresses, their TXT proof and their
join policy; and the account's `invite_domains` setting."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from chalicelib.domain.email_domains import (
    DomainStatus,
    JoinPolicy,
    record_name,
    record_value,
)
from chalicelib.schemas.common import GrantableKey, Input, ListQuery, Output, PermissionKey, Timestamp
from chalicelib.schemas.sub_accounts import ScopeIn, ScopeOut

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.store.models import EmailDomainItem

MAX_DOMAIN_INPUT = 300  # a domain is at most 253 characters once encoded; its Unicode form may differ


class EmailDomainIn(Input):
    domain: str = Field(min_length=1, max_length=MAX_DOMAIN_INPUT)
    verified: bool = False  # the operator's alone: it vouches for a domain it hosts for this customer


class EmailDomainUpdateIn(Input):
    join_policy: JoinPolicy | None = None
    auto_join_permissions: list[GrantableKey] | None = Field(default=None, max_length=32)
    auto_join_sub_accounts: ScopeIn | None = None
    verified: Literal[True] | None = None  # the operator's alone, as on POST


class Verification(Output):
    type: Literal["dns_txt"] = "dns_txt"
    name: str
    value: str


class EmailDomain(Output):
    domain: str
    status: DomainStatus
    verification: Verification
    join_policy: JoinPolicy
    auto_join_permissions: list[PermissionKey]
    auto_join_sub_accounts: ScopeOut
    created_at: Timestamp
    verified_at: Timestamp | None
    last_checked_at: Timestamp | None
    # What the last lookup saw: `unreachable` (a timeout, SERVFAIL) counts neither way. None: never looked.
    last_check: Literal["found", "missing", "unreachable"] | None
    verified_by: Literal["dns", "operator"] | None

    @classmethod
    def of(cls, item: EmailDomainItem, live: frozenset[str]) -> EmailDomain:
        scope = item.auto_join_sub_accounts
        return cls(
            domain=item.domain,
            status=item.status,  # type: ignore[arg-type]  # written from DomainStatus only
            verification=Verification(name=record_name(item.domain), value=record_value(item.secret)),
            join_policy=item.join_policy,  # type: ignore[arg-type]  # written from JoinPolicy only
            auto_join_permissions=list(item.auto_join_permissions or []),
            auto_join_sub_accounts="all" if scope is None else [s for s in scope if s in live],
            created_at=item.created_at,
            verified_at=item.verified_at if item.status == "verified" else None,
            last_checked_at=item.last_checked_at,
            last_check=item.last_check,  # type: ignore[arg-type]  # written from CheckResult only
            verified_by=item.verified_by if item.status == "verified" else None,  # type: ignore[arg-type]
        )


class EmailDomainPage(Output):
    items: list[EmailDomain]
    next_cursor: str | None


class EmailDomainListQuery(ListQuery):
    """?limit=&cursor= (at most 10 domains: one page by default)."""
