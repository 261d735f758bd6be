"""Webhooks: an account's endpoints (the owner, or the operator) under /accounts/{account_id}/webhooks, and
the operator's own under /webhooks, which hear every account. One set of views serves both: the account in
the path, or none, is the endpoint's scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.api.route_guards import OPERATOR, OWNER, Access
from chalicelib.lazy import LazyModels, LazyModule

bp = Blueprint(__name__)
ONE = "/{webhook_id}"

# Each use case and each model loads with the first request that needs it (see chalicelib/lazy.py).
if TYPE_CHECKING:
    from chalicelib.schemas import common as common_schemas
    from chalicelib.schemas import webhooks as schemas
    from chalicelib.services import webhooks
else:
    common_schemas = LazyModels("chalicelib.schemas.common")
    schemas = LazyModels("chalicelib.schemas.webhooks")
    webhooks = LazyModule("chalicelib.services.webhooks")


def _scope(call: Call) -> str | None:
    """The account whose endpoints these are (read while authorizing), or None: the operator's own."""
    return call.account.account_id if "account_id" in call.path else None


def _register(base: str, access: Access, suffix: str, whose: str) -> None:
    def create(call: Call, **_: str) -> Any:
        return webhooks.create_webhook(call.deps, call.caller, _scope(call), call.body)

    def list_all(call: Call, **_: str) -> Any:
        return webhooks.list_webhooks(call.deps, _scope(call), call.query)

    def get(call: Call, webhook_id: str, **_: str) -> Any:
        return webhooks.get_webhook(call.deps, _scope(call), webhook_id)

    def update(call: Call, webhook_id: str, **_: str) -> Any:
        return webhooks.update_webhook(call.deps, call.caller, _scope(call), webhook_id, call.body)

    def delete(call: Call, webhook_id: str, **_: str) -> None:
        webhooks.delete_webhook(call.deps, call.caller, _scope(call), webhook_id)

    def rotate(call: Call, webhook_id: str, **_: str) -> Any:
        return webhooks.rotate_secret(call.deps, call.caller, _scope(call), webhook_id)

    def deliveries(call: Call, webhook_id: str, **_: str) -> Any:
        return webhooks.list_deliveries(call.deps, _scope(call), webhook_id, call.query)

    def retry(call: Call, webhook_id: str, delivery_id: str, **_: str) -> None:
        webhooks.retry_delivery(call.deps, _scope(call), webhook_id, delivery_id)

    routes: list[tuple[str, str, Callable[..., Any], str, str, dict[str, Any]]] = [
        ("POST", "", create, "create_webhook", f"Add an endpoint for {whose} events (its secret shown once).",
         {"body": schemas.WebhookIn, "returns": schemas.WebhookWithSecret, "status": 201,
          "errors": ("conflict",)}),
        ("GET", "", list_all, "list_webhooks", f"The endpoints of {whose} events.",
         {"query": common_schemas.ListQuery, "returns": schemas.WebhookPage}),
        ("GET", ONE, get, "get_webhook", "One endpoint (never its secret).",
         {"returns": schemas.Webhook, "errors": ("not_found",)}),
        ("PATCH", ONE, update, "update_webhook", "Change an endpoint, or turn it off or on.",
         {"body": schemas.WebhookUpdateIn, "returns": schemas.Webhook, "errors": ("not_found",)}),
        ("DELETE", ONE, delete, "delete_webhook", "Delete an endpoint: nothing more is sent to it.",
         {"status": 204, "errors": ("not_found",)}),
        ("POST", ONE + "/rotate-secret", rotate, "rotate_webhook_secret",
         "A new signing secret; the old one signs too for 24 hours.",
         {"returns": schemas.WebhookWithSecret, "errors": ("not_found",)}),
        ("GET", ONE + "/deliveries", deliveries, "list_webhook_deliveries", "Its deliveries, newest first.",
         {"query": schemas.DeliveryQuery, "returns": schemas.DeliveryPage, "errors": ("not_found",)}),
        ("POST", ONE + "/deliveries/{delivery_id}/retry", retry, "retry_webhook_delivery",
         "Attempt a pending or failed delivery again soon.",
         {"status": 202, "errors": ("not_found", "delivery_succeeded")}),
    ]  # fmt: skip
    for method, tail, view, name, summary, options in routes:
        view.__name__, view.__doc__ = name + suffix, summary  # the operation id is the view's name
        endpoint(bp, method, base + tail, access=access, **options)(view)


_register("/accounts/{account_id}/webhooks", OWNER, "", "the account's")
_register("/webhooks", OPERATOR, "_for_every_account", "every account's")
