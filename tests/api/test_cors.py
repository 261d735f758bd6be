"""CORS_ALLOWED_ORIGINS: exact origins only, the headers on every answer for them (errors too), a 204 to
their preflight, nothing at all for any other origin, and nothing for anyone by default."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from chalicelib.api.cors import allowed_origins
from chalicelib.config import ConfigError

if TYPE_CHECKING:
    from tests.helpers import Api

APP = "https://app.example.com"
OTHER = "https://app.example.com.evil.test"


@pytest.fixture
def listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", f"{APP}, http://localhost:3000")


def test_nothing_by_default(api: Api) -> None:
    reply = api.get("/health", headers={"Origin": APP})
    assert reply.status == 200 and "access-control-allow-origin" not in reply.headers
    assert "vary" not in reply.headers
    preflight = api.call("OPTIONS", "/auth/login", headers={"Origin": APP})
    assert "access-control-allow-origin" not in preflight.headers
    # with no origin listed, OPTIONS is the method the API does not have, as before CORS existed
    assert preflight.status == 405 and preflight.code == "method_not_allowed"
    assert preflight.headers["allow"] == "POST"


def test_a_listed_origin_gets_its_preflight_answered(api: Api, listed: None) -> None:
    reply = api.call(
        "OPTIONS",
        "/accounts/a1/members/u1",
        headers={"Origin": APP, "Access-Control-Request-Method": "PATCH"},
    )
    assert reply.status == 204
    assert reply.headers["access-control-allow-origin"] == APP and reply.headers["vary"] == "Origin"
    methods = {m.strip() for m in reply.headers["access-control-allow-methods"].split(",")}
    assert methods == {"GET", "PATCH", "DELETE", "OPTIONS"}
    headers = {h.strip().lower() for h in reply.headers["access-control-allow-headers"].split(",")}
    assert headers == {"authorization", "content-type", "idempotency-key"}


def test_the_headers_ride_on_successes_and_errors(api: Api, listed: None) -> None:
    ok = api.get("/health", headers={"Origin": "http://localhost:3000"})
    assert ok.headers["access-control-allow-origin"] == "http://localhost:3000"
    for reply in (
        api.get("/me", headers={"Origin": APP}),  # 401 from the view
        api.post("/auth/login", raw="{", headers={"Origin": APP}),  # 400 invalid JSON
        api.call("PUT", "/health", headers={"Origin": APP}),  # Chalice's own 405, rewritten
    ):
        assert reply.status >= 400 and reply.body["error"]["code"]
        assert reply.headers["access-control-allow-origin"] == APP and reply.headers["vary"] == "Origin"
        assert "retry-after" in reply.headers["access-control-expose-headers"].lower()


def test_an_origin_not_listed_gets_no_cors_header(api: Api, listed: None) -> None:
    for origin in (OTHER, "http://app.example.com", "https://app.example.com:8443", "null"):
        reply = api.call("OPTIONS", "/auth/login", headers={"Origin": origin})
        assert reply.status == 405 and "access-control-allow-origin" not in reply.headers, origin
        assert reply.headers["vary"] == "Origin"
        got = api.get("/health", headers={"Origin": origin})
        assert got.status == 200 and "access-control-allow-origin" not in got.headers, origin


def test_the_setting_takes_exact_origins_only() -> None:
    assert allowed_origins({"CORS_ALLOWED_ORIGINS": " https://A.example.com ,http://127.0.0.1:5173"}) == {
        "https://a.example.com",
        "http://127.0.0.1:5173",
    }
    assert allowed_origins({}) == frozenset()
    for bad in ("*", "https://a.example.com/", "a.example.com", "https://a.example.com/app"):
        with pytest.raises(ConfigError):
            allowed_origins({"CORS_ALLOWED_ORIGINS": bad})
