"""What a bulk invite answers for an email the account already claims, beyond "already member/invited":
to a group manager, a person outside their group is nobody (issue 25, item 4); to a retry under the same
Idempotency-Key, an invitation the lost run made is its own, answered as invited (issue 25, item 10)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from chalicelib.deps import Deps
from chalicelib.domain.caller import Caller
from chalicelib.domain.groups import hidden_from_manager
from chalicelib.domain.invitations import screen_emails
from chalicelib.schemas.invitations import MAX_EMAILS
from chalicelib.services.groups import managed_group
from chalicelib.store import keys
from chalicelib.store.idempotency import current_request_id
from chalicelib.store.keys import Key
from chalicelib.store.models import EmailClaimItem, InvitationItem
from chalicelib.store.read_ahead import NOTHING_AHEAD, ReadAhead


def claim_keys_ahead(account_id: str, raw: bytes | str | None) -> list[Key]:
    """The account's claims on the emails a bulk invite's body names, screened as `invite` screens them
    (domain/invitations.py `screen_emails`), for the authorizing read to read ahead. A body that is not an
    object with a list of at most MAX_EMAILS emails gives none: its validation answers it, unread."""
    try:
        data = json.loads(raw) if raw else None
    except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested too deeply
        return []
    rows = data.get("emails") if isinstance(data, dict) else None
    if not isinstance(rows, list) or len(rows) > MAX_EMAILS:
        return []
    named = [row.get("email") if isinstance(row, dict) else row for row in rows]
    screened = screen_emails([email for email in named if isinstance(email, str)])
    return [keys.email_claim(account_id, entry.email) for entry in screened if entry.reason is None]


def claims_of(
    deps: Deps, account_id: str, emails: list[str], ahead: ReadAhead | None
) -> dict[str, EmailClaimItem]:
    """The account's claims on `emails`: those read ahead as they were read then (asked and not found: no
    claim), the others in one BatchGetItem of their own (none when every one was read ahead)."""
    known = ahead or NOTHING_AHEAD
    claims: dict[str, EmailClaimItem] = {}
    rest = []
    for email in emails:
        key = keys.email_claim(account_id, email)
        if not known.knows(key):
            rest.append(email)
        elif (claim := known.item(key, EmailClaimItem)) is not None:
            claims[email] = claim
    return claims | (deps.store.invitations.claims(account_id, rest) if rest else {})


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
