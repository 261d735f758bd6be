"""GET /openapi.json: generated, complete, and agreeing with the route table."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, cast

from chalicelib.api.errors import STATUS_BY_CODE
from chalicelib.api.routes import ROUTES
from chalicelib.errors import ERROR_CODES, ErrorCode

if TYPE_CHECKING:
    from tests.helpers import Api


def test_openapi_document_covers_every_route(api: Api) -> None:
    reply = api.get("/openapi.json")
    assert reply.status == 200
    document = reply.body
    assert document["openapi"] == "3.1.0"
    documented = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    assert documented == {(route.method, route.path) for route in ROUTES}
    assert len(documented) == 111  # every operation of the contract, /docs and its assets included


def _codes(operation: dict[str, Any], status: str) -> list[str]:
    schema = operation["responses"][status]["content"]["application/json"]["schema"]
    assert schema["$ref"] == "#/components/schemas/ErrorBody"  # the one error body, its code narrowed
    return cast("list[str]", schema["properties"]["error"]["properties"]["code"]["enum"])


def test_operations_carry_schemas_errors_and_security(api: Api) -> None:
    document = api.get("/openapi.json").body
    schemas = document["components"]["schemas"]
    accept = document["paths"]["/invitations/accept"]["post"]
    assert accept["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AcceptIn"
    }
    assert set(accept["responses"]) == {
        "201", "400", "401", "403", "404", "409", "410", "413", "415", "429", "500"
    }  # fmt: skip
    assert accept["responses"]["429"]["headers"]["Retry-After"]["required"] is True
    # each error response lists the codes this route answers with that status, and only those
    codes = {status: _codes(accept, status) for status in accept["responses"] if status != "201"}
    assert codes["409"] == ["already_member", "changed_meanwhile", "login_exists", "owner_exists"]
    assert codes["401"] == ["invalid_credentials", "unauthenticated"]
    assert codes["403"] == ["email_mismatch", "forbidden", "mfa_required"]
    assert codes["500"] == ["internal_error"]
    assert accept["responses"]["409"]["headers"]["Retry-After"]["required"] is False  # changed_meanwhile's
    assert "headers" not in accept["responses"]["403"]
    routes = {(route.method.lower(), route.path): route for route in ROUTES}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = {code: routes[(method, path)].status_of(code) for code in STATUS_BY_CODE}
            for status in operation["responses"]:
                if int(status) >= 400:
                    listed = [cast(ErrorCode, code) for code in _codes(operation, status)]
                    assert {statuses[code] for code in listed} == {int(status)}, (method, path, status)
    # the one code whose status depends on the route: a failed sign-in step, or a wrong code on a Bearer route
    assert "invalid_code" in _codes(document["paths"]["/auth/login/mfa"]["post"], "401")
    assert "invalid_code" in _codes(document["paths"]["/me/mfa/totp"]["post"], "400")
    assert {c for route in ROUTES for c in route.codes if route.status_of(c) != STATUS_BY_CODE[c]} == {
        "invalid_code"
    }
    members = document["paths"]["/accounts/{account_id}/members"]["get"]
    assert {p["name"] for p in members["parameters"]} == {
        "account_id",
        "limit",
        "cursor",
        "status",
        "sort",
        "order",
        "group_id",
        "mfa",
    }
    assert members["security"] == [{"bearer": []}, {"operator": []}]
    # the operator's routes take its key alone; accepting needs no credentials (a token is optional)
    paths = document["paths"]
    operator = (
        "/accounts",
        "/accounts/{account_id}/owner-invitation",
        "/accounts/{account_id}/support-sessions",
    )
    for path, method in [(path, "post") for path in operator] + [("/webhooks", "get")]:
        assert paths[path][method]["security"] == [{"operator": []}], path
    assert "security" not in accept and "Bearer token" in accept["description"]
    assert "security" not in document["paths"]["/health"]["get"]
    # one permission enum wherever a permission is named, granting included (admin-only keys: a 400)
    named = {
        json.dumps(prop)
        for schema in schemas.values()
        for field, prop in schema.get("properties", {}).items()
        if field in ("permission", "permissions")
    }
    refs = {ref for text in named for ref in re.findall(r'"\$ref": "#/components/schemas/(\w+)"', text)}
    assert refs == {"PermissionKey", "PermissionInfo"}  # (the catalog's entries: GET /permissions)
    assert "GrantableKey" not in schemas
    assert schemas["AccountCreateIn"]["properties"]["owner_email"]["format"] == "email"
    assert schemas["AccountCreateIn"]["additionalProperties"] is False
    assert schemas["Member"]["properties"]["joined_at"]["format"] == "date-time"
    assert schemas["ErrorBody"]["required"] == ["error"]


# The one answer whose `token` is a secret by contract: a new SCIM token, shown once (API.md "SCIM 2.0"),
# as a new webhook's `secret`; only its hash is kept (tests/api/test_scim_tokens.py).
SHOWN_ONCE = {("CreatedScimToken", "token")}


def test_no_output_schema_can_carry_a_secret(api: Api) -> None:
    schemas = api.get("/openapi.json").body["components"]["schemas"]
    outputs = [name for name, schema in schemas.items() if not name.endswith("In") and "properties" in schema]
    for name in outputs:
        for field in schemas[name]["properties"]:
            assert "hash" not in field and "password" not in field, (name, field)
            assert field != "token" or (name, field) in SHOWN_ONCE, (name, field)
    assert "token" not in schemas["ScimToken"]["properties"]  # the list never shows it


def test_the_document_is_a_valid_openapi_3_1_spec_with_one_role_schema(api: Api) -> None:
    from openapi_spec_validator import OpenAPIV31SpecValidator

    document = api.get("/openapi.json").body
    assert [str(error)[:300] for error in OpenAPIV31SpecValidator(document).iter_errors()] == []
    schemas = document["components"]["schemas"]
    assert schemas["Role"]["enum"] == ["owner", "admin", "member"]
    assert schemas["Member"]["properties"]["role"] == {"$ref": "#/components/schemas/Role"}
    assert schemas["Invitation"]["properties"]["role"] == {"$ref": "#/components/schemas/Role"}
    assert schemas["ErrorInfo"]["properties"]["code"]["enum"] == sorted(STATUS_BY_CODE) == sorted(ERROR_CODES)


def test_enums_are_named_once_and_outputs_carry_them_too(api: Api) -> None:
    """A generated client gets one type per enum (PermissionKey, not an enum per field), in answers too."""
    schemas = api.get("/openapi.json").body["components"]["schemas"]
    key = {"$ref": "#/components/schemas/PermissionKey"}
    for output in ("Member", "Invitation", "Group"):
        assert schemas[output]["properties"]["permissions"]["items"] == key, output
    assert schemas["PermissionInfo"]["properties"]["key"] == key
    assert schemas["AuthorizeIn"]["properties"]["permission"] == key
    assert len(schemas["PermissionKey"]["enum"]) == 16
    assert schemas["InviteResult"]["properties"]["reason"]["anyOf"][0] == {
        "$ref": "#/components/schemas/SkipReason"
    }
    assert schemas["AuthorizeOut"]["properties"]["reason"]["anyOf"][0] == {
        "$ref": "#/components/schemas/DenyReason"
    }
    scope = schemas["InviteIn"]["properties"]["sub_accounts"]["anyOf"]
    assert scope[0] == {"$ref": "#/components/schemas/AllSubAccounts"} and scope[1]["maxItems"] == 1000
    password = schemas["PasswordChangeIn"]["properties"]["new_password"]
    assert (password["minLength"], password["maxLength"]) == (10, 256)


def test_every_component_has_its_own_plain_name() -> None:
    """Two models of one class name get module-path names (`chalicelib__schemas__...`), which generated
    clients cannot resolve (openapi-python-client dropped both invite-link routes): names stay unique."""
    import app  # noqa: F401  (the routes register as their modules load)
    from chalicelib.api.openapi import openapi_document

    names = openapi_document()["components"]["schemas"]
    assert [name for name in names if "__" in name] == []


PYDANTIC_ONLY = {"ge", "le", "gt", "lt", "min_length", "max_length", "multiple_of"}


def test_every_constraint_is_written_in_json_schema_words(api: Api) -> None:
    """`Field(ge=1)` on an optional field was written as a raw `ge` that no client or fuzzer reads
    (schemathesis sent a seat limit of 0, which the API refused): each bound in JSON Schema's words."""
    schemas = api.get("/openapi.json").body["components"]["schemas"]

    def raw_keys(node: object, path: str) -> list[str]:
        if isinstance(node, list):
            return [found for i, item in enumerate(node) for found in raw_keys(item, f"{path}.{i}")]
        if not isinstance(node, dict):
            return []
        here = [] if path.endswith(".properties") else [f"{path}.{k}" for k in node if k in PYDANTIC_ONLY]
        return here + [found for k, v in node.items() for found in raw_keys(v, f"{path}.{k}")]

    assert raw_keys(schemas, "schemas") == []
    limit = schemas["SeatsIn"]["properties"]["limit"]["anyOf"][0]
    assert (limit["minimum"], limit["maximum"]) == (1, 100000)


def test_a_logo_upload_is_documented_as_a_raw_image_body(api: Api) -> None:
    upload = api.get("/openapi.json").body["paths"]["/brands/{brand_id}/logo"]["put"]
    assert set(upload["requestBody"]["content"]) == {"application/octet-stream"}  # what generators take
    assert "image/png, image/svg+xml" in upload["requestBody"]["description"]
    assert upload["security"] == [{"operator": []}]
    assert {"400", "404", "413", "415"} <= set(upload["responses"])
