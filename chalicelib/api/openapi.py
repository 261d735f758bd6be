"""The OpenAPI 3.1 document, generated from the route table and the pydantic models: never written by hand,
so it cannot drift from what the service does."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, WithJsonSchema
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from chalicelib.api.routes import ROUTES, Route
from chalicelib.errors import ERROR_CODES, ErrorCode

REF = "#/components/schemas/{model}"
Refs = Mapping[tuple[Any, JsonSchemaMode], dict[str, Any]]
DESCRIPTIONS = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No content",
    400: "Invalid JSON or failed validation",
    401: "Missing, invalid or revoked credentials",
    403: "Authenticated but not allowed",
    404: "Not found, or not visible to the caller",
    409: "The current state forbids it",
    410: "The link has expired",
    413: "Body over 64 KiB",
    415: "Body is not application/json",
    422: "The Idempotency-Key came with another body",
    429: "Too many attempts; see Retry-After",
    500: "An unexpected error; nothing is promised about what it did",
}
# The codes a client may retry after Retry-After seconds, whichever status they come with.
RETRY_AFTER_CODES: tuple[ErrorCode, ...] = ("changed_meanwhile", "idempotency_in_progress", "rate_limited")


class ErrorDetail(BaseModel):
    field: str
    message: str


class ErrorInfo(BaseModel):
    code: Annotated[ErrorCode, WithJsonSchema({"type": "string", "enum": sorted(ERROR_CODES)})]
    message: str
    details: list[ErrorDetail] | None = None


class ErrorBody(BaseModel):
    """Every error answers with this body."""

    error: ErrorInfo


OPTIONAL_CREDENTIALS = (
    "Needs no credentials. A signed-in caller may send its Bearer token (the `bearer` scheme) instead, and "
    "is answered as that login: accepting an invitation without its password, joining through an invite "
    "link as itself (no `email`)."
)
IDEMPOTENCY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Makes a retry safe: within 24 hours the same key (from the same caller, on the same path) with the "
        "same body answers the first success again; with another body 422 idempotency_key_reused; while the "
        "first request runs 409 idempotency_in_progress; if it died after its change but before its answer "
        "was kept, 409 idempotency_outcome_unknown. A request refused before changing anything keeps nothing."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
}


def _codes_by_status(route: Route) -> dict[int, list[ErrorCode]]:
    """The codes the route can answer (Route.codes), grouped by the status each is answered with."""
    grouped: dict[int, list[ErrorCode]] = {}
    for code in sorted(route.codes):
        grouped.setdefault(route.status_of(code), []).append(code)
    return dict(sorted(grouped.items()))


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """Query parameters are absent rather than null: drop the null branch pydantic gives optional fields."""
    branches = [b for b in schema.get("anyOf", []) if b.get("type") != "null"]
    if len(branches) == 1:
        merged = {k: v for k, v in schema.items() if k != "anyOf" and not (k == "default" and v is None)}
        return {**branches[0], **merged}
    return schema


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=REF)
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": _without_null(prop)}
        for name, prop in schema["properties"].items()
    ]


def _drop_impossible_defaults(schema: dict[str, Any]) -> None:
    """A field that may be left out but not sent as null (a name that can change but not be cleared) has
    pydantic's `default: null`, which its own type refuses: leave the default out of the document."""
    for prop in schema.get("properties", {}).values():
        if "default" in prop and prop["default"] is None and prop.get("type") not in (None, "null"):
            del prop["default"]


# Routes that belong with another resource's (a generated client makes a module per tag).
_TAG_OF = {
    "ownership": "accounts",
    "owner-invitation": "accounts",
    "notification-recipients": "contacts",
    "health": "service",
    "permissions": "service",
    "openapi.json": "service",
    "docs": "service",
}


def _tag(path: str) -> str:
    """/accounts/{id}/members/... -> members; /auth/login -> auth; /health -> service."""
    parts = [part for part in path.split("/") if part and not part.startswith("{")]
    tag = parts[1] if parts[0] == "accounts" and len(parts) > 1 else parts[0]
    return _TAG_OF.get(tag, tag)


