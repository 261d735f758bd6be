"""The HTTP edge: the one error shape, body limits, media types, no secrets and no stack traces."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from chalicelib.domain.permissions import ALL_KEYS
from tests.helpers import PASSWORD
from tests.helpers.seed import seed_user

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api


def test_health(api: Api) -> None:
    reply = api.get("/health")
    assert reply.status == 200 and reply.body == {"status": "ok"}


def test_permission_catalog(api: Api) -> None:
    reply = api.get("/permissions")
    assert reply.status == 200
    assert [p["key"] for p in reply.body["permissions"]] == list(ALL_KEYS)
    admin_only = {p["key"] for p in reply.body["permissions"] if p["admin_only"]}
    assert admin_only == {"pricing", "payments", "user_management"}
    assert all(p["label"] for p in reply.body["permissions"])
    assert reply.body["roles"] == ["owner", "admin", "member"]


def test_invalid_json(api: Api) -> None:
    for raw in ["{", "not json", '{"email": NaN}', "\xff", ""]:
        reply = api.post("/auth/login", raw=raw)
        assert reply.status == 400 and reply.code == "invalid_json", raw


def test_deeply_nested_json_is_a_clear_error(api: Api) -> None:
    reply = api.post("/auth/login", raw="[" * 30000 + "]" * 30000)
    assert reply.status == 400 and reply.code == "invalid_json"


def test_unknown_fields_and_wrong_types_are_rejected_per_field(api: Api) -> None:
    reply = api.post("/auth/login", {"email": "a@example.com", "password": "x", "admin": True})
    assert reply.code == "validation_error"
    assert {"field": "admin", "message": "unknown field"} in reply.body["error"]["details"]
    typed = api.post("/auth/login", {"email": 5, "password": ["x"]})
    assert {d["field"] for d in typed.body["error"]["details"]} == {"email", "password"}
    not_object = api.post("/auth/login", [1, 2])
    assert not_object.code == "validation_error"


def test_body_over_64_kib_is_413(api: Api) -> None:
    reply = api.post("/auth/login", raw=json.dumps({"email": "a@example.com", "password": "x" * 70000}))
    assert reply.status == 413 and reply.code == "payload_too_large"


def test_wrong_media_type_and_method_use_the_error_shape(api: Api) -> None:
    media = api.post(
        "/auth/login", raw="email=a", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert media.status == 415 and media.code == "unsupported_media_type"
    method = api.call("PUT", "/auth/login", {})
    assert method.status == 405 and method.code == "method_not_allowed"
    assert "POST" in method.headers["allow"]


def test_json_with_charset_is_accepted(api: Api, deps: Deps) -> None:
    seed_user(deps, "ann@example.com")
    reply = api.post(
        "/auth/login",
        {"email": "ann@example.com", "password": PASSWORD},
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert reply.status == 200


def test_unexpected_failure_is_a_json_500_without_a_trace(
    api: Api, deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("database on fire: secret detail")

    monkeypatch.setattr(deps.store.lockouts, "count_login_check", explode)  # the sign-in's first call
    reply = api.post("/auth/login", {"email": "a@example.com", "password": "x"})
    assert reply.status == 500
    assert reply.body == {"error": {"code": "internal_error", "message": "An unexpected error occurred."}}


def test_no_response_carries_a_secret(api: Api, deps: Deps) -> None:
    seed_user(deps, "ann@example.com")
    login = api.post("/auth/login", {"email": "ann@example.com", "password": PASSWORD})
    token = login.body["access_token"]
    texts = [json.dumps(r.body) for r in [login, api.get("/me", token=token)]]
    for text in texts:
        assert "argon2" not in text and "password" not in text and "token_version" not in text


def test_lone_surrogates_are_invalid_json(api: Api) -> None:
    reply = api.post("/auth/login", raw='{"email": "a@example.com", "password": "\\ud800abc"}')
    assert reply.status == 400 and reply.code == "invalid_json"


def test_passwords_are_taken_exactly_as_sent(api: Api, deps: Deps) -> None:
    seed_user(deps, "ann@example.com", password="  spaced secret  ")
    spaced = {"email": "ann@example.com", "password": "  spaced secret  "}
    assert api.post("/auth/login", spaced).status == 200
    assert api.post("/auth/login", {"email": "ann@example.com", "password": "spaced secret"}).status == 401


def test_email_syntax_rules(api: Api) -> None:
    for email, accepted in [
        ("ann@portal.test", True),  # special-use domains pass, like OpenAPI's "email" format
        ("o'brien+tag@example.co.uk", True),
        ("ann@localhost", False),  # no dot: a typo, not an address
        ("ann@@example.com", False),
        ("a" * 65 + "@example.com", False),  # local part over 64
    ]:
        reply = api.post("/auth/password-reset", {"email": email})
        assert (reply.status == 202) is accepted, (email, reply.body)


def test_every_answer_carries_the_security_headers(api: Api) -> None:
    for reply in (
        api.get("/health"),
        api.get("/me"),
        api.call("DELETE", "/permissions"),
        api.post("/auth/login", raw=b"{"),
        api.post("/auth/login", raw=b"x" * (65 * 1024)),
    ):
        assert reply.headers["x-content-type-options"] == "nosniff", reply.status
        assert reply.headers["strict-transport-security"].startswith("max-age=")
        assert reply.headers["referrer-policy"] == "no-referrer"


def test_a_key_sent_twice_is_refused_not_resolved(api: Api) -> None:
    reply = api.post("/auth/login", raw=b'{"email": "a@example.com", "password": "x", "password": "y"}')
    assert reply.status == 400 and reply.code == "invalid_json"
    assert "password" in reply.body["error"]["message"]


def test_an_operator_request_with_a_bad_bearer_token_is_refused_on_every_route(api: Api) -> None:
    bad = {"Authorization": "Bearer not-a-token"}
    created = api.post("/accounts", {"name": "X", "owner_email": "x@example.com"}, operator=True, headers=bad)
    assert created.status == 401


def test_permission_labels_follow_accept_language_and_keys_never_change(api: Api) -> None:
    english = api.get("/permissions").body["permissions"]
    german = api.get("/permissions", headers={"Accept-Language": "de-DE,de;q=0.9"}).body["permissions"]
    assert [p["key"] for p in german] == [p["key"] for p in english]
    labels = {p["key"]: p["label"] for p in german}
    assert labels["user_management"] == "Benutzer verwalten"
    assert all(g["label"] != e["label"] for g, e in zip(german, english, strict=True))
