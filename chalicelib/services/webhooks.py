"""Webhook endpoints: an account's (the owner or the operator), or the operator's own, which hear every
account. `account_id` None names the operator's."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.deps import Deps
from chalicelib.domain.audit import EventType, Target, as_event_type, changed
from chalicelib.domain.caller import Caller
from chalicelib.domain.paging import decode_cursor, encode_cursor
from chalicelib.errors import AppError, changed_meanwhile, not_found, validation_error
from chalicelib.ids import new_id
from chalicelib.msgids import N_
from chalicelib.schemas.common import ListQuery
from chalicelib.schemas.webhooks import (
    Delivery,
    DeliveryPage,
    DeliveryQuery,
    DeliveryStatus,
    Webhook,
    WebhookIn,
    WebhookPage,
    WebhookUpdateIn,
    WebhookWithSecret,
)
from chalicelib.services.audit_record import record
from chalicelib.services.lookup import named
from chalicelib.store.listeners import forget_operator
from chalicelib.store.models import AuditEventItem, DeliveryItem, WebhookItem
from chalicelib.store.webhooks import FULL, MAX_WEBHOOKS, new_webhook_item

# A rotated secret still signs this long, so receivers can switch to the new one without losing events.
OLD_SECRET_SIGNS_FOR = timedelta(hours=24)
# A held delivery waits for its endpoint to be turned on again: pending, to a reader.
_STATUSES: dict[str, DeliveryStatus] = {
    "pending": "pending",
    "held": "pending",
    "succeeded": "succeeded",
    "failed": "failed",
}


def checked_url(deps: Deps, url: str) -> str:
    """An https URL that is not, and does not resolve to, a private, loopback, link-local or metadata
    address (checked again at every delivery: DNS can change)."""
    from chalicelib.security.ssrf import url_problem  # the resolver and ipaddress load with this route only

    problem = url_problem(url, allow_loopback=deps.settings.webhook_allow_loopback)
    if problem is not None:
        raise validation_error("url", problem)
    return url


def _event(
    deps: Deps,
    kind: EventType,
    caller: Caller,
    webhook: WebhookItem,
    before: dict[str, object],
    after: dict[str, object],
) -> AuditEventItem | None:
    """An account's endpoints are in its audit log; the operator's own belong to no account."""
    if webhook.account_id is None:
        return None
    target = Target("webhook", webhook.webhook_id)
    return record(deps, kind, caller, webhook.account_id, target, changed(before, after))


def _types(given: list[str]) -> list[str]:
    return ["*"] if "*" in given else sorted(set(given))


def create_webhook(deps: Deps, caller: Caller, account_id: str | None, body: WebhookIn) -> WebhookWithSecret:
    from chalicelib.delivery.signing import new_secret

    webhook = new_webhook_item(
        account_id,
        new_id("whk"),
        checked_url(deps, body.url),
        _types(list(body.event_types)),
        body.description,
        new_secret(),
        deps.now(),
    )
    shown: dict[str, object] = {"url": webhook.url, "event_types": list(webhook.event_types)}
    outcome = deps.store.webhooks.create(webhook, _event(deps, "webhook.created", caller, webhook, {}, shown))
    if FULL in outcome.failed:  # the count's condition, in the creating transaction: no race passes it
        # `conflict`, not limit_reached: the contract names it for the 21st endpoint (API.md)
        raise AppError(
            "conflict", N_("At most $max webhooks; delete one first."), params={"max": str(MAX_WEBHOOKS)}
        )
    if not outcome:
        raise changed_meanwhile("The webhook could not be created; try again.")
    if account_id is None:
        forget_operator()
    return WebhookWithSecret(**Webhook.of(webhook).model_dump(), secret=webhook.secret)


def list_webhooks(deps: Deps, account_id: str | None, query: ListQuery) -> WebhookPage:
    """Oldest first, a page at a time like every list."""
    scope = f"webhooks:{account_id or 'operator'}"
    after = decode_cursor(query.cursor, scope, deps.settings.token_secret)[0] if query.cursor else None
    items, more = deps.store.webhooks.page(account_id, query.limit, after)
    cursor = encode_cursor(scope, (items[-1].sk,), deps.settings.token_secret) if more and items else None
    return WebhookPage(items=[Webhook.of(w) for w in items], next_cursor=cursor)


def _find(deps: Deps, account_id: str | None, webhook_id: str) -> WebhookItem:
    return named(webhook_id, lambda: deps.store.webhooks.get_webhook(account_id, webhook_id), "webhook")


def get_webhook(deps: Deps, account_id: str | None, webhook_id: str) -> Webhook:
    return Webhook.of(_find(deps, account_id, webhook_id))


def update_webhook(
    deps: Deps, caller: Caller, account_id: str | None, webhook_id: str, body: WebhookUpdateIn
) -> Webhook:
    """Sets only what the body names (and only what differs: a change that changes nothing records
    nothing). Turning an endpoint back on clears its failing mark and releases the deliveries held for it."""
    webhook = _find(deps, account_id, webhook_id)
    before: dict[str, object] = {
        "url": webhook.url,
        "event_types": list(webhook.event_types),
        "description": webhook.description,
        "enabled": bool(webhook.enabled),
    }
    after = dict(before)
    if body.url is not None:
        after["url"] = checked_url(deps, body.url)
    if body.event_types is not None:
        after["event_types"] = _types(list(body.event_types))
    if "description" in body.model_fields_set:
        after["description"] = body.description
    if body.enabled is not None:
        after["enabled"] = body.enabled
    changes = {name: value for name, value in after.items() if value != before[name]}
    if changes.get("enabled") is True:
        changes["failing_since"] = None
    if changes:
        event = _event(deps, _update_kind(changes), caller, webhook, before, after)
        if not deps.store.webhooks.update(webhook, changes, event, deps.now()):
            raise not_found("webhook")
    return Webhook.of(webhook)


def _update_kind(changes: dict[str, object]) -> EventType:
    return (
        "webhook.disabled"
        if set(changes) == {"enabled"} and changes["enabled"] is False
        else "webhook.updated"
    )


def delete_webhook(deps: Deps, caller: Caller, account_id: str | None, webhook_id: str) -> None:
    webhook = _find(deps, account_id, webhook_id)
    event = _event(deps, "webhook.deleted", caller, webhook, {"url": webhook.url}, {})
    if not deps.store.webhooks.delete(webhook, event):
        raise not_found("webhook")
    if account_id is None:
        forget_operator()


def rotate_secret(deps: Deps, caller: Caller, account_id: str | None, webhook_id: str) -> WebhookWithSecret:
    """A new secret; the old one signs too for 24 hours (each delivery carries both signatures). The event
    says when, never what: no secret is ever in an event."""
    from chalicelib.delivery.signing import new_secret

    webhook = _find(deps, account_id, webhook_id)
    changes = {
        "previous_secret": webhook.secret,
        "previous_secret_until": deps.now() + OLD_SECRET_SIGNS_FOR,
        "secret": new_secret(),
    }
    event = _event(deps, "webhook.secret_rotated", caller, webhook, {}, {})
    if not deps.store.webhooks.update(webhook, changes, event, deps.now()):
        raise not_found("webhook")
    return WebhookWithSecret(**Webhook.of(webhook).model_dump(), secret=webhook.secret)


def list_deliveries(
    deps: Deps, account_id: str | None, webhook_id: str, query: DeliveryQuery
) -> DeliveryPage:
    webhook = _find(deps, account_id, webhook_id)
    scope = f"deliveries:{webhook.webhook_id}:{query.status}"
    after = decode_cursor(query.cursor, scope, deps.settings.token_secret)[0] if query.cursor else None
    items, more = deps.store.deliveries.deliveries_of(webhook.webhook_id, query.status, query.limit, after)
    cursor = encode_cursor(scope, (items[-1].sk,), deps.settings.token_secret) if more and items else None
    return DeliveryPage(items=[_delivery(item) for item in items], next_cursor=cursor)


def _delivery(item: DeliveryItem) -> Delivery:
    return Delivery.of(item, as_event_type(item.type), _STATUSES[item.status])


def retry_delivery(deps: Deps, account_id: str | None, webhook_id: str, delivery_id: str) -> None:
    """A pending or failed delivery is due again now (with a fresh schedule); a succeeded one is 409."""
    webhook = _find(deps, account_id, webhook_id)
    found = named(
        delivery_id, lambda: deps.store.deliveries.get_delivery(webhook.webhook_id, delivery_id), "delivery"
    )
    if found.status == "succeeded":
        raise AppError("delivery_succeeded", "This delivery succeeded already.")
    deps.store.deliveries.retry(found, deps.now())
