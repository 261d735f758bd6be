"""Binds the models to the configured table, and the few generic operations every repository uses."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist

from chalicelib.config import AWS_TIMEOUTS, DynamoTimeouts
from chalicelib.store.keys import Key
from chalicelib.store.models import Item

TEMPLATE = Path(__file__).resolve().parents[2] / "infra" / "table.json"
TABLE_RESOURCE = "PortalTable"
T = TypeVar("T", bound=Item)


def _all_models(cls: type[Item] = Item) -> Iterable[type[Item]]:
    yield cls
    for sub in cls.__subclasses__():
        yield from _all_models(sub)


def bind(
    table_name: str, region: str, endpoint_url: str | None, timeouts: DynamoTimeouts = AWS_TIMEOUTS
) -> None:
    """Point every model at the table, through one shared connection."""
    Item.Meta.table_name = table_name
    Item.Meta.region = region
    Item.Meta.host = endpoint_url
    Item.Meta.connect_timeout_seconds = timeouts.connect_seconds
    Item.Meta.read_timeout_seconds = timeouts.read_seconds
    Item.Meta.max_retry_attempts = timeouts.retries
    # PynamoDB caches a connection (and so a botocore client) per model class, and a class without its own
    # reads the base class's attribute: dropping every cached one and building the base's first makes all
    # entities share one client. PynamoDB has no public hook for this; it is the one place we reach in.
    for model in _all_models():
        if "_connection" in vars(model):
            delattr(model, "_connection")
    Item._get_connection()  # builds no client yet: nothing touches AWS before the first call


def connection() -> Connection:
    """The low-level connection every model shares (transactions are sent through it)."""
    return Item._get_connection().connection


def get_item(model: type[T], key: Key) -> T | None:
    try:
        return model.get(key[0], key[1], consistent_read=True)
    except DoesNotExist:
        return None


# DynamoDB's most keys in one BatchGetItem: a read that must stay one round trip keeps within it.
BATCH_KEYS = 100


def get_items(keys: Iterable[Key]) -> dict[Key, Item]:
    """One BatchGetItem per BATCH_KEYS keys (PynamoDB chunks them and retries unprocessed keys); strongly
    consistent."""
    unique = list(dict.fromkeys(keys))
    if not unique:
        return {}
    return {(item.pk, item.sk): item for item in Item.batch_get(unique, consistent_read=True)}


def table_properties() -> dict[str, Any]:
    """The table as infra/table.json declares it, shared by the deploy, the tests and the local runner."""
    template = json.loads(TEMPLATE.read_text())
    properties: dict[str, Any] = template["Resources"][TABLE_RESOURCE]["Properties"]
    return properties


def create_table(client: Any, table_name: str) -> None:
    """Create the table from the template (tests and `make run`; AWS gets it from CloudFormation)."""
    props = table_properties()
    client.create_table(
        TableName=table_name,
        AttributeDefinitions=props["AttributeDefinitions"],
        KeySchema=props["KeySchema"],
        GlobalSecondaryIndexes=props["GlobalSecondaryIndexes"],
        BillingMode=props["BillingMode"],
    )
    ttl = props["TimeToLiveSpecification"]
    client.update_time_to_live(
        TableName=table_name,
        TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": ttl["Enabled"]},
    )


def botocore_session() -> Any:
    """The botocore session PynamoDB makes its client from. Other AWS clients (SES) come from it too, so the
    process loads endpoint data and resolves credentials once."""
    return connection().session


def dynamodb_client() -> Any:
    """The botocore client every model shares (for instrumentation: counting round trips)."""
    return connection().client
