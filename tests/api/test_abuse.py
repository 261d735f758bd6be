"""Hostile input: each gets a clear 4xx JSON error or is stored safely and returned verbatim; nothing 500s."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

import app  # noqa: F401  (registers every route)
from chalicelib.api.route_guards import OperatorOnly
from chalicelib.api.routes import ROUTES
from chalicelib.config import ConfigError, load_settings
from chalicelib.deps import use_deps
from tests.helpers import SETTINGS_ENV, invite, onboard
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api

# pydantic's own wording, which a person should never be shown
LIBRARY_WORDING = re.compile(
    r"Input should|Value error|Field required|Extra inputs|should be a valid|should have"
)
WRONG_BY_TYPE = {"string": 12345, "integer": "many", "boolean": "yes", "array": "not-a-list", "object": ["x"]}


def wrong_value(schema: dict[str, Any]) -> object:
    kinds = [schema.get("type")] + [branch.get("type") for branch in schema.get("anyOf", [])]
    for kind in kinds:
        if kind in WRONG_BY_TYPE:
            return WRONG_BY_TYPE[kind]
    return {"unexpected": "object"}  # enums, references: an object fits none of them


@pytest.fixture
def world(api: Api) -> tuple[dict[str, str], str]:
    account_id, owner = onboard(api)
    invitation = invite(api, account_id, owner.token, ["ann@example.com"])["results"][0]["invitation"]
    contact = api.post(f"/accounts/{account_id}/contacts", {"email": "c@example.com"}, token=owner.token).body
    sub_account = api.post(f"/accounts/{account_id}/sub-accounts", {"name": "Shop"}, token=owner.token).body
    group = api.post(f"/accounts/{account_id}/groups", {"name": "Billing"}, token=owner.token).body
    hook = {"url": "https://93.184.216.34/h", "event_types": ["*"]}
    webhook = api.post(f"/accounts/{account_id}/webhooks", hook, token=owner.token).body
    api.post(f"/accounts/{account_id}/email-domains", {"domain": "acme.com"}, token=owner.token)
    brand = {"name": "Reseller", "primary_color": "#7b1fa2", "support_email": "help@reseller.example"}
    brand_id = api.post("/brands", brand, operator=True).body["brand_id"]
    ids = {"account_id": account_id, "user_id": owner.user_id, "invitation_id": invitation["invitation_id"],
           "contact_id": contact["contact_id"], "sub_account_id": sub_account["sub_account_id"],
           "group_id": group["group_id"], "webhook_id": webhook["webhook_id"],
           "passkey_id": "pky_000000000000000000000000", "domain": "acme.com",
           "join_request_id": "jrq_000000000000000000000000",
           "invite_link_id": "ilk_000000000000000000000000", "brand_id": brand_id}  # fmt: skip
    return ids, owner.token


def test_wrong_types_in_every_field_of_every_body_are_400(
    api: Api, world: tuple[dict[str, str], str]
) -> None:
    ids, token = world
    checked = 0
    for route in [r for r in ROUTES if r.body is not None]:
        path = route.path.format(**ids)
        access = route.access
        operator_only = isinstance(access, OperatorOnly) or getattr(access, "operator_only", False)
        auth = {"operator": True} if operator_only else {"token": token}
        for field, schema in present(route.body).model_json_schema()["properties"].items():
            reply = api.call(route.method, path, {field: wrong_value(schema)}, **auth)
            assert reply.status == 400 and reply.code == "validation_error", (route.path, field, reply.body)
            details = reply.body["error"]["details"]
            assert any(d["field"].split(".")[0] == field for d in details), (route.path, field)
            assert not [d for d in details if LIBRARY_WORDING.search(d["message"])], (route.path, details)
            checked += 1
    assert checked == 154  # every field of every body model; grows with the contract (locales 3, brands 14)


def test_unicode_and_injection_looking_text_is_stored_verbatim(
    api: Api, world: tuple[dict[str, str], str]
) -> None:
    ids, token = world
    values = {
        "first_name": "Zoë 李 🚀 Ωmega",
        "last_name": "'; DROP TABLE users; --",
        "company_name": '{"$ne": null} || 1==1',
        "phone": "<script>alert(1)</script>",
    }
    created = api.post(
        f"/accounts/{ids['account_id']}/contacts", {"email": "x@example.com", **values}, token=token
    )
    assert created.status == 201
    fetched = api.get(
        f"/accounts/{ids['account_id']}/contacts/{created.body['contact_id']}", token=token
    ).body
    assert {name: fetched[name] for name in values} == values


def test_control_characters_in_names_are_refused(api: Api, world: tuple[dict[str, str], str]) -> None:
    ids, token = world
    for name in ["bad\x00name", "line\nbreak", "bell\x07", "esc\x1b[31m"]:
        reply = api.patch("/me", {"first_name": name}, token=token)
        assert reply.code == "validation_error", repr(name)


def test_ten_thousand_character_emails(api: Api, world: tuple[dict[str, str], str]) -> None:
    ids, token = world
    huge = "a" * 10000 + "@example.com"
    assert api.post("/auth/login", {"email": huge, "password": "x"}).code == "validation_error"
    assert (
        api.post(f"/accounts/{ids['account_id']}/contacts", {"email": huge}, token=token).code
        == "validation_error"
    )
    assert api.post("/auth/password-reset", {"email": huge}).code == "validation_error"
    result = invite(api, ids["account_id"], token, [huge])["results"][0]
    assert result == {"email": huge, "status": "skipped", "reason": "invalid_email", "invitation": None}


def test_oversized_lists_are_refused(api: Api, world: tuple[dict[str, str], str]) -> None:
    ids, token = world
    many_keys = {"emails": ["a@example.com"], "role": "member", "permissions": ["tickets"] * 1000}
    assert (
        api.post(f"/accounts/{ids['account_id']}/invitations", many_keys, token=token).code
        == "validation_error"
    )
    huge_list = api.post("/auth/login", raw='{"email": [' + ",".join(["1"] * 20000) + "]}")
    assert huge_list.status in (400, 413)


def test_odd_path_ids_are_404_not_errors(api: Api, world: tuple[dict[str, str], str]) -> None:
    ids, token = world
    account = ids["account_id"]
    for odd in ["..", "%00", "ACCOUNT%23x", "x" * 300, "usr_" + "g" * 24, "'%20OR%20'1'='1"]:
        assert api.get(f"/accounts/{account}/members/{odd}", token=token).status == 404, odd
        assert api.get(f"/accounts/{odd}", token=token).status == 404, odd


def test_a_misconfigured_service_fails_closed_with_a_json_500(api: Api, deps: Deps) -> None:
    use_deps(None)  # rebuild from an environment that lacks the secrets
    reply = api.get("/me", headers={"Authorization": "Bearer x"})
    assert reply.status == 500 and reply.body == {
        "error": {"code": "internal_error", "message": "The service is not configured correctly."}
    }
    use_deps(deps)
    with pytest.raises(ConfigError):
        load_settings({**SETTINGS_ENV, "TOKEN_SECRET": "short"})
    with pytest.raises(ConfigError):
        load_settings({**SETTINGS_ENV, "INVITATION_TTL_SECONDS": "-5"})
