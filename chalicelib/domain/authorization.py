"""The one authorization decision: may this member use `permission` on this account, and on this
sub-account? Routes turn its "no" into 404/403; POST /authorize reports it as it is. Pure: it decides from
the caller's grant and the account's sub-accounts that exist now."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from typing_extensions import TypeAliasType

from chalicelib.domain.permissions import Role

# Named: one schema in the document (see domain/permissions.py Role).
DenyReason = TypeAliasType(
    "DenyReason",
    Literal[
        "not_member",
        "deactivated",
        "signed_out",
        "mfa_required",
        "missing_permission",
        "unknown_sub_account",
        "sub_account_not_in_scope",
    ],
)
# A scope: the ids of the sub-accounts a member may reach, or None for every one of them.
Scope = frozenset[str] | None
ALL: Literal["all"] = "all"
MAX_SUB_ACCOUNTS = 1000  # per account: the ids live on the account item, read on every request
MAX_SCOPE = MAX_SUB_ACCOUNTS


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: DenyReason | None = None


ALLOWED = Decision(True)


def effective_scope(role: Role, stored: Iterable[str] | None, live: Iterable[str]) -> Scope:
    """What a member reaches: the owner and admins every sub-account; a member what their scope names and
    still exists (a deleted sub-account drops out; a scope left empty reaches none, never all)."""
    if role in ("owner", "admin") or stored is None:
        return None
    return frozenset(stored) & frozenset(live)


def reaches(scope: Scope, sub_account_id: str) -> bool:
    return scope is None or sub_account_id in scope


def scope_out(scope: Scope) -> Literal["all"] | list[str]:
    """A scope as the API shows it."""
    return ALL if scope is None else sorted(scope)


def decide(
    member: bool,
    active: bool,
    holds_permission: bool,
    scope: Scope,
    sub_account_id: str | None = None,
    live_sub_accounts: frozenset[str] = frozenset(),
) -> Decision:
    """In this order: not a member, deactivated, lacking the permission, an unknown sub-account (another
    account's ids are unknown here too), one outside the member's scope."""
    if not member:
        return Decision(False, "not_member")
    if not active:
        return Decision(False, "deactivated")
    if not holds_permission:
        return Decision(False, "missing_permission")
    if sub_account_id is not None:
        if sub_account_id not in live_sub_accounts:
            return Decision(False, "unknown_sub_account")
        if not reaches(scope, sub_account_id):
            return Decision(False, "sub_account_not_in_scope")
    return ALLOWED
