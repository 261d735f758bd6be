"""Webhooks: an account's endpoints (the owner, or the operator) under /accounts/{account_id}/webhooks, and
the operator's own under /webhooks, which hear every account. The two sets of routes are alike; each
view passes its scope to the use case: the account in the path, or None for the operator's own."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.api.lazy import webhooks
from chalicelib.api.lazy import webhooks_schemas as schemas
from chalicelib.api.route_guards import OPERATOR, OWNER
from chalicelib.schemas import common as common_schemas

bp = Blueprint(__name__)
ACCOUNTS = "/accounts/{account_id}/webhooks"
ACCOUNTS_ONE = ACCOUNTS + "/{webhook_id}"
EVERY = "/webhooks"
EVERY_ONE = EVERY + "/{webhook_id}"
RETRY = "/deliveries/{delivery_id}/retry"


# An account's endpoints: its owner, or the operator.


@endpoint(
    bp,
    "POST",
    ACCOUNTS,
    access=OWNER,
    body=schemas.WebhookIn,
    returns=schemas.WebhookWithSecret,
    status=201,
    errors=("conflict",),
)
def create_webhook(call: Call, account_id: str) -> schemas.WebhookWithSecret:
    """Add an endpoint for the account's events (its secret shown once)."""
    return webhooks.create_webhook(call.deps, call.caller, call.account.account_id, call.body)


@endpoint(bp, "GET", ACCOUNTS, access=OWNER, query=common_schemas.ListQuery, returns=schemas.WebhookPage)
def list_webhooks(call: Call, account_id: str) -> schemas.WebhookPage:
    """The endpoints of the account's events."""
    return webhooks.list_webhooks(call.deps, call.account.account_id, call.query)


@endpoint(bp, "GET", ACCOUNTS_ONE, access=OWNER, returns=schemas.Webhook, errors=("not_found",))
def get_webhook(call: Call, account_id: str, webhook_id: str) -> schemas.Webhook:
    """One endpoint (never its secret)."""
    return webhooks.get_webhook(call.deps, call.account.account_id, webhook_id)


@endpoint(
    bp,
    "PATCH",
    ACCOUNTS_ONE,
    access=OWNER,
    body=schemas.WebhookUpdateIn,
    returns=schemas.Webhook,
    errors=("not_found",),
)
def update_webhook(call: Call, account_id: str, webhook_id: str) -> schemas.Webhook:
    """Change an endpoint, or turn it off or on."""
    return webhooks.update_webhook(call.deps, call.caller, call.account.account_id, webhook_id, call.body)


@endpoint(bp, "DELETE", ACCOUNTS_ONE, access=OWNER, status=204, errors=("not_found",))
def delete_webhook(call: Call, account_id: str, webhook_id: str) -> None:
    """Delete an endpoint: nothing more is sent to it."""
    webhooks.delete_webhook(call.deps, call.caller, call.account.account_id, webhook_id)


@endpoint(
    bp,
    "POST",
    ACCOUNTS_ONE + "/rotate-secret",
    access=OWNER,
    returns=schemas.WebhookWithSecret,
    errors=("not_found",),
)
def rotate_webhook_secret(call: Call, account_id: str, webhook_id: str) -> schemas.WebhookWithSecret:
    """A new signing secret; the old one signs too for 24 hours."""
    return webhooks.rotate_secret(call.deps, call.caller, call.account.account_id, webhook_id)


@endpoint(
    bp,
    "GET",
    ACCOUNTS_ONE + "/deliveries",
    access=OWNER,
    query=schemas.DeliveryQuery,
    returns=schemas.DeliveryPage,
    errors=("not_found",),
)
def list_webhook_deliveries(call: Call, account_id: str, webhook_id: str) -> schemas.DeliveryPage:
    """Its deliveries, newest first."""
    return webhooks.list_deliveries(call.deps, call.account.account_id, webhook_id, call.query)


@endpoint(
    bp, "POST", ACCOUNTS_ONE + RETRY, access=OWNER, status=202, errors=("not_found", "delivery_succeeded")
)
def retry_webhook_delivery(call: Call, account_id: str, webhook_id: str, delivery_id: str) -> None:
    """Attempt a pending or failed delivery again soon."""
    webhooks.retry_delivery(call.deps, call.account.account_id, webhook_id, delivery_id)


# The operator's own endpoints, which hear every account (scope None).


@endpoint(
    bp,
    "POST",
    EVERY,
    access=OPERATOR,
    body=schemas.WebhookIn,
    returns=schemas.WebhookWithSecret,
    status=201,
    errors=("conflict",),
)
def create_webhook_for_every_account(call: Call) -> schemas.WebhookWithSecret:
    """Add an endpoint for every account's events (its secret shown once)."""
    return webhooks.create_webhook(call.deps, call.caller, None, call.body)


@endpoint(bp, "GET", EVERY, access=OPERATOR, query=common_schemas.ListQuery, returns=schemas.WebhookPage)
def list_webhooks_for_every_account(call: Call) -> schemas.WebhookPage:
    """The endpoints of every account's events."""
    return webhooks.list_webhooks(call.deps, None, call.query)


@endpoint(bp, "GET", EVERY_ONE, access=OPERATOR, returns=schemas.Webhook, errors=("not_found",))
def get_webhook_for_every_account(call: Call, webhook_id: str) -> schemas.Webhook:
    """One endpoint (never its secret)."""
    return webhooks.get_webhook(call.deps, None, webhook_id)


@endpoint(
    bp,
    "PATCH",
    EVERY_ONE,
    access=OPERATOR,
    body=schemas.WebhookUpdateIn,
    returns=schemas.Webhook,
    errors=("not_found",),
)
def update_webhook_for_every_account(call: Call, webhook_id: str) -> schemas.Webhook:
    """Change an endpoint, or turn it off or on."""
    return webhooks.update_webhook(call.deps, call.caller, None, webhook_id, call.body)


@endpoint(bp, "DELETE", EVERY_ONE, access=OPERATOR, status=204, errors=("not_found",))
def delete_webhook_for_every_account(call: Call, webhook_id: str) -> None:
    """Delete an endpoint: nothing more is sent to it."""
    webhooks.delete_webhook(call.deps, call.caller, None, webhook_id)


@endpoint(
    bp,
    "POST",
    EVERY_ONE + "/rotate-secret",
    access=OPERATOR,
    returns=schemas.WebhookWithSecret,
    errors=("not_found",),
)
def rotate_webhook_secret_for_every_account(call: Call, webhook_id: str) -> schemas.WebhookWithSecret:
    """A new signing secret; the old one signs too for 24 hours."""
    return webhooks.rotate_secret(call.deps, call.caller, None, webhook_id)


@endpoint(
    bp,
    "GET",
    EVERY_ONE + "/deliveries",
    access=OPERATOR,
    query=schemas.DeliveryQuery,
    returns=schemas.DeliveryPage,
    errors=("not_found",),
)
def list_webhook_deliveries_for_every_account(call: Call, webhook_id: str) -> schemas.DeliveryPage:
    """Its deliveries, newest first."""
    return webhooks.list_deliveries(call.deps, None, webhook_id, call.query)


@endpoint(
    bp, "POST", EVERY_ONE + RETRY, access=OPERATOR, status=202, errors=("not_found", "delivery_succeeded")
)
def retry_webhook_delivery_for_every_account(call: Call, webhook_id: str, delivery_id: str) -> None:
    """Attempt a pending or failed delivery again soon."""
    webhooks.retry_delivery(call.deps, None, webhook_id, delivery_id)
