"""The SCIM edge (issue 31): only a SCIM token of the account in the path opens /scim/v2/{account_id}
(anything else: 401 in SCIM's error body), a SCIM token opens nothing of the JSON API, 10 requests a second
per token, `last_used_at`, discovery, and SCIM's routes kept out of /openapi.json."""

from __future__ import annotations

from typing import TYPE_CHECKING

import app
from chalicelib.api.routes import ROUTES
from tests.helpers.scim import assert_scim_error, scim_account

if TYPE_CHECKING:
    from tests.helpers import Api, Clock


def test_discovery_describes_what_the_server_does(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    config = scim.get("/ServiceProviderConfig")
    assert config.status == 200 and config.headers["content-type"] == "application/scim+json"
    body = config.body
    assert (body["patch"]["supported"], body["bulk"]["supported"], body["sort"]["supported"]) == (
        True,
        False,
        False,
    )
    assert (body["filter"], body["etag"]["supported"]) == ({"supported": True, "maxResults": 100}, True)
    assert body["changePassword"]["supported"] is False
    types = scim.get("/ResourceTypes").body
    assert [t["id"] for t in types["Resources"]] == ["User", "Group"] and types["totalResults"] == 2
    assert (
        scim.get("/ResourceTypes/User")
        .body["schemaExtensions"][0]["schema"]
        .endswith("portal-access:2.0:User")
    )
    schemas = scim.get("/Schemas").body["Resources"]
    user = next(s for s in schemas if s["id"] == "urn:ietf:params:scim:schemas:core:2.0:User")
    user_name = next(a for a in user["attributes"] if a["name"] == "userName")
    assert user_name["mutability"] == "immutable" and user_name["required"] is True
    assert_scim_error(scim.get("/Schemas/urn:nothing"), 404)


def test_only_a_token_of_this_account_opens_its_scim(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    other = scim_account(api, clock, "Other Co", "owner@other.com", "other.com")
    for token in ("nonsense", other.token, scim.owner.token, "pascim_" + "A" * 43):
        assert_scim_error(scim.get("/ServiceProviderConfig", token=token), 401)
    no_token = scim.api.call("GET", f"/scim/v2/{scim.account_id}/ServiceProviderConfig")
    assert_scim_error(no_token, 401)
    # A's token on B's endpoint: the same 401 as an unknown token (B's existence is not revealed)
    crossed = api.call("GET", f"/scim/v2/{other.account_id}/ServiceProviderConfig", token=scim.token)
    assert_scim_error(crossed, 401)


def test_a_scim_token_opens_nothing_of_the_json_api(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    for path in (f"/accounts/{scim.account_id}", f"/accounts/{scim.account_id}/members", "/me"):
        refused = api.get(path, token=scim.token)
        assert (refused.status, refused.code) == (401, "unauthenticated")


def test_a_revoked_token_stops_at_once_and_last_use_is_shown(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    assert scim.get("/ServiceProviderConfig").status == 200
    [listed] = api.get(f"/accounts/{scim.account_id}/scim-tokens", token=scim.owner.token).body["items"]
    assert listed["last_used_at"] == clock().strftime("%Y-%m-%dT%H:%M:%SZ")
    revoked = api.delete(
        f"/accounts/{scim.account_id}/scim-tokens/{listed['scim_token_id']}", token=scim.owner.token
    )
    assert revoked.status == 204
    assert_scim_error(scim.get("/ServiceProviderConfig"), 401)


def test_ten_requests_a_second_per_token(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    path = f"/scim/v2/{scim.account_id}/ServiceProviderConfig"
    clock.advance(seconds=1)
    answers = [api.call("GET", path, token=scim.token).status for _ in range(11)]
    assert answers == [200] * 10 + [429]
    limited = api.call("GET", path, token=scim.token)
    assert_scim_error(limited, 429)
    assert limited.headers["retry-after"] == "1"
    clock.advance(seconds=1)
    assert api.call("GET", path, token=scim.token).status == 200


def test_scim_routes_are_documented_by_scim_discovery_not_openapi(api: Api) -> None:
    documented = api.get("/openapi.json").body["paths"]
    assert not [path for path in documented if path.startswith("/scim")]
    served = {
        (method, path)
        for path, methods in app.app.routes.items()
        for method in methods
        if method != "OPTIONS"
    }
    scim = {(method, path) for method, path in served if path.startswith("/scim/v2/{account_id}")}
    assert ("GET", "/scim/v2/{account_id}/ServiceProviderConfig") in scim
    listed = {(route.method, route.path) for route in ROUTES}
    assert not scim & listed and listed <= served
    # outside the route table: SCIM (its own discovery) and the portal's pages (api/portal.py), nothing else
    assert {path.split("/")[1] for _, path in served - listed} == {"scim", "portal"}
