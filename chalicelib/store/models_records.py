"""What the service records and sends: audit events, webhooks and their deliveries, support sessions, the
email outbox, counters and Idempotency-Keys."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.models_base import Item, TimeAttribute, string_list


class AuditTypeIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi3: an account's audit events of one type, by time."""

    class Meta:
        index_name = "gsi3"
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class AuditActorIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi4: an account's audit events made by one user, by time."""

    class Meta:
        index_name = "gsi4"
        projection = AllProjection()

    gsi4pk = UnicodeAttribute(hash_key=True)
    gsi4sk = UnicodeAttribute(range_key=True)


class AuditTargetIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi5: an account's audit events about one member, invitation, contact, ..., by time."""

    class Meta:
        index_name = "gsi5"
        projection = AllProjection()

    gsi5pk = UnicodeAttribute(hash_key=True)
    gsi5sk = UnicodeAttribute(range_key=True)


class AuditEventItem(Item, discriminator="audit_event"):
    """AUDIT#<account_id> / <occurred_at µs>#<event_id>, with gsi3-5 for the type, actor and target filters.
    Written in the same transaction as the change it records; `ttl` ends it after AUDIT_RETENTION_DAYS."""

    event_id = UnicodeAttribute()
    type = UnicodeAttribute()
    account_id = UnicodeAttribute()
    occurred_at = TimeAttribute()
    actor_kind = UnicodeAttribute()
    actor_user_id = UnicodeAttribute(null=True)
    actor_email = UnicodeAttribute(null=True)
    target_kind = UnicodeAttribute()
    target_id = UnicodeAttribute()
    target_email = UnicodeAttribute(null=True)
    changes = UnicodeAttribute(null=True)  # JSON: {field: [old, new]}
    request_id = UnicodeAttribute(null=True)
    source_ip = UnicodeAttribute(null=True)
    # An operator acting through a support session (domain/audit.py Actor).
    actor_support_session_id = UnicodeAttribute(null=True)
    actor_reason = UnicodeAttribute(null=True)
    actor_acting_as = UnicodeAttribute(null=True)
    actor_scim_token_id = UnicodeAttribute(null=True)  # an identity provider's change through SCIM
    # The webhook outbox's tries to hand it to the endpoints (FAN_OUT_RETRIES), and why it was parked.
    fan_out_attempts = NumberAttribute(null=True)
    fan_out_error = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    gsi4pk = UnicodeAttribute(null=True)
    gsi4sk = UnicodeAttribute(null=True)
    gsi5pk = UnicodeAttribute(null=True)
    gsi5sk = UnicodeAttribute(null=True)

    by_type = AuditTypeIndex()
    by_actor = AuditActorIndex()
    by_target = AuditTargetIndex()


class WebhookItem(Item, discriminator="webhook"):
    """ACCOUNT#<account_id> / WEBHOOK#<id>, or WEBHOOKS / WEBHOOK#<id> for the operator's endpoints.

    The signing secrets are kept as they are (HMAC needs them; DynamoDB encrypts them at rest) and leave
    only in the answers that create or rotate them: no output model has a field for them."""

    webhook_id = UnicodeAttribute()
    account_id = UnicodeAttribute(null=True)  # None: the operator's, for every account
    url = UnicodeAttribute()
    event_types = string_list(default=list)  # ["*"]: every type
    description = UnicodeAttribute(null=True)
    enabled = BooleanAttribute(default=True)
    created_at = TimeAttribute()
    last_delivery_at = TimeAttribute(null=True)
    failing_since = TimeAttribute(null=True)
    secret = UnicodeAttribute()
    previous_secret = UnicodeAttribute(null=True)  # a rotated one, still signing until it lapses
    previous_secret_until = TimeAttribute(null=True)
    # Set when the endpoint is turned back on while deliveries are held for it: the worker finds it through
    # gsi2 (RELEASE#<shard>) and makes them due again, then removes the mark.


