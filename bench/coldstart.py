"""Cold start and per-request overhead, each against a bare Chalice app measured in the same run."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7
REQUESTS = 200

EVENT = {
    "resource": "/permissions", "path": "/permissions", "httpMethod": "GET", "headers": {},
    "multiValueHeaders": {}, "queryStringParameters": None, "multiValueQueryStringParameters": None,
    "pathParameters": None, "stageVariables": None, "body": None, "isBase64Encoded": False,
    "requestContext": {"resourcePath": "/permissions", "httpMethod": "GET", "path": "/permissions", "stage": "api"},
}  # fmt: skip

OURS = """
import time; started = time.perf_counter()
from app import app
reply = app(EVENT, None)
assert reply["statusCode"] == 200, reply
print((time.perf_counter() - started) * 1000)
"""

BARE = """
import time; started = time.perf_counter()
import boto3
from chalice import Chalice
from pydantic import BaseModel
class Permission(BaseModel):
    key: str
    label: str
    admin_only: bool
app = Chalice(app_name="bare")
@app.route("/permissions")
def permissions():
    return {"permissions": [Permission(key="tickets", label="Tickets", admin_only=False).model_dump()]}
reply = app(EVENT, None)
assert reply["statusCode"] == 200, reply
print((time.perf_counter() - started) * 1000)
"""


def _cold(script: str) -> float:
    code = f"EVENT = {json.dumps(EVENT)!r}\nimport json; EVENT = json.loads(EVENT)\n{script}"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def per_request() -> tuple[float, float]:
    """GET /accounts/{id} through portal-access, and a raw-boto3 route making the same two DynamoDB calls."""
    import boto3
    from chalice import Chalice
    from chalice.test import Client

    from app import app
    from chalicelib.deps import get_deps
    from chalicelib.store import keys
    from tests.seed import seed_account, seed_member, token_for

    deps = get_deps()
    account_id = seed_account(deps, "Overhead")
    user_id = seed_member(deps, account_id, "o@overhead.com", "owner")
    token = token_for(deps, user_id)
    table = deps.settings.table_name
    raw = boto3.client("dynamodb", region_name="us-east-1")
    bare = Chalice(app_name="bare")

    @bare.route("/accounts/{account_id}")
    def read(account_id: str):
        def key(pair):
            return {"pk": {"S": pair[0]}, "sk": {"S": pair[1]}}

        wanted = [
            key(keys.user(user_id)),
            key(keys.membership(account_id, user_id)),
            key(keys.revoked_token("x")),
        ]
        raw.batch_get_item(RequestItems={table: {"Keys": wanted, "ConsistentRead": True}})
        item = raw.get_item(TableName=table, Key=key(keys.account(account_id)), ConsistentRead=True)["Item"]
        return {"account_id": item["account_id"]["S"], "name": item["name"]["S"]}

    def timed(client, path: str, headers: dict[str, str]) -> float:
        samples = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            reply = client.http.get(path, headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
            assert reply.status_code == 200, reply.body
        return statistics.median(samples)

    headers = {"Authorization": f"Bearer {token}"}
    with Client(app) as ours_client, Client(bare) as bare_client:
        timed(ours_client, f"/accounts/{account_id}", headers)  # warm both before measuring
        timed(bare_client, f"/accounts/{account_id}", headers)
        ours = timed(ours_client, f"/accounts/{account_id}", headers)
        baseline = timed(bare_client, f"/accounts/{account_id}", headers)
    return ours, baseline


def measure() -> dict[str, float]:
    env_ok = all(os.environ.get(name) for name in ("TABLE_NAME", "TOKEN_SECRET"))
    assert env_ok, "run from bench/run.py, which sets the environment"
    ours = [_cold(OURS) for _ in range(RUNS)]
    bare = [_cold(BARE) for _ in range(RUNS)]
    import boto3
    from moto import mock_aws

    from chalicelib.config import load_settings
    from chalicelib.deps import build_deps, use_deps
    from chalicelib.store.table import create_table

    with mock_aws():
        settings = load_settings()
        create_table(boto3.client("dynamodb", region_name="us-east-1"), settings.table_name)
        use_deps(build_deps(settings))
        ours_req, bare_req = per_request()
    return {"runs": RUNS, "requests": REQUESTS, "ours_ms": statistics.median(ours), "bare_ms": statistics.median(bare),
            "ours_req_ms": ours_req, "bare_req_ms": bare_req}  # fmt: skip
