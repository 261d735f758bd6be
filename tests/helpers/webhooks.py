"""Webhook test helpers: an account's endpoints path, an endpoint on a local receiver, and a change that
makes an event (a contact)."""

from __future__ import annotations

from typing import Any

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
