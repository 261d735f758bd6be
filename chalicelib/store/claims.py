"""Access pattern of an account's email claims' holders: who (a member or an invitation) holds each."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.store import keys
from chalicelib.store.models import EmailClaimItem, InvitationItem, MembershipItem
from chalicelib.store.table import get_items


class ClaimStore:
    def holders(
        self, account_id: str, claims: Iterable[EmailClaimItem]
    ) -> dict[str, MembershipItem | InvitationItem]:
        """The membership or invitation holding each claim, by email, in one BatchGetItem (per 100); a
        holder gone meanwhile is left out."""
        wanted = {
            claim.email: keys.membership(account_id, claim.ref_id)
            if claim.holder == "member"
            else keys.invitation(account_id, claim.ref_id)
            for claim in claims
        }
        found = get_items(wanted.values()) if wanted else {}
        return {
            email: holder
            for email, key in wanted.items()
            if isinstance(holder := found.get(key), (MembershipItem, InvitationItem))
        }
