"""SCIM test helpers (issue 31): an account with a verified email domain and a SCIM token, and a client for
its /scim/v2 endpoint that moves the test clock a second before each request (a token makes 10 requests a
second at most, and the tests' clock stands still otherwise)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.helpers.clock import Clock
from tests.helpers.flows import Joined, onboard
from tests.helpers.http import Api, Reply

SCIM_JSON = "application/scim+json"


@dataclass
class Scim:
    api: Api
    clock: Clock
    account_id: str
    token: str
    owner: Joined

    def call(
        self, method: str, path: str, body: Any = None, *, token: str | None = None, **headers: str
    ) -> Reply:
        self.clock.advance(seconds=1)
        sent = {"Content-Type": SCIM_JSON, **headers}
        url = f"/scim/v2/{self.account_id}{path}"
        return self.api.call(method, url, body, token=token or self.token, headers=sent)

    def get(self, path: str, **kw: Any) -> Reply:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any, **kw: Any) -> Reply:
        return self.call("POST", path, body, **kw)

    def put(self, path: str, body: Any, **kw: Any) -> Reply:
        return self.call("PUT", path, body, **kw)

    def patch(self, path: str, body: Any, **kw: Any) -> Reply:
        return self.call("PATCH", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Reply:
        return self.call("DELETE", path, **kw)


def scim_account(
    api: Api,
    clock: Clock,
    name: str = "Acme Hosting",
    owner: str = "owner@acme.com",
    domain: str = "acme.com",
) -> Scim:
    """An onboarded account whose email domain the operator vouched for, and a SCIM token of it."""
    account_id, joined = onboard(api, name, owner)
    vouched = api.post(
        f"/accounts/{account_id}/email-domains", {"domain": domain, "verified": True}, operator=True
    )
    assert vouched.status == 201, vouched.body
    made = api.post(f"/accounts/{account_id}/scim-tokens", token=joined.token)
    assert made.status == 201, made.body
    return Scim(api, clock, account_id, made.body["token"], joined)


def assert_scim_error(reply: Reply, status: int, scim_type: str | None = None) -> None:
    assert reply.status == status, reply.body
    assert reply.headers["content-type"] == SCIM_JSON
    assert reply.body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert reply.body["status"] == str(status) and reply.body["detail"]
    assert reply.body.get("scimType") == scim_type
