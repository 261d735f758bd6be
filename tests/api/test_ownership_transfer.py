"""Ownership transfer (issue 25, items 1, 2 and 13): the new owner holds every owner power at once, whatever
group they were in; the old owner stays on as admin; nobody's own grant is lost on the way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.domain.permissions import ALL_KEYS
from tests.helpers import accept_new, join, onboard

if TYPE_CHECKING:
    from tests.helpers import Api, Reply


def _member(api: Api, account_id: str, user_id: str, token: str | None = None) -> Any:
    reply = api.get(f"/accounts/{account_id}/members/{user_id}", token=token, operator=token is None)
    assert reply.status == 200, reply.body
    return reply.body


def _transfer(api: Api, account_id: str, user_id: str, **call: Any) -> Reply:
    return api.post(f"/accounts/{account_id}/ownership", {"user_id": user_id}, **call)


def _allowed(api: Api, token: str, account_id: str, permission: str) -> Any:
    body = {"account_id": account_id, "permission": permission}
    return api.post("/authorize", body, token=token).body["allowed"]


def test_a_group_manager_made_owner_holds_every_owner_power(api: Api) -> None:
    account_id, owner = onboard(api)
    group = api.post(
        f"/accounts/{account_id}/groups", {"name": "Billing", "permissions": ["invoices"]}, token=owner.token
    ).body
    invitation = {"emails": ["boss@acme.com"], "group_id": group["group_id"], "group_manager": True}
    assert api.post(f"/accounts/{account_id}/invitations", invitation, token=owner.token).status == 200
    boss = accept_new(api, "boss@acme.com")

    assert _transfer(api, account_id, boss.user_id, token=owner.token).status == 200

    shown = _member(api, account_id, boss.user_id)
    assert shown["role"] == "owner" and shown["permissions"] == list(ALL_KEYS)
    assert shown["group_id"] == "default" and shown["group_manager"] is False
    assert _allowed(api, boss.token, account_id, "user_management") is True
    assert api.post(f"/accounts/{account_id}/sub-accounts", {"name": "Shop"}, token=boss.token).status == 201
    assert api.get(f"/accounts/{account_id}/webhooks", token=boss.token).status == 200
    groups = api.get(f"/accounts/{account_id}/groups", token=boss.token).body["items"]
    assert {g["name"]: g["member_count"] for g in groups} == {"Default User Group": 2, "Billing": 0}
    assert api.delete(f"/accounts/{account_id}/groups/{group['group_id']}", token=owner.token).status == 204
    assert _member(api, account_id, owner.user_id)["role"] == "admin"
    assert _transfer(api, account_id, owner.user_id, token=boss.token).status == 200
    assert _member(api, account_id, owner.user_id)["role"] == "owner"


def test_a_transfer_keeps_each_members_own_grant(api: Api) -> None:
    account_id, owner = onboard(api)
    clerk = join(api, account_id, owner.token, "clerk@acme.com", permissions=["tickets"])
    assert _transfer(api, account_id, clerk.user_id, token=owner.token).status == 200
    assert _transfer(api, account_id, owner.user_id, token=clerk.token).status == 200
    assert _member(api, account_id, clerk.user_id)["role"] == "admin"
    path = f"/accounts/{account_id}/members/{clerk.user_id}"
    demoted = api.patch(path, {"role": "member"}, token=owner.token)
    assert demoted.status == 200 and demoted.body["permissions"] == ["tickets"]


def test_the_operator_gives_an_ownerless_account_to_a_member_it_has(api: Api) -> None:
    """Issue 25, item 2: after the owner invitation is revoked, the account's admin can be made its owner
    (through the ownership route; owner-invitation is for an address that is not a member)."""
    created = api.post("/accounts", {"name": "Acme", "owner_email": "owner@acme.com"}, operator=True).body
    account_id = created["account"]["account_id"]
    invitations = f"/accounts/{account_id}/invitations"
    assert api.post(invitations, {"emails": ["admin@acme.com"], "role": "admin"}, operator=True).status == 200
    admin = accept_new(api, "admin@acme.com")
    owner_invitation = created["owner_invitation"]["invitation_id"]
    assert api.delete(f"{invitations}/{owner_invitation}", operator=True).status == 204
    told = api.post(f"/accounts/{account_id}/owner-invitation", {"email": "admin@acme.com"}, operator=True)
    assert (told.status, told.code) == (409, "address_taken") and "transfer ownership" in told.body["error"][
        "message"
    ]
    assert _transfer(api, account_id, admin.user_id, token=admin.token).code == "forbidden"

    given = _transfer(api, account_id, admin.user_id, operator=True)
    assert given.status == 200 and given.body["owner_user_id"] == admin.user_id
    shown = _member(api, account_id, admin.user_id)
    assert shown["role"] == "owner" and shown["permissions"] == list(ALL_KEYS)
    again = api.post(f"/accounts/{account_id}/owner-invitation", {"email": "x@acme.com"}, operator=True)
    assert (again.status, again.code) == (409, "conflict")  # it has an owner: API.md names `conflict`
    events = api.get(f"/accounts/{account_id}/audit-events?type=account.ownership_transferred", operator=True)
    assert events.body["items"][0]["changes"] == {"owner_user_id": [None, admin.user_id]}
