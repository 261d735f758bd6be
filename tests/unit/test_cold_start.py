"""What a cold Lambda imports and builds: app.py wires every route, but a route's use cases, storage, crypto
and models load with the first request that uses them (chalicelib/api/lazy.py). Checked in a fresh
interpreter, as Lambda starts one."""

from __future__ import annotations

import gc
import json
from functools import cache
from typing import Any

from tests.helpers.fresh import fresh_python

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
from pydantic import BaseModel
from app import app
event = {"resource": "/permissions", "path": "/permissions", "httpMethod": "GET", "headers": {},
         "multiValueHeaders": {}, "queryStringParameters": None, "multiValueQueryStringParameters": None,
         "pathParameters": None, "stageVariables": None, "body": None, "isBase64Encoded": False,
         "requestContext": {"resourcePath": "/permissions", "httpMethod": "GET", "path": "/permissions",
                            "stage": "api"}}
reply = app(event, None)

def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)

# A model's validator is compiled on its first use (defer_build): what has one is what the request built.
ours = [c for c in subclasses(BaseModel) if c.__module__.startswith("chalicelib.")]
models = {f"{c.__module__}.{c.__qualname__}": c for c in ours}
built = sorted(name for name, model in models.items() if model.__pydantic_complete__)
print(json.dumps({"status": reply["statusCode"], "loaded": sorted(sys.modules), "models": sorted(models),
                  "built": built}))
"""


@cache
def served_cold() -> dict[str, Any]:
    """GET /permissions, the first request of a fresh interpreter (run once for this file's tests)."""
    result: dict[str, Any] = json.loads(fresh_python(SCRIPT).strip().splitlines()[-1])
    assert result["status"] == 200
    return result


def test_a_public_route_served_cold_loads_no_aws_sdk_storage_or_crypto() -> None:
    loaded = served_cold()["loaded"]
    assert [name for name in HEAVY if name in loaded] == []
    # No use case but authentication (a light one: every guard takes its session from it, PUBLIC's is
    # NO_SESSION), and the schedules app.py wires (each loads its work when it runs).
    assert [name for name in loaded if name.startswith(("chalicelib.services.", "chalicelib.jobs."))] == [
        "chalicelib.jobs.copies",
        "chalicelib.jobs.domains",
        "chalicelib.jobs.join_requests",
        "chalicelib.jobs.purge",
        "chalicelib.jobs.reminders",
        "chalicelib.jobs.webhooks",
        "chalicelib.services.authentication",
    ]


def test_a_public_route_served_cold_builds_only_its_own_models() -> None:
    """Route modules name their models without importing them (chalicelib/api/lazy.py): serving
    GET /permissions loads the catalog's models and the shared types, not every route's, and compiles the
    validators of the catalog's models alone."""
    result = served_cold()
    schemas = {name for name in result["loaded"] if name.startswith("chalicelib.schemas.")}
    assert schemas == {"chalicelib.schemas.common", "chalicelib.schemas.meta"}
    assert result["built"] == [
        "chalicelib.schemas.meta.PermissionCatalog",
        "chalicelib.schemas.meta.PermissionInfo",
    ]
    # No other model class exists at all (class creation costs about a millisecond each, even deferred).
    assert {name.rsplit(".", 1)[0] for name in result["models"]} == schemas


def test_importing_the_routes_runs_no_collection_and_leaves_their_objects_frozen() -> None:
    """app.py loads its routes with the cyclic collector resting (`collector_paused` in api/lazy.py): a
    cold start does not walk the route tables as it builds them, nor in later collections; the collector is
    back on for the requests."""
    code = (
        "import gc, json, sys\n"
        "loading = []  # at each collection: had the routes' imports begun (Chalice is their first)?\n"
        "def seen(phase, info):\n"
        "    if phase == 'start':\n"
        "        loading.append('chalice' in sys.modules)\n"
        "gc.callbacks.append(seen)\n"
        "import app\n"
        "state = {'loading': loading, 'enabled': gc.isenabled(), 'frozen': gc.get_freeze_count()}\n"
        "print(json.dumps(state))\n"
    )
    result = json.loads(fresh_python(code).strip().splitlines()[-1])
    assert True not in result["loading"] and result["enabled"] is True
    assert result["frozen"] > 20_000  # Chalice's, pydantic's and the routes' objects


def test_the_first_request_runs_with_the_collector_resting_and_freezes_what_it_made_the_next_ones_not() -> (
    None
):
    from app import app
    from chalicelib.api.lazy import FirstRequestPaused

    middleware = [func for func, kind in app.middleware_handlers if kind == "http"]
    assert isinstance(middleware[0], FirstRequestPaused)  # the outermost: it wraps the error middleware
    # a stand-in request and answer: the middleware only passes them through
    paused: Any = FirstRequestPaused()
    seen: list[bool] = []

    def view(request: object) -> str:
        seen.append(gc.isenabled())
        return "answer"

    def served() -> tuple[str, int]:
        answer = paused("request", view)
        return answer, gc.get_freeze_count()

    def first_request(request: object) -> str:
        made.extend([n] for n in range(1000))  # outlives the request, as the modules it loads do
        return view(request)

    made: list[list[int]] = []
    assert gc.isenabled()
    gc.freeze()  # everything so far: the count grows below by what the first request made
    before = gc.get_freeze_count()
    assert paused("request", first_request) == "answer"
    frozen = gc.get_freeze_count()
    # Frozen, not left for the collector to walk all at once as it comes back on.
    assert frozen >= before + len(made) == before + 1000
    assert [served() for _ in range(2)] == [("answer", frozen)] * 2  # later requests freeze nothing
    assert seen == [False, True, True] and gc.isenabled()
