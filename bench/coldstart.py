"""Cold start and per-request overhead, each against a bare Chalice app measured in the same run.

The baseline is what the bare stack (Chalice + PynamoDB + pydantic, imported as a plain app imports them)
does for the same first request, never more: for the first signed-in read (GET /accounts/{id}, the goal's
figure) one PynamoDB GetItem and a pydantic response model; for the public GET /permissions, the same
imports and no AWS call. Each cold run can also use the built deployment zip instead of the source tree
(`function_dir`): a fresh interpreter without site-packages, so it loads only what the zip holds; the bare
stack then runs from the same unpacked zip (its Chalice, pydantic, PynamoDB and botocore, with the same
bytecode), so both sides are packaged alike.

Both sides load bytecode and neither writes any, as on Lambda: the virtualenv's distributions were compiled
by pip, and `compiled_source_tree` compiles app.py and chalicelib/ first (this machine sets
PYTHONDONTWRITEBYTECODE, so without it portal-access alone would compile its modules on every run).
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalice.test import Client

    from chalicelib.deps import Deps

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7
REQUESTS = 200


def event(resource: str, path: str, params: dict[str, str] | None, headers: dict[str, str]) -> dict[str, Any]:
    return {
        "resource": resource, "path": path, "httpMethod": "GET", "headers": headers,
        "multiValueHeaders": {}, "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "pathParameters": params, "stageVariables": None, "body": None, "isBase64Encoded": False,
        "requestContext": {"resourcePath": resource, "httpMethod": "GET", "path": path, "stage": "api"},
    }  # fmt: skip


OURS = """
import time; started, cpu = time.perf_counter(), time.process_time()
from app import app
reply = app(EVENT, None)
assert reply["statusCode"] == 200, reply
print((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000)
"""

BARE_PUBLIC = """
import time; started, cpu = time.perf_counter(), time.process_time()
from chalice import Chalice
from pydantic import BaseModel
from pynamodb.models import Model
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
print((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000)
"""

# The bare stack's first signed-in read: one GetItem of the account through a PynamoDB model, answered with a
# pydantic model (no token check, no authorization: less than portal-access does, never more).
BARE_SIGNED_IN = """
import time; started, cpu = time.perf_counter(), time.process_time()
import os
from chalice import Chalice
from pydantic import BaseModel
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model
class Row(Model):
    class Meta:
        table_name = TABLE
        host = os.environ["AWS_ENDPOINT_URL"]
        region = "us-east-1"
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    account_id = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
class Account(BaseModel):
    account_id: str
    name: str
app = Chalice(app_name="bare")
@app.route("/accounts/{account_id}")
def read(account_id):
    item = Row.get(*ACCOUNT_KEY, consistent_read=True)
    return Account(account_id=item.account_id, name=item.name).model_dump()
reply = app(EVENT, None)
assert reply["statusCode"] == 200, reply
print((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000)
"""


def compiled_source_tree() -> None:
    """app.py's and chalicelib's bytecode, as a deployment has it (the zip's is compiled by `make package`;
    pip compiled the virtualenv's), so the source tree's cold runs load it rather than compile."""
    import compileall

    compileall.compile_file(ROOT / "app.py", quiet=2)
    compileall.compile_dir(ROOT / "chalicelib", quiet=2)


def _cold(
    script: str, setup: dict[str, Any], env: dict[str, str] | None = None, function_dir: Path | None = None
) -> tuple[float, float]:
    """One fresh interpreter writing no bytecode (Lambda's /var/task is read-only): in the source tree with
    the virtualenv, or (`function_dir`, an unpacked deployment zip) with `-S`, so that nothing but the zip
    and the standard library can be imported. (wall-clock ms, CPU ms) from the start to the answer."""
    preamble = "".join(
        f"{name} = json.loads({json.dumps(json.dumps(value))})\n" for name, value in setup.items()
    )
    code = f"import json\n{preamble}{script}"
    command = [sys.executable, "-c", code]
    env = {**(env if env is not None else os.environ), "PYTHONDONTWRITEBYTECODE": "1"}
    if function_dir is not None:
        command = [sys.executable, "-S", "-c", code]
    done = subprocess.run(
        command, cwd=function_dir or ROOT, capture_output=True, text=True, check=True, env=env
    )
    wall, cpu = done.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def _alternating(ours: tuple[Any, ...], bare: tuple[Any, ...]) -> tuple[float, float, float, float]:
    """Median of RUNS fresh interpreters each, interleaved so machine noise hits both alike: wall-clock ms
    of ours, of the bare stack, then their CPU ms."""
    runs = [(_cold(*ours), _cold(*bare)) for _ in range(RUNS)]
    return (
        statistics.median(o[0] for o, _ in runs),
        statistics.median(b[0] for _, b in runs),
        statistics.median(o[1] for o, _ in runs),
        statistics.median(b[1] for _, b in runs),
    )


def _signed_in_setup(
    deps: Deps, account_id: str, user_id: str, token: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    from chalicelib.store import keys

    resource, path = "/accounts/{account_id}", f"/accounts/{account_id}"
    headers = {"authorization": f"Bearer {token}"}
    claims = deps.tokens.read(token, deps.now())
    ours = {"EVENT": event(resource, path, {"account_id": account_id}, headers)}
    bare = {
        **ours,
        "TABLE": deps.settings.table_name,
        "KEYS": [keys.user(user_id), keys.membership(account_id, user_id), keys.account(account_id),
                 keys.revoked_token(claims.token_id)],
        "ACCOUNT_KEY": keys.account(account_id),
    }  # fmt: skip
    return ours, bare


def cold_signed_in(function_dir: Path | None = None) -> tuple[float, float, float, float]:
    """First GET /accounts/{id} of a fresh interpreter, over HTTP to a moto server (as Lambda reaches AWS);
    portal-access and the bare stack from the source tree, or both from the unpacked zip in
    `function_dir`."""
    import boto3
    from moto.server import ThreadedMotoServer

    from chalicelib.config import load_settings
    from chalicelib.deps import build_deps, use_deps
    from chalicelib.store.table import create_table
    from tests.helpers import free_port
    from tests.helpers.seed import seed_account, seed_member, token_for

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto server's request log
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        env = {**os.environ, "AWS_ENDPOINT_URL": endpoint}
        settings = load_settings(env)
        create_table(boto3.client("dynamodb", endpoint_url=endpoint), settings.table_name)
        deps = build_deps(settings)
        use_deps(deps)
        account_id = seed_account(deps, "Cold")
        user_id = seed_member(deps, account_id, "cold@bench.com", "owner")
        ours, bare = _signed_in_setup(deps, account_id, user_id, token_for(deps, user_id))
        return _alternating((OURS, ours, env, function_dir), (BARE_SIGNED_IN, bare, env, function_dir))
    finally:
        use_deps(None)
        server.stop()


def per_request() -> tuple[float, float]:
    """GET /accounts/{id} through portal-access, and a raw-boto3 route making the same DynamoDB call."""
    import boto3
    from chalice.app import Chalice
    from chalice.test import Client

    from app import app
    from chalicelib.deps import get_deps
    from tests.helpers.seed import seed_account, seed_member, token_for

    deps = get_deps()
    account_id = seed_account(deps, "Overhead")
    user_id = seed_member(deps, account_id, "o@overhead.com", "owner")
    token = token_for(deps, user_id)
    _, setup = _signed_in_setup(deps, account_id, user_id, token)
    table, wanted = setup["TABLE"], [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in setup["KEYS"]]
    raw = boto3.client("dynamodb", region_name="us-east-1")
    bare = Chalice(app_name="bare")

    @bare.route("/accounts/{account_id}")
    def read(account_id: str) -> dict[str, str]:
        found = raw.batch_get_item(RequestItems={table: {"Keys": wanted, "ConsistentRead": True}})
        item = next(i for i in found["Responses"][table] if i["sk"]["S"] == "ACCOUNT")
        return {"account_id": item["account_id"]["S"], "name": item["name"]["S"]}

    def once(client: Client) -> float:
        started = time.perf_counter()
        reply = client.http.get(f"/accounts/{account_id}", headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        assert reply.status_code == 200, reply.body
        return elapsed

    headers = {"Authorization": f"Bearer {token}"}
    with Client(app) as ours_client, Client(bare) as bare_client:
        for _ in range(20):  # warm both before measuring
            once(ours_client), once(bare_client)
        # Interleaved, so whatever the machine does meanwhile lands on both alike.
        samples = [(once(ours_client), once(bare_client)) for _ in range(REQUESTS)]
    ours = statistics.median(pair[0] for pair in samples)
    baseline = statistics.median(pair[1] for pair in samples)
    return ours, baseline


def measure() -> dict[str, float]:
    env_ok = all(os.environ.get(name) for name in ("TABLE_NAME", "TOKEN_SECRET"))
    assert env_ok, "run from bench/run.py, which sets the environment"
    compiled_source_tree()
    public = {"EVENT": event("/permissions", "/permissions", None, {})}
    ours_ms, bare_ms, _, _ = _alternating((OURS, public), (BARE_PUBLIC, public))
    ours_signed_ms, bare_signed_ms, ours_signed_cpu, bare_signed_cpu = cold_signed_in()
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
    return {"runs": RUNS, "requests": REQUESTS, "ours_ms": ours_ms, "bare_ms": bare_ms,
            "ours_signed_ms": ours_signed_ms, "bare_signed_ms": bare_signed_ms,
            "ours_signed_cpu_ms": ours_signed_cpu, "bare_signed_cpu_ms": bare_signed_cpu,
            "ours_req_ms": ours_req, "bare_req_ms": bare_req}  # fmt: skip
