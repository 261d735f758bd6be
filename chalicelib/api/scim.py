"""SCIM 2.0 (issue 31, RFC 7643/7644) at /scim/v2/{account_id}: discovery, Users (the account's members)
and Groups (its custom user groups). Routes only: the edge is api/scim_http.py, the rules services/scim_*.py
and domain/scim_*.py."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.lazy import scim_groups, scim_user_changes, scim_user_list, scim_users
from chalicelib.api.scim_http import ScimAnswer, ScimCall, scim_route
from chalicelib.domain import scim_discovery as discovery
from chalicelib.domain.scim_errors import ScimError, not_found

bp = Blueprint(__name__)


def _sub_accounts(call: ScimCall) -> list[str]:
    return sorted(call.account.sub_account_ids or [])


@scim_route(bp, "GET", "/ServiceProviderConfig")
def service_provider_config(call: ScimCall, account_id: str) -> ScimAnswer:
    return ScimAnswer(discovery.service_provider_config(call.base))


@scim_route(bp, "GET", "/ResourceTypes")
def resource_types(call: ScimCall, account_id: str) -> ScimAnswer:
    found = discovery.resource_types(call.base)
    return ScimAnswer(discovery.list_response(found, len(found)))


@scim_route(bp, "GET", "/ResourceTypes/{name}")
def resource_type(call: ScimCall, account_id: str, name: str) -> ScimAnswer:
    found = [one for one in discovery.resource_types(call.base) if one["id"] == name]
    if not found:
        raise not_found("resource type")
    return ScimAnswer(found[0])


@scim_route(bp, "GET", "/Schemas")
def schemas(call: ScimCall, account_id: str) -> ScimAnswer:
    found = discovery.schemas(call.base, _sub_accounts(call))
    return ScimAnswer(discovery.list_response(found, len(found)))


@scim_route(bp, "GET", "/Schemas/{urn}")
def schema(call: ScimCall, account_id: str, urn: str) -> ScimAnswer:
    found = [one for one in discovery.schemas(call.base, _sub_accounts(call)) if one["id"] == urn]
    if not found:
        raise not_found("schema")
    return ScimAnswer(found[0])


def _resource(found: dict[str, object], status: int = 200) -> ScimAnswer:
    meta = found.get("meta")
    return ScimAnswer(found, status, meta.get("version") if isinstance(meta, dict) else None)


@scim_route(bp, "GET", "/Users")
def list_users(call: ScimCall, account_id: str) -> ScimAnswer:
    return ScimAnswer(scim_user_list.list_users(call.deps, call.caller, call.account, call.query, call.base))


@scim_route(bp, "POST", "/Users")
def create_user(call: ScimCall, account_id: str) -> ScimAnswer:
    return _resource(scim_users.create_user(call.deps, call.caller, call.account, call.body, call.base), 201)


@scim_route(bp, "POST", "/Users/.search")
def search_users(call: ScimCall, account_id: str) -> ScimAnswer:
    query = discovery.search_query(call.body)
    return ScimAnswer(scim_user_list.list_users(call.deps, call.caller, call.account, query, call.base))


@scim_route(bp, "GET", "/Users/{user_id}")
def get_user(call: ScimCall, account_id: str, user_id: str) -> ScimAnswer:
    found = scim_users.read_user(call.deps, call.caller, call.account, user_id, call.base, call.query)
    return _resource(found)


@scim_route(bp, "PUT", "/Users/{user_id}")
def replace_user(call: ScimCall, account_id: str, user_id: str) -> ScimAnswer:
    changed = scim_user_changes.replace_user(
        call.deps, call.caller, call.account, user_id, call.body, call.base, call.if_match
    )
    return _resource(changed)


@scim_route(bp, "PATCH", "/Users/{user_id}")
def patch_user(call: ScimCall, account_id: str, user_id: str) -> ScimAnswer:
    changed = scim_user_changes.patch_user(
        call.deps, call.caller, call.account, user_id, call.body, call.base, call.if_match
    )
    return _resource(changed)


@scim_route(bp, "DELETE", "/Users/{user_id}")
def delete_user(call: ScimCall, account_id: str, user_id: str) -> ScimAnswer:
    scim_user_changes.delete_user(call.deps, call.caller, call.account, user_id, call.if_match)
    return ScimAnswer(None, 204)


@scim_route(bp, "GET", "/Groups")
def list_groups(call: ScimCall, account_id: str) -> ScimAnswer:
    return ScimAnswer(scim_groups.list_groups(call.deps, call.caller, call.account, call.query, call.base))


@scim_route(bp, "POST", "/Groups")
def create_group(call: ScimCall, account_id: str) -> ScimAnswer:
    return _resource(
        scim_groups.create_group(call.deps, call.caller, call.account, call.body, call.base), 201
    )


@scim_route(bp, "POST", "/Groups/.search")
def search_groups(call: ScimCall, account_id: str) -> ScimAnswer:
    query = discovery.search_query(call.body)
    return ScimAnswer(scim_groups.list_groups(call.deps, call.caller, call.account, query, call.base))


@scim_route(bp, "GET", "/Groups/{group_id}")
def get_group(call: ScimCall, account_id: str, group_id: str) -> ScimAnswer:
    found = scim_groups.get_group(call.deps, call.caller, call.account, group_id, call.base, call.query)
    return _resource(found)


@scim_route(bp, "PUT", "/Groups/{group_id}")
def replace_group(call: ScimCall, account_id: str, group_id: str) -> ScimAnswer:
    return _resource(
        scim_groups.replace_group(call.deps, call.caller, call.account, group_id, call.body, call.base)
    )


@scim_route(bp, "PATCH", "/Groups/{group_id}")
def patch_group(call: ScimCall, account_id: str, group_id: str) -> ScimAnswer:
    return _resource(
        scim_groups.patch_group(call.deps, call.caller, call.account, group_id, call.body, call.base)
    )


@scim_route(bp, "DELETE", "/Groups/{group_id}")
def delete_group(call: ScimCall, account_id: str, group_id: str) -> ScimAnswer:
    scim_groups.delete_group(call.deps, call.caller, call.account, group_id)
    return ScimAnswer(None, 204)


@scim_route(bp, "POST", "/.search")
def search_everything(call: ScimCall, account_id: str) -> ScimAnswer:
    """RFC 7644 §3.4.3 lets a server refuse a search over every resource type with 501."""
    raise ScimError(501, "Search one resource type: POST /Users/.search or /Groups/.search.")


@scim_route(bp, "GET", "/{resource}")
def unknown(call: ScimCall, account_id: str, resource: str) -> ScimAnswer:
    """Any other path under the account's SCIM endpoint: SCIM's 404 (literal routes above win)."""
    raise not_found("endpoint")
