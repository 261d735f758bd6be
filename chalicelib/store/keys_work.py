"""The keys of what the service records and sends: audit events (and their filter indexes), webhooks,
deliveries, the background queues, emails, counters and Idempotency-Keys."""

from __future__ import annotations

from chalicelib.store.keys_base import Key, account_pk, shard


def audit_log(account_id: str) -> str:
    """The partition of an account's audit events (not the account's own: the log grows without bound)."""
    return f"AUDIT#{account_id}"


def audit_event(account_id: str, occurred_at: str, event_id: str) -> Key:
    """`occurred_at`: fixed-width text to the microsecond, so the sort key orders events by time."""
    return audit_log(account_id), f"{occurred_at}#{event_id}"


def audit_by_type(account_id: str, event_type: str) -> str:
    return f"{audit_log(account_id)}#TYPE#{event_type}"


def audit_by_actor(account_id: str, user_id: str) -> str:
    return f"{audit_log(account_id)}#ACTOR#{user_id}"


def audit_by_target(account_id: str, target_id: str) -> str:
    return f"{audit_log(account_id)}#TARGET#{target_id}"


OPERATOR_WEBHOOKS = "WEBHOOKS"
WEBHOOK_PREFIX = "WEBHOOK#"
DELIVERY_PREFIX = "DELIVERY#"


def webhook(account_id: str | None, webhook_id: str) -> Key:
    """An account's endpoint, or (account_id None) one of the operator's, which hear every account."""
    return (account_pk(account_id) if account_id else OPERATOR_WEBHOOKS), f"{WEBHOOK_PREFIX}{webhook_id}"


def webhooks_of(account_id: str | None) -> Key:
    return (account_pk(account_id) if account_id else OPERATOR_WEBHOOKS), WEBHOOK_PREFIX


def delivery(webhook_id: str, delivery_id: str) -> Key:
    return f"{WEBHOOK_PREFIX}{webhook_id}", f"{DELIVERY_PREFIX}{delivery_id}"


def delivery_id_of(sk: str) -> str:
    """The delivery's id from its sort key (an index entry carries only the keys)."""
    return sk.removeprefix(DELIVERY_PREFIX)


def deliveries_of(webhook_id: str) -> Key:
    return f"{WEBHOOK_PREFIX}{webhook_id}", DELIVERY_PREFIX


# The background work's queues (store/due.py): each kind's waiting items, spread over this many index
# partitions so that no one partition carries every account's work (docs/scale.md).
WORK_SHARDS = 16
# events to fan out, deliveries, emails, users' copies, renamed accounts' name keys (store/member_copies.py)
DUE_KINDS = ("OUTBOX", "DUE", "MAILDUE", "COPIES", "NAMES")


def due(kind: str, item_id: str, when_iso: str) -> Key:
    """A waiting item of one kind of background work, by when it is due (sparse: removed once done)."""
    return f"{kind}#{shard(item_id, WORK_SHARDS)}", f"{when_iso}#{item_id}"


def due_partitions(kind: str) -> list[str]:
    return [f"{kind}#{shard}" for shard in range(WORK_SHARDS)]


def held(webhook_id: str, first_attempt_iso: str, delivery_id: str) -> Key:
    """A delivery held for an endpoint that is turned off, in the order its events came (gsi2)."""
    return held_of(webhook_id), f"{first_attempt_iso}#{delivery_id}"


def held_of(webhook_id: str) -> str:
    return f"HELD#{webhook_id}"


def operator_webhook_count() -> Key:
    """How many endpoints the operator has (an account's count is on its account item)."""
    return OPERATOR_WEBHOOKS, "COUNT"


def mail(mail_id: str) -> Key:
    return f"MAIL#{mail_id}", "MAIL"


def recipient_count(email: str, window: str) -> Key:
    """Emails to one address in one fixed window (`window`: "HOUR#...", "DAY#..." or "RESETS#...")."""
    return f"RECIPIENT#{email}", window


def account_invitation_count(account_id: str, day: str) -> Key:
    return f"INVITECOUNT#{account_id}", f"DAY#{day}"


def idempotency(caller: str, route: str, key_digest: str) -> Key:
    """`caller`: who asked (a user id, or the operator); `key_digest`: the header's SHA-256, so any text the
    client chose never becomes part of a key."""
    return f"IDEMPOTENCY#{caller}", f"{route}#{key_digest}"
