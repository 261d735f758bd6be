"""What a cold Lambda imports: app.py wires every route, but a route's storage and crypto load with the
first request that uses them. Checked in a fresh interpreter, as Lambda starts one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = [
    "boto3",
    "botocore",
    "pynamodb",
    "argon2",
    "jwt",
    "email_validator",
    "chalicelib.services.invitations",
]

SCRIPT = """
import json, sys
from app import app
event = {"resource": "/permissions", "path": "/permissions", "httpMethod": "GET", "headers": {},
         "multiValueHeaders": {}, "queryStringParameters": None, "multiValueQueryStringParameters": None,
         "pathParameters": None, "stageVariables": None, "body": None, "isBase64Encoded": False,
         "requestContext": {"resourcePath": "/permissions", "httpMethod": "GET", "path": "/permissions",
                            "stage": "api"}}
reply = app(event, None)
print(json.dumps({"status": reply["statusCode"], "loaded": sorted(sys.modules)}))
"""


def test_a_public_route_served_cold_loads_no_aws_sdk_storage_or_crypto():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == 200
    assert [name for name in HEAVY if name in result["loaded"]] == []


def test_a_public_route_served_cold_builds_only_its_own_models():
    """Route modules name their models without importing them (chalicelib/lazy.py LazyModels): serving
    GET /permissions builds the catalog's models and the shared types, not every route's."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    loaded = json.loads(done.stdout.strip().splitlines()[-1])["loaded"]
    schemas = {name for name in loaded if name.startswith("chalicelib.schemas.")}
    assert schemas == {"chalicelib.schemas.common", "chalicelib.schemas.meta"}