class DeliveryItem(Item, discriminator="delivery"):
    """WEBHOOK#<webhook_id> / DELIVERY#<id>, gsi2 DUE#<shard> / <next_attempt_at>#<id> while pending: one
    event for one endpoint, its body fixed when it was made (the signature covers those bytes)."""

    delivery_id = UnicodeAttribute()
    webhook_id = UnicodeAttribute()
    account_id = UnicodeAttribute(null=True)  # the webhook's (None: the operator's)
    event_id = UnicodeAttribute()
    type = UnicodeAttribute()
    body = UnicodeAttribute()
    # pending, succeeded, failed, or held (its endpoint is turned off: out of the due index, in HELD#<webhook>
    # until the endpoint is on again; shown as pending)
    status = UnicodeAttribute(default="pending")
    attempts = NumberAttribute(default=0)
    first_attempt_at = TimeAttribute()
    next_attempt_at = TimeAttribute(null=True)
    last_attempt_at = TimeAttribute(null=True)
    last_status_code = NumberAttribute(null=True)
    last_error = UnicodeAttribute(null=True)


class SupportSessionItem(Item, discriminator="support_session"):
    """ACCOUNT#<account_id> / SUPPORTSESSION#<id>: support staff acting as a member until `expires_at` (or
    `ended_at`). Read with every request its token makes, so ending it applies at once; `ttl` removes it
    once expired. Holds no token: the token names this item, never the other way round."""

    support_session_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    reason = UnicodeAttribute()
    created_at = TimeAttribute()
    expires_at = TimeAttribute()
    ended_at = TimeAttribute(null=True)


class MailItem(Item, discriminator="mail"):
    """MAIL#<mail_id> / MAIL, gsi2 MAILDUE#<shard> / <next_attempt_at>#<id> while pending: one email in the
    outbox, committed with the change that causes it. It holds what to render, never a usable link: a link's
    token is derived from `nonce` with the service's secret (security/links.py), so the table alone (a dump,
    a backup) opens nothing."""

    mail_id = UnicodeAttribute()
    # invitation, reminder, password_reset, reset_request, notice (domain/outbox.py)
    kind = UnicodeAttribute()
    to = UnicodeAttribute()
    nonce = UnicodeAttribute(null=True)  # the link's seed (invitation, password reset)
    account_id = UnicodeAttribute(null=True)
    invitation_id = UnicodeAttribute(null=True)
    template = UnicodeAttribute(null=True)  # a notice: its template and values (JSON), no secrets in them
    values = UnicodeAttribute(null=True)
    locale = UnicodeAttribute(null=True)  # a notice's language (absent: "en")
    status = UnicodeAttribute(default="pending")  # pending, sent, failed, dropped (nothing left to send)
    attempts = NumberAttribute(default=0)
    created_at = TimeAttribute()
    next_attempt_at = TimeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)


class CounterItem(Item, discriminator="counter"):
    """A count in a fixed window (RECIPIENT#<email> / HOUR#..., INVITECOUNT#<account_id> / DAY#...), raised by
    a conditional ADD in the transaction of what it counts; `ttl` removes it once its window is over."""

    total = NumberAttribute(default=0)


class IdempotencyItem(Item, discriminator="idempotency"):
    """IDEMPOTENCY#<caller> / <route>#<sha256 of the key>: a create's first answer, replayed for 24 h."""

    body_digest = UnicodeAttribute()  # SHA-256 of the request body the key first came with
    status_code = NumberAttribute(null=True)  # None while the first request is still running
    answer = UnicodeAttribute(null=True)  # the JSON body answered
    created_at = TimeAttribute()
    holder = UnicodeAttribute(null=True)  # the holding request's random token: its later writes check it
    lease_until = TimeAttribute(null=True)  # the first request's hold; past it, that request is gone
    committed_at = TimeAttribute(null=True)  # set in the first transaction the request committed
