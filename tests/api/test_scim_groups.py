"""SCIM Groups through the API (issue 31) with Okta's and Entra's bodies: a group is a custom user group;
adding a member moves them from their group, removing (by a value list or a value filter) sends them to the
default group with no permissions and no sub-accounts, an admin cannot be added, DELETE moves the members
to the default group; filters and excludedAttributes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from tests.helpers.scim import assert_scim_error, scim_account

if TYPE_CHECKING:
    from tests.helpers import Api, Clock
    from tests.helpers.scim import Scim

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"


def user(scim: Scim, email: str, **extension: Any) -> str:
    body = {"schemas": [USER], "userName": email, "active": True}
    if extension:
        body["urn:ietf:params:scim:schemas:extension:portal-access:2.0:User"] = extension
    made = scim.post("/Users", body)
    assert made.status == 201, made.body
    return cast("str", made.body["id"])


def member(api: Api, scim: Scim, user_id: str) -> dict[str, Any]:
    reply = api.get(f"/accounts/{scim.account_id}/members/{user_id}", token=scim.owner.token)
    assert reply.status == 200, reply.body
    return cast("dict[str, Any]", reply.body)


def test_okta_creates_a_group_with_members_and_renames_it(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    dana = user(scim, "dana@acme.com", permissions=["tickets"])
    made = scim.post("/Groups", {"schemas": [GROUP], "displayName": "Support", "members": [{"value": dana}]})
    assert made.status == 201, made.body
    group_id = made.body["id"]
    # what was sent, as RFC 7643 §8.7.1's Group schema has it: value, type and $ref
    [shown] = made.body["members"]
    assert sorted(shown) == ["$ref", "type", "value"] and (shown["value"], shown["type"]) == (dana, "User")
    assert shown["$ref"].endswith(f"/scim/v2/{scim.account_id}/Users/{dana}")
    assert member(api, scim, dana)["group_id"] == group_id
    renamed = scim.patch(f"/Groups/{group_id}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "value": {"id": group_id, "displayName": "Helpdesk"}}]})  # fmt: skip
    assert renamed.status == 200 and renamed.body["displayName"] == "Helpdesk"
    groups = api.get(f"/accounts/{scim.account_id}/groups", token=scim.owner.token).body["items"]
    assert [g["name"] for g in groups] == ["Default User Group", "Helpdesk"]
    taken = scim.post("/Groups", {"schemas": [GROUP], "displayName": "helpdesk"})
    assert_scim_error(taken, 409, "uniqueness")


def test_entra_adds_and_removes_by_value_and_okta_by_value_filter(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    ann, bob = user(scim, "ann@acme.com"), user(scim, "bob@acme.com")
    group_id = scim.post("/Groups", {"schemas": [GROUP], "displayName": "Team"}).body["id"]
    add = {
        "schemas": [PATCH],
        "Operations": [{"op": "Add", "path": "members", "value": [{"value": ann}, {"value": bob}]}],
    }
    assert sorted(m["value"] for m in scim.patch(f"/Groups/{group_id}", add).body["members"]) == sorted(
        [ann, bob]
    )
    entra_remove = {
        "schemas": [PATCH],
        "Operations": [{"op": "Remove", "path": "members", "value": [{"value": ann}]}],
    }
    assert [m["value"] for m in scim.patch(f"/Groups/{group_id}", entra_remove).body["members"]] == [bob]
    gone = member(api, scim, ann)
    assert (gone["group_id"], gone["permissions"], gone["sub_accounts"]) == ("default", [], [])
    okta_remove = {"schemas": [PATCH], "Operations": [{"op": "remove", "path": f'members[value eq "{bob}"]'}]}
    assert scim.patch(f"/Groups/{group_id}", okta_remove).body["members"] == []
    again = scim.patch(f"/Groups/{group_id}", okta_remove)  # not in it: a no-op
    assert again.status == 200 and again.body["members"] == []


def test_adding_moves_from_the_current_group_and_an_admin_is_refused(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    ann = user(scim, "ann@acme.com")
    boss = user(scim, "boss@acme.com", role="admin")
    first = scim.post(
        "/Groups", {"schemas": [GROUP], "displayName": "One", "members": [{"value": ann}]}
    ).body["id"]
    second = scim.post(
        "/Groups", {"schemas": [GROUP], "displayName": "Two", "members": [{"value": ann}]}
    ).body["id"]
    assert member(api, scim, ann)["group_id"] == second
    assert scim.get(f"/Groups/{first}").body["members"] == []
    add_admin = {
        "schemas": [PATCH],
        "Operations": [{"op": "add", "path": "members", "value": [{"value": boss}]}],
    }
    assert_scim_error(scim.patch(f"/Groups/{first}", add_admin), 400, "invalidValue")
    owner = [{"value": scim.owner.user_id}]
    add_owner = {"schemas": [PATCH], "Operations": [{"op": "add", "path": "members", "value": owner}]}
    assert_scim_error(scim.patch(f"/Groups/{first}", add_owner), 400, "invalidValue")


def test_filters_and_excluded_attributes(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    ann = user(scim, "ann@acme.com")
    scim.post("/Groups", {"schemas": [GROUP], "displayName": "Team", "members": [{"value": ann}]})
    scim.post("/Groups", {"schemas": [GROUP], "displayName": "Other"})
    found = scim.get('/Groups?filter=displayName eq "team"&excludedAttributes=members').body
    assert found["totalResults"] == 1 and "members" not in found["Resources"][0]
    assert found["Resources"][0]["displayName"] == "Team"
    only = scim.get("/Groups?attributes=displayName").body["Resources"]
    assert all(set(g) == {"id", "schemas", "displayName"} for g in only)
    assert_scim_error(scim.get('/Groups?filter=members eq "x"'), 400, "invalidFilter")
    assert_scim_error(scim.get("/Groups/default"), 404)
    assert_scim_error(scim.get("/Groups?startIndex=first"), 400, "invalidValue")
    assert scim.get("/Groups?startIndex=2&count=1").body["Resources"][0]["displayName"] in ("Team", "Other")


def test_deleting_a_group_moves_its_members_to_the_default_group(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    ann = user(scim, "ann@acme.com")
    group_id = scim.post(
        "/Groups", {"schemas": [GROUP], "displayName": "Team", "members": [{"value": ann}]}
    ).body["id"]
    assert scim.delete(f"/Groups/{group_id}").status == 204
    assert_scim_error(scim.get(f"/Groups/{group_id}"), 404)
    assert member(api, scim, ann)["group_id"] == "default"
    types = [
        e["type"] for e in api.get(f"/accounts/{scim.account_id}/audit-events", operator=True).body["items"]
    ]
    assert "group.deleted" in types and "group.created" in types