def _json(ref: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": ref}}


def _error_response(status: int, codes: list[ErrorCode], refs: Refs) -> dict[str, Any]:
    """The error body, its `code` narrowed to the codes this route answers with this status: a client (or
    a test, tests/api/conftest.py) can tell from the document alone what a route may answer. The narrowing
    sits beside the `$ref` (OpenAPI 3.1 allows it): validators apply both, and generators, which read the
    `$ref` alone, still type every error as the one ErrorBody."""
    narrowed = {"properties": {"error": {"properties": {"code": {"enum": codes}}}}}
    response: dict[str, Any] = {
        "description": DESCRIPTIONS[status] + ": " + ", ".join(f"`{code}`" for code in codes),
        "content": _json({**refs[(ErrorBody, "serialization")], **narrowed}),
    }
    if any(code in RETRY_AFTER_CODES for code in codes):
        response["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "required": status == 429}}
    return response


def _success(route: Route, refs: Refs) -> dict[str, Any]:
    success: dict[str, Any] = {"description": DESCRIPTIONS.get(route.status, "OK")}
    if route.media_types != ("application/json",):  # a page or an asset
        success["content"] = {media: {"schema": {"type": "string"}} for media in route.media_types}
    elif route.returns is not None:
        success["content"] = _json(refs[(route.returns, "serialization")])
    elif route.status == 200:
        success["content"] = _json({"type": "object"})
    return success


def _add_answer(responses: dict[str, Any], status: int, schema: dict[str, Any]) -> None:
    """Another success body: its own status, or one of the bodies at a status already answered."""
    found = responses.setdefault(str(status), {"description": DESCRIPTIONS.get(status, "OK")})
    content = found.setdefault("content", {}).setdefault("application/json", {})
    if "schema" not in content:
        content["schema"] = schema
        return
    known = content["schema"].get("oneOf", [content["schema"]])
    content["schema"] = {"oneOf": [*known, schema]}


def _operation(route: Route, refs: Refs) -> dict[str, Any]:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", route.path)
    ]
    if route.query is not None:
        parameters += _query_parameters(route.query)
    if route.idempotent:
        parameters.append(IDEMPOTENCY_PARAMETER)
    responses = {str(route.status): _success(route, refs)}
    for status, model in route.other_answers:
        _add_answer(responses, status, refs[(model, "serialization")])
    for status, codes in _codes_by_status(route).items():
        responses[str(status)] = _error_response(status, codes, refs)
    operation: dict[str, Any] = {
        "operationId": route.name,
        "summary": route.summary,
        "tags": [_tag(route.path)],
        "parameters": parameters,
        "responses": responses,
    }
    if route.body is not None:
        operation["requestBody"] = {"required": True, "content": _json(refs[(route.body, "validation")])}
    elif route.uploads:
        # One binary media type: generators (openapi-python-client) skip an operation naming image/* types;
        # the route takes the others listed too, and reads the type from the content.
        raw = {"type": "string", "format": "binary"}
        operation["requestBody"] = {
            "required": True,
            "description": f"The file's bytes, sent as {', '.join(route.uploads)}: read for its type.",
            "content": {"application/octet-stream": {"schema": raw}},
        }
    security = route.access.security()
    if security is not None and {} in security:
        # Optional credentials: declared as none, since generators (openapi-python-client) read any
        # `security` as required and would make a new user sign in before accepting their invitation.
        operation["description"] = OPTIONAL_CREDENTIALS
    elif security is not None:
        operation["security"] = security
    return operation


@cache
def openapi_document() -> dict[str, Any]:
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [(ErrorBody, "serialization")]
    for route in ROUTES:
        if route.body is not None:
            wanted.append((route.body, "validation"))
        if route.returns is not None:
            wanted.append((route.returns, "serialization"))
        wanted += [(model, "serialization") for _, model in route.other_answers]
    refs, definitions = models_json_schema(list(dict.fromkeys(wanted)), ref_template=REF)
    for schema in definitions.get("$defs", {}).values():
        _drop_impossible_defaults(schema)
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "portal-access",
            "version": "1.0.0",
            "description": "Account user management for client portals. Error codes: "
            + ", ".join(sorted(ERROR_CODES)),
        },
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "operator": {"type": "apiKey", "in": "header", "name": "X-Operator-Key"},
            },
        },
    }
