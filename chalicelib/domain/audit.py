"""The audit log's vocabulary: which changes are recorded, who made them, what they touched and what
changed. Pure: the store writes an event in the same transaction as its change (store/audit.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from typing_extensions import TypeAliasType

from chalicelib.domain.caller import Caller

# Named: one schema in the document, one enum in a generated client. Kept unformatted (fmt: skip): one line
# per resource reads as the list of what is audited, where the formatter would give each type its own line.
EventType = TypeAliasType(
    "EventType",
    Literal[
        "account.created", "account.updated", "account.ownership_transferred", "account.security_updated",
        "account.seats_changed", "account.seats_warning", "account.seats_full", "account.brand_changed",
        "invitation.created", "invitation.resent", "invitation.revoked", "invitation.accepted",
        "invitation.expired",
        "member.updated", "member.deactivated", "member.reactivated", "member.removed", "member.left",
        "member.password_reset_sent", "member.signed_out",
        "contact.created", "contact.updated", "contact.deleted",
        "group.created", "group.updated", "group.deleted",
        "sub_account.created", "sub_account.updated", "sub_account.deleted",
        "webhook.created", "webhook.updated", "webhook.secret_rotated", "webhook.disabled", "webhook.deleted",
        "support_session.started", "support_session.ended",
        "domain.added", "domain.verified", "domain.verification_failed", "domain.verification_lost",
        "domain.updated", "domain.removed",
        "join_request.created", "join_request.approved", "join_request.denied", "member.joined",
        "invite_link.created", "invite_link.used", "invite_link.revoked",
        "scim_token.created", "scim_token.revoked", "member.provisioned",
    ],
)  # fmt: skip
EVENT_TYPES: tuple[EventType, ...] = get_args(EventType.__value__)
ActorKind = Literal["user", "operator", "system", "scim"]
_EVENT_TYPE_NAMED: dict[str, EventType] = {name: name for name in EVENT_TYPES}
_ACTOR_KIND_NAMED: dict[str, ActorKind] = {
    "user": "user",
    "operator": "operator",
    "system": "system",
    "scim": "scim",
}


def as_event_type(value: str) -> EventType:
    """A stored type as the EventType it was written from (KeyError for anything else)."""
    return _EVENT_TYPE_NAMED[value]


def as_actor_kind(value: str) -> ActorKind:
    return _ACTOR_KIND_NAMED[value]


# Never in an event, whatever a change touched: an event is shown to admins and sent to webhooks.
SECRET_FIELDS = frozenset({"password", "password_hash", "token", "token_hash", "secret", "secrets"})


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    user_id: str | None = None
    email: str | None = None
    # An operator acting through a support session: which one, the reason given, and the member acted as.
    support_session_id: str | None = None
    reason: str | None = None
    acting_as: str | None = None
    scim_token_id: str | None = None  # the account's identity provider, by the token it called with


SYSTEM = Actor("system")


@dataclass(frozen=True)
class Target:
    kind: str  # account, invitation, member, contact, group, sub_account, webhook, email_domain,
    # join_request
    id: str
    email: str | None = None


@dataclass(frozen=True)
class Event:
    """One recorded change. `changes`: field -> (old, new), secrets never among them."""

    type: EventType
    account_id: str
    actor: Actor
    target: Target
    occurred_at: datetime
    changes: Mapping[str, tuple[Any, Any]] | None = None
    request_id: str | None = None
    source_ip: str | None = None

    def __post_init__(self) -> None:
        if self.changes and SECRET_FIELDS & set(self.changes):
            raise ValueError(f"an audit event never carries {sorted(SECRET_FIELDS & set(self.changes))}")


def actor_of(caller: Caller) -> Actor:
    support = caller.support_session
    if support is not None:  # support staff, not the member: the trail names the session and its reason
        return Actor(
            "operator", support_session_id=support.session_id, reason=support.reason, acting_as=caller.user_id
        )
    if caller.scim_token_id is not None:
        return Actor("scim", scim_token_id=caller.scim_token_id)
    if caller.kind == "user":
        return Actor("user", caller.user_id, caller.email)
    return Actor("operator") if caller.kind == "operator" else SYSTEM


def changed(
    before: Mapping[str, Any], after: Mapping[str, Any], fields: Iterable[str] | None = None
) -> dict[str, tuple[Any, Any]]:
    """The fields whose value differs, as (old, new); lists compare as given (callers sort them)."""
    names = list(fields) if fields is not None else list(dict.fromkeys([*before, *after]))
    pairs = {name: (before.get(name), after.get(name)) for name in names}
    return {name: pair for name, pair in pairs.items() if pair[0] != pair[1]}


def event(
    type: EventType,
    caller: Caller,
    account_id: str,
    target: Target,
    now: datetime,
    changes: Mapping[str, tuple[Any, Any]] | None = None,
) -> Event:
    """An event made by `caller`, with the request it came in (Caller.request)."""
    request = caller.request
    return Event(
        type,
        account_id,
        actor_of(caller),
        target,
        now,
        changes or None,
        request.request_id if request else None,
        request.source_ip if request else None,
    )
