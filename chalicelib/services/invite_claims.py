"""What a bulk invite answers for an email the account already claims, beyond "already member/invited":
to a group manager, a person outside their group is nobody (issue 25, item 4); to a retry under the same
Idempotency-Key, an invitation the lost run made is its own, answered as invited (issue 25, item 10)."""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.deps import Deps
from chalicelib.domain.caller import Caller
from chalicelib.domain.groups import hidden_from_manager
from chalicelib.services.groups import managed_group
from chalicelib.store.idempotency import current_request_id
from chalicelib.store.models import EmailClaimItem, InvitationItem


@dataclass(frozen=True)
class ClaimAnswers:
    hidden: set[str] = field(default_factory=set)  # answered as an address that is nobody's
    own: dict[str, InvitationItem] = field(default_factory=dict)  # made by this request's earlier run


def claim_answers(
    deps: Deps, caller: Caller, account_id: str, claims: dict[str, EmailClaimItem]
) -> ClaimAnswers:
    """One BatchGetItem of the claims' holders, only when the caller is a group manager or the request
    holds an Idempotency-Key (a first run finds none of its own, and costs that one read)."""
    group, request_id = managed_group(caller), current_request_id()
    if not claims or (group is None and request_id is None):
        return ClaimAnswers()
    holders = deps.store.claims.holders(account_id, claims.values())
    own = {
        email: holder
        for email, holder in holders.items()
        if request_id is not None and isinstance(holder, InvitationItem) and holder.request_id == request_id
    }
    hidden = (
        {
            email
            for email in claims
            if email not in own
            and (email not in holders or hidden_from_manager(group, holders[email].group_id))
        }
        if group is not None
        else set()
    )
    return ClaimAnswers(hidden, own)
