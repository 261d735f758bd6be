"""Webhook test helpers: an account's endpoints path, an endpoint on a local receiver, a change that makes an
event (a contact), and an endpoint with a given-up delivery (the permission matrix's)."""

from __future__ import annotations

from typing import Any

from chalicelib.deps import Deps
from chalicelib.domain.audit import SYSTEM, Event, Target
from chalicelib.ids import new_id

PUBLIC_URL = "https://93.184.216.34/hooks"  # a public address: no DNS needed to judge it


def hooks(account_id: str) -> str:
    return f"/accounts/{account_id}/webhooks"


def add_contact(api: Any, account_id: str, token: str, email: str = "bill@x.com") -> dict[str, Any]:
    reply = api.post(f"/accounts/{account_id}/contacts", {"email": email}, token=token)
    assert reply.status == 201
    body: dict[str, Any] = reply.body
    return body


def subscribe(
    api: Any, account_id: str, token: str, url: str, types: tuple[str, ...] = ("contact.created",)
) -> dict[str, Any]:
    created = api.post(hooks(account_id), {"url": url, "event_types": list(types)}, token=token)
    assert created.status == 201, created.body
    body: dict[str, Any] = created.body
    return body


def seed_webhook_with_failed_delivery(deps: Deps, account_id: str) -> tuple[str, str]:
    """An endpoint of the account with one given-up delivery (so a retry has something to retry)."""
    from chalicelib.store.audit import audit_item
    from chalicelib.store.deliveries import new_delivery_item, set_due
    from chalicelib.store.tx import Tx
    from chalicelib.store.webhooks import new_webhook_item

    webhook = new_webhook_item(
        account_id, new_id("whk"), "https://93.184.216.34/h", ["*"], None, "whsec_c2VjcmV0", deps.now()
    )
    assert deps.store.webhooks.create(webhook, None)
    event = audit_item(
        Event("contact.created", account_id, SYSTEM, Target("contact", "con_x"), deps.now()), 1
    )
    delivery = new_delivery_item(new_id("dlv"), webhook, event, b"{}", deps.now())
    delivery.status = "failed"
    set_due(delivery, None)
    assert Tx().put(delivery).commit()
    return webhook.webhook_id, delivery.delivery_id
