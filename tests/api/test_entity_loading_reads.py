"""Items of entities whose modules have not loaded yet read back as their own classes (store/models.py loads
an entity module when it is named; models_base.py `Entity` loads the rest when an item needs them): checked
in a fresh interpreter, on moto, the first thing the process reads being such items."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import SETTINGS_ENV

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys
import boto3
from moto import mock_aws

with mock_aws():
    from chalicelib.config import load_settings
    from chalicelib.store.repository import Store
    from chalicelib.store.table import create_table, get_items
    from chalicelib.store.models import Item

    settings = load_settings()
    client = boto3.client("dynamodb", region_name="us-east-1")
    create_table(client, settings.table_name)
    Store(settings.table_name, settings.region, None, settings.dynamodb)
    # Written as another process would have, without this one loading the entities' classes.
    rows = [
        {"pk": "ACC#a1", "sk": "SCIMTOKEN#t1", "entity": "scim_token", "account_id": "a1"},
        {"pk": "ACC#a1", "sk": "DOMAIN#example.com", "entity": "email_domain", "account_id": "a1"},
    ]
    for row in rows:
        client.put_item(TableName=settings.table_name, Item={k: {"S": v} for k, v in row.items()})
    before = sorted(m for m in sys.modules if m.startswith("chalicelib.store.models_"))
    found = get_items([("ACC#a1", "SCIMTOKEN#t1"), ("ACC#a1", "DOMAIN#example.com")])
    queried = list(Item.query("ACC#a1", consistent_read=True))
    print(json.dumps({
        "before": before,
        "read": sorted(type(item).__name__ for item in found.values()),
        "queried": sorted(type(item).__name__ for item in queried),
    }))
"""


def test_items_of_entities_not_loaded_yet_read_back_as_their_classes() -> None:
    env = {**os.environ, **SETTINGS_ENV, "AWS_ACCESS_KEY_ID": "t", "AWS_SECRET_ACCESS_KEY": "t"}
    env.pop("AWS_ENDPOINT_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "chalicelib.store.models_scim" not in result["before"]
    assert "chalicelib.store.models_domains" not in result["before"]
    assert result["read"] == ["EmailDomainItem", "ScimTokenItem"]
    assert result["queried"] == ["EmailDomainItem", "ScimTokenItem"]
