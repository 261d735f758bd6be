"""Invitation rules that need no storage: which emails of a bulk invite can be invited, and why not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from typing_extensions import TypeAliasType

from chalicelib.domain.emails import is_disposable, is_valid_email, normalize_email
from chalicelib.domain.permissions import Role
from chalicelib.msgids import N_

# in a sentence of the invitation email ("... as a user"); a member is what a portal calls a User
ROLE_LABELS: dict[Role, str] = {
    "owner": N_("the owner"),
    "admin": N_("an administrator"),
    "member": N_("a user"),
}
# as the portal names them
ROLE_TITLES: dict[Role, str] = {"owner": N_("Owner"), "admin": N_("Admin"), "member": N_("User")}
SkipReason = TypeAliasType(  # named: one schema in the document (see domain/permissions.py Role)
    "SkipReason",
    Literal[
        "invalid_email",
        "disposable_email",
        "already_member",
        "already_invited",
        "domain_not_allowed",
        "duplicate",
        "rate_limited",
        "seat_limit_reached",
    ],
)
InvitationStatus = Literal["pending", "expired"]
# What became of the invitation's last email: in the outbox, accepted by SES, or given up by the outbox.
Delivery = Literal["queued", "sent", "failed"]
DELIVERIES: tuple[Delivery, ...] = ("queued", "sent", "failed")
_DELIVERY_NAMED: dict[str, Delivery] = {delivery: delivery for delivery in DELIVERIES}


def as_delivery(value: str) -> Delivery:
    """An invitation's delivery read from storage, checked (KeyError if corrupt)."""
    return _DELIVERY_NAMED[value]


@dataclass(frozen=True)
class Screened:
    email: str  # normalized when it could be, else as given
    reason: SkipReason | None  # None: may be invited, subject to the account's claims


def screen_emails(raw_emails: list[str]) -> list[Screened]:
    """One entry per input, in input order: invalid, disposable and repeated addresses are set aside."""
    seen: set[str] = set()
    screened = []
    for raw in raw_emails:
        email = normalize_email(raw)
        if not is_valid_email(email):
            screened.append(Screened(raw, "invalid_email"))
        elif is_disposable(email):
            screened.append(Screened(email, "disposable_email"))
        elif email in seen:
            screened.append(Screened(email, "duplicate"))
        else:
            seen.add(email)
            screened.append(Screened(email, None))
    return screened


def claim_reason(holder: str | None, expires_at: datetime | None, now: datetime) -> SkipReason | None:
    """Why an account's claim on an email blocks a new invitation; an expired invitation does not."""
    if holder == "member":
        return "already_member"
    if holder == "invitation" and expires_at is not None and now < expires_at:
        return "already_invited"
    return None


def is_expired(expires_at: datetime, now: datetime) -> bool:
    return now >= expires_at


def status_of(expires_at: datetime, now: datetime) -> InvitationStatus:
    return "expired" if is_expired(expires_at, now) else "pending"


# Why an invitation link no longer opens, kept on its link (store/models.py LinkItem.ended) until its TTL.
LinkEnd = Literal["accepted", "revoked", "replaced"]
_GONE: dict[str, str] = {
    "accepted": N_("This invitation was already accepted: sign in."),
    "revoked": N_("This invitation was withdrawn by the account; ask them for a new one."),
    "replaced": N_("A newer invitation was sent: use the link in the latest email."),
}
UNKNOWN_LINK = N_("This link is not valid.")


def link_gone_message(ended: str | None) -> str:
    """What a 404 tells the holder of an invitation link that does not open: which of accepted, revoked or
    replaced it was, when its link says so (they hold its token: nobody else can learn it), else only that
    it is not valid."""
    return _GONE.get(ended or "", UNKNOWN_LINK)
