"""The webhook worker: hands each committed audit event to the endpoints that want it (the outbox), then
attempts the deliveries that are due. At least once: a delivery is taken (leased) before its attempt and
recorded after it, so a worker that dies in between leaves it due again, to be sent a second time, never
zero times. Run on AWS when the stream says an event committed and every minute (jobs/webhooks.py), and every
few seconds by `make run`."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from chalicelib.deps import Deps
from chalicelib.domain.wording import date_in_words, neutral
from chalicelib.ids import new_sortable_id
from chalicelib.schemas.audit import AuditEvent
from chalicelib.services.outbox import notice
from chalicelib.store.models import AuditEventItem, DeliveryItem, MailItem, WebhookItem
from chalicelib.store.webhooks import new_delivery_item, set_due

log = logging.getLogger(__name__)
# Long enough for one attempt (5 s) and its record; a worker gone longer than this is presumed dead.
LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class Report:
    fanned_out: int  # events handed to the endpoints
    attempted: int
    succeeded: int


def run_once(deps: Deps) -> Report:
    now = deps.now()
    fanned = sum(_fan_out(deps, event, now) for event in deps.store.webhooks.outbox(now))
    attempted = succeeded = 0
    for delivery in deps.store.webhooks.due(now):
        try:
            outcome = _attempt(deps, delivery, now)
        except Exception:  # one delivery's trouble (DynamoDB, a bug) must not hold up the others
            log.exception(
                "webhook delivery %s: attempt not completed; due again when its lease lapses",
                delivery.delivery_id,
            )
            continue
        if outcome is not None:
            attempted += 1
            succeeded += outcome
    return Report(fanned, attempted, succeeded)


def wants(webhook: WebhookItem, event_type: str) -> bool:
    return bool(webhook.enabled) and ("*" in webhook.event_types or event_type in webhook.event_types)


def _fan_out(deps: Deps, event: AuditEventItem, now: datetime) -> int:
    from chalicelib.domain.webhooks import envelope

    endpoints = deps.store.webhooks.webhooks_of(event.account_id) + deps.store.webhooks.webhooks_of(None)
    data = json.loads(AuditEvent.of(event).model_dump_json())
    body = envelope(event.type, event.occurred_at, data)
    deliveries = [
        new_delivery_item(new_sortable_id("dlv"), webhook, event, body, now)
        for webhook in endpoints
        if wants(webhook, event.type)
    ]
    return 1 if deps.store.webhooks.fan_out(event, deliveries) else 0  # else another worker did it


def _secrets(webhook: WebhookItem, now: datetime) -> list[str]:
    """The current secret, and a rotated one until it lapses: receivers verify with either."""
    until = webhook.previous_secret_until
    rotated = [webhook.previous_secret] if webhook.previous_secret and until and until > now else []
    return [webhook.secret, *rotated]


def _attempt(deps: Deps, delivery: DeliveryItem, now: datetime) -> bool | None:
    """One attempt of a due delivery: True or False as it went, None if another worker has it."""
    from chalicelib.delivery.sender import send
    from chalicelib.domain.webhooks import next_attempt_at, should_disable

    if not deps.store.webhooks.lease(delivery, now + LEASE):
        return None
    webhook = deps.store.webhooks.get_webhook(delivery.account_id, delivery.webhook_id)
    if webhook is None or not webhook.enabled:
        delivery.status, delivery.last_error = "failed", "the endpoint was deleted or turned off"
        set_due(delivery, None)
        deps.store.webhooks.record_attempt(delivery, None)
        return False
    # Signed with the wall clock, not the service's clock: receivers compare it with theirs (a 5 minute
    # replay window), whatever time the schedule runs on.
    signed_at = datetime.now(UTC)
    owner_notice: MailItem | None = None
    attempt = send(
        webhook.url, _secrets(webhook, now), delivery.event_id, signed_at, delivery.body.encode("ascii"),
        allow_loopback=deps.settings.webhook_allow_loopback,
    )  # fmt: skip
    delivery.attempts = int(delivery.attempts) + 1
    delivery.last_attempt_at, delivery.last_status_code, delivery.last_error = (
        now,
        attempt.status_code,
        attempt.error,
    )
    if attempt.succeeded:
        delivery.status = "succeeded"
        set_due(delivery, None)
        webhook.last_delivery_at, webhook.failing_since = now, None
    else:
        following = next_attempt_at(int(delivery.attempts), delivery.first_attempt_at)
        if following is None:  # given up: the endpoint is failing since this delivery first failed
            delivery.status = "failed"
            webhook.failing_since = webhook.failing_since or delivery.first_attempt_at
        set_due(delivery, max(following, now) if following else None)
        if should_disable(webhook.failing_since, now):
            webhook.enabled = False
            owner_notice = _owner_notice(deps, webhook)
    deps.store.webhooks.record_attempt(delivery, webhook, owner_notice)
    return attempt.succeeded


def _owner_notice(deps: Deps, webhook: WebhookItem) -> MailItem | None:
    """An account's endpoint turned off: its owner hears of it through the email outbox, committed with the
    endpoint's change (the operator's own are in the log)."""
    log.warning("webhook %s turned off after failing since %s", webhook.webhook_id, webhook.failing_since)
    account = deps.store.accounts.get_account(webhook.account_id) if webhook.account_id else None
    owner = deps.store.users.get_user(account.owner_user_id) if account and account.owner_user_id else None
    if account is None or owner is None or webhook.failing_since is None:
        return None
    values = {
        "account_name": neutral(account.name),
        "url": webhook.url,  # the owner's own endpoint
        "failing_since_words": date_in_words(webhook.failing_since),
    }
    return notice(deps, "webhook_disabled", owner.email, values, held=False)  # sent by this same worker run
