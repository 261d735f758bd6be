"""What a cold Lambda loads for a signed-in read: the token check, authorization and the account's model, not
the machinery of writing (invitations, their emails, password hashing). Checked in a fresh interpreter
against a moto server, as Lambda reaches DynamoDB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
from moto.server import ThreadedMotoServer

from chalicelib.config import load_settings
from chalicelib.deps import build_deps, use_deps
from chalicelib.store.table import create_table
from tests.helpers import SETTINGS_ENV, free_port
from tests.helpers.seed import seed_account, seed_member, token_for

ROOT = Path(__file__).resolve().parents[2]
NOT_FOR_A_READ = [
    "argon2",
    "jwt",  # a token is read with the standard library (security/hs256.py); PyJWT signs, at sign-in
    # Second factors, languages, webhooks, email syntax and DNS: none is a read's (issue 33).
    "webauthn",
    "cbor2",
    "pyotp",
    "segno",
    "babel",
    # Nor the catalogs' modules: the routes load them when they put a message into words (an error, a page).
    "chalicelib.i18n.catalogs",
    "chalicelib.i18n.text",
    "gettext",
    "standardwebhooks",
    "email_validator",
    "dns",
    "concurrent.futures.thread",
    "chalicelib.services.invitations",
    "chalicelib.services.owner_invitations",
    "chalicelib.services.outbox",
    "chalicelib.schemas.invitations",
    "chalicelib.schemas.audit",
    # The bodies that change an account or a brand: the read builds only Account, Seats and Brand.
    "chalicelib.schemas.account_changes",
    "chalicelib.schemas.brand_changes",
    "chalicelib.schemas.meta",  # /health's and /permissions' models: built by those routes alone
    "chalicelib.domain.audit",  # a read records nothing: the audit vocabulary loads with the first change
    "chalicelib.services.audit_record",
    "chalicelib.store.audit",
    "chalicelib.store.invitations",
    "chalicelib.store.invitation_items",
    "chalicelib.store.invitation_accept",
    "chalicelib.store.links",
    "chalicelib.store.member_copies",
    "chalicelib.store.groups",
    "chalicelib.store.webhooks",
    "chalicelib.store.contacts",
    # Entity modules load as they are named (store/models.py): a read names no domain, factor or SCIM entity.
    "chalicelib.store.models_domains",
    "chalicelib.store.models_factors",
    "chalicelib.store.models_scim",
    "chalicelib.mail.templates",
    "chalicelib.mail.mailer",  # what an email is: the mailer is built, nothing is sent
    "_strptime",  # stored times are read without it (store/models_base.py parse_time)
]

SCRIPT = """
import json, sys
from app import app
reply = app(EVENT, None)
print(json.dumps({"status": reply["statusCode"], "loaded": sorted(sys.modules)}))
"""


def test_a_signed_in_read_served_cold_loads_nothing_of_writing() -> None:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        env = {**os.environ, **SETTINGS_ENV, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
        settings = load_settings(env)
        create_table(boto3.client("dynamodb", endpoint_url=env["AWS_ENDPOINT_URL"]), settings.table_name)
        deps = build_deps(settings)
        use_deps(deps)
        account_id = seed_account(deps, "Cold")
        token = token_for(deps, seed_member(deps, account_id, "cold@example.com", "owner"))
        path = f"/accounts/{account_id}"
        event = {
            "resource": "/accounts/{account_id}", "path": path, "httpMethod": "GET",
            "headers": {"authorization": f"Bearer {token}"}, "multiValueHeaders": {},
            "queryStringParameters": None, "multiValueQueryStringParameters": None,
            "pathParameters": {"account_id": account_id}, "stageVariables": None, "body": None,
            "isBase64Encoded": False,
            "requestContext": {"resourcePath": "/accounts/{account_id}", "httpMethod": "GET", "path": path,
                               "stage": "api"},
        }  # fmt: skip
        code = f"EVENT = json.loads({json.dumps(json.dumps(event))})\nimport json\n{SCRIPT}"
        done = subprocess.run(
            [sys.executable, "-c", "import json\n" + code], cwd=ROOT, env=env, capture_output=True,
            text=True, check=True, timeout=60,
        )  # fmt: skip
    finally:
        use_deps(None)
        server.stop()
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == 200
    assert [name for name in NOT_FOR_A_READ if name in result["loaded"]] == []
