"""Sub-accounts: the resource, scopes on invitations and members, what login shows, and /authorize."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import DynamoCalls, accept_new, invite, join, onboard, sign_in

if TYPE_CHECKING:
    from tests.helpers import Api, Joined


@pytest.fixture
def acme(api: Api) -> tuple[str, Joined, Joined, str, str]:
    """An account with two sub-accounts; `scoped` reaches only the shop."""
    account_id, owner = onboard(api)
    base = f"/accounts/{account_id}/sub-accounts"
    shop = api.post(base, {"name": "Shop"}, token=owner.token).body["sub_account_id"]
    blog = api.post(base, {"name": "Blog"}, token=owner.token).body["sub_account_id"]
    invite(api, account_id, owner.token, ["scoped@acme.com"], permissions=["invoices"], sub_accounts=[shop])
    scoped = accept_new(api, "scoped@acme.com")
    return account_id, owner, scoped, shop, blog


def authorize(
    api: Api, token: str, account_id: str, permission: str = "invoices", sub_account_id: str | None = None
) -> Any:
    body = {"account_id": account_id, "permission": permission}
    if sub_account_id is not None:
        body["sub_account_id"] = sub_account_id
    reply = api.post("/authorize", body, token=token)
    assert reply.status == 200, reply.body
    return reply.body


def test_the_owner_manages_sub_accounts_and_an_admin_may_not(api: Api) -> None:
    account_id, owner = onboard(api)
    admin = join(api, account_id, owner.token, "admin@acme.com", role="admin", permissions=[])
    base = f"/accounts/{account_id}/sub-accounts"
    created = api.post(base, {"name": "  Shop  "}, token=owner.token)
    assert created.status == 201 and created.body["name"] == "Shop"
    one = f"{base}/{created.body['sub_account_id']}"
    assert api.post(base, {"name": "Blog"}, token=admin.token).status == 403
    assert api.patch(one, {"name": "Blog"}, token=admin.token).status == 403
    assert api.delete(one, token=admin.token).status == 403
    assert api.patch(one, {"name": "Web shop"}, token=owner.token).body["name"] == "Web shop"
    assert api.post(base, {"name": "By operator"}, operator=True).status == 201
    names = [s["name"] for s in api.get(base, token=admin.token).body["items"]]
    assert names == ["By operator", "Web shop"]  # admins manage users: they see every sub-account
    assert api.delete(one, token=owner.token).status == 204
    assert api.delete(one, token=owner.token).status == 404
    assert api.patch(one, {"name": "Back"}, token=owner.token).status == 404


def test_a_scoped_member_sees_and_reaches_only_their_sub_accounts(
    api: Api, acme: tuple[str, Joined, Joined, str, str]
) -> None:
    account_id, owner, scoped, shop, blog = acme
    listed = api.get(f"/accounts/{account_id}/sub-accounts", token=scoped.token).body["items"]
    assert [s["sub_account_id"] for s in listed] == [shop]
    member = api.get(f"/accounts/{account_id}/members/{scoped.user_id}", token=scoped.token).body
    assert member["sub_accounts"] == [shop]
    allowed = {"allowed": True, "role": "member", "reason": None}
    assert authorize(api, scoped.token, account_id, "invoices", shop) == allowed
    assert authorize(api, scoped.token, account_id, "invoices", blog) == {
        "allowed": False, "role": "member", "reason": "sub_account_not_in_scope"
    }  # fmt: skip
    assert authorize(api, owner.token, account_id, "payments", blog)["allowed"] is True


def test_login_and_me_list_each_account_with_the_sub_accounts_it_reaches(
    api: Api, acme: tuple[str, Joined, Joined, str, str]
) -> None:
    account_id, _, scoped, shop, _ = acme
    expected = [
        {
            "account_id": account_id,
            "name": "Acme Hosting",
            "role": "member",
            "sub_accounts": [{"sub_account_id": shop, "name": "Shop"}],
        }
    ]
    login = api.post("/auth/login", {"email": "scoped@acme.com", "password": "correct horse battery"})
    assert login.body["accounts"] == expected
    assert api.get("/me", token=scoped.token).body["accounts"] == expected


def test_narrowing_a_scope_applies_on_the_next_request(
    api: Api, acme: tuple[str, Joined, Joined, str, str]
) -> None:
    account_id, owner, scoped, shop, blog = acme
    one = f"/accounts/{account_id}/members/{scoped.user_id}"
    assert api.patch(one, {"sub_accounts": [blog]}, token=owner.token).body["sub_accounts"] == [blog]
    assert authorize(api, scoped.token, account_id, "invoices", shop)["reason"] == "sub_account_not_in_scope"
    assert api.patch(one, {"sub_accounts": "all"}, token=owner.token).body["sub_accounts"] == "all"
    assert authorize(api, scoped.token, account_id, "invoices", shop)["allowed"] is True


def test_deleting_a_sub_account_drops_it_from_every_scope_and_an_empty_scope_is_not_all(
    api: Api, acme: tuple[str, Joined, Joined, str, str]
) -> None:
    account_id, owner, scoped, shop, _ = acme
    invited = invite(api, account_id, owner.token, ["later@acme.com"], sub_accounts=[shop])["results"][0]
    assert api.delete(f"/accounts/{account_id}/sub-accounts/{shop}", token=owner.token).status == 204
    member = api.get(f"/accounts/{account_id}/members/{scoped.user_id}", token=owner.token).body
    assert member["sub_accounts"] == []
    pending = api.get(f"/accounts/{account_id}/invitations", token=owner.token).body["items"]
    assert [
        i["sub_accounts"] for i in pending if i["invitation_id"] == invited["invitation"]["invitation_id"]
    ] == [[]]
    assert authorize(api, scoped.token, account_id, "invoices", shop)["reason"] == "unknown_sub_account"
    assert api.get(f"/accounts/{account_id}/sub-accounts", token=scoped.token).body["items"] == []
    assert api.get("/me", token=scoped.token).body["accounts"][0]["sub_accounts"] == []


def test_scope_ids_must_be_this_accounts_and_another_accounts_look_unknown(
    api: Api, acme: tuple[str, Joined, Joined, str, str]
) -> None:
    account_id, owner, scoped, shop, _ = acme
    other_id, other_owner = onboard(api, "Other Co", "other@other.com")
    theirs = api.post(f"/accounts/{other_id}/sub-accounts", {"name": "Theirs"}, token=other_owner.token).body
    one = f"/accounts/{account_id}/members/{scoped.user_id}"
    answers = [
        api.patch(one, {"sub_accounts": [shop, sub_account_id]}, token=owner.token).body
        for sub_account_id in (theirs["sub_account_id"], "sub_000000000000000000000000", "nonsense")
    ]
    for answer in answers:
        assert answer["error"]["details"] == [
            {"field": "sub_accounts.1", "message": "is not a sub-account of this account"}
        ]
    assert authorize(api, scoped.token, account_id, "invoices", theirs["sub_account_id"])["reason"] == (
        "unknown_sub_account"
    )


def test_bad_scopes_and_names_are_400_with_a_stated_limit(
    api: Api, acme: tuple[str, Joined, Joined, str, str]
) -> None:
    account_id, owner, scoped, shop, _ = acme
    one = f"/accounts/{account_id}/members/{scoped.user_id}"
    huge = api.patch(one, {"sub_accounts": ["x"] * 10_000}, token=owner.token)  # (short ids: under 64 KiB)
    assert huge.status == 400
    assert huge.body["error"]["details"] == [
        {"field": "sub_accounts", "message": "may name at most 1000 sub-accounts, not 10000"}
    ]
    admin_scoped = api.patch(one, {"role": "admin", "sub_accounts": [shop]}, token=owner.token)
    assert admin_scoped.status == 400 and admin_scoped.body["error"]["details"][0]["field"] == "sub_accounts"
    empty = api.post(f"/accounts/{account_id}/sub-accounts", {"name": "   "}, token=owner.token)
    assert empty.status == 400 and empty.body["error"]["details"][0]["field"] == "name"
    wrong = api.post(
        f"/accounts/{account_id}/invitations",
        {"emails": ["x@acme.com"], "sub_accounts": "some"},
        token=owner.token,
    )
    assert wrong.body["error"]["details"] == [
        {"field": "sub_accounts", "message": "must be 'all' or a list of sub-account ids"}
    ]


def test_a_scope_survives_a_round_trip_through_admin(
    api: Api, acme: tuple[str, Joined, Joined, str, str]
) -> None:
    account_id, owner, scoped, shop, _ = acme
    one = f"/accounts/{account_id}/members/{scoped.user_id}"
    assert api.patch(one, {"role": "admin"}, token=owner.token).body["sub_accounts"] == "all"
    assert api.patch(one, {"role": "member"}, token=owner.token).body["sub_accounts"] == [shop]


def test_authorize_never_reveals_another_account_and_answers_each_reason(
    api: Api, acme: tuple[str, Joined, Joined, str, str]
) -> None:
    account_id, owner, scoped, shop, _ = acme
    other_id, _ = onboard(api, "Other Co", "other@other.com")
    for unknown in (other_id, "acc_000000000000000000000000", "not-an-id"):
        assert authorize(api, scoped.token, unknown) == {
            "allowed": False,
            "role": None,
            "reason": "not_member",
        }
    assert authorize(api, scoped.token, account_id, "domains")["reason"] == "missing_permission"
    assert authorize(api, scoped.token, account_id, "user_management")["reason"] == "missing_permission"
    api.post(f"/accounts/{account_id}/members/{scoped.user_id}/deactivate", token=owner.token)
    assert authorize(api, scoped.token, account_id) == {
        "allowed": False,
        "role": "member",
        "reason": "deactivated",
    }
    bad_key = api.post("/authorize", {"account_id": account_id, "permission": "root"}, token=owner.token)
    assert bad_key.status == 400 and bad_key.body["error"]["details"][0]["field"] == "permission"
    assert api.post("/authorize", {"account_id": account_id, "permission": "invoices"}).status == 401
    assert api.post("/auth/logout", token=owner.token).status == 204
    assert (
        api.post("/authorize", {"account_id": account_id, "permission": "invoices"}, token=owner.token).status
        == 401
    )


def test_authorize_costs_one_round_trip(api: Api, acme: tuple[str, Joined, Joined, str, str]) -> None:
    account_id, _, scoped, shop, _ = acme
    with DynamoCalls() as calls:
        authorize(api, scoped.token, account_id, "invoices", shop)
    assert calls.operations == ["BatchGetItem"]


def test_an_invitation_carries_its_scope_to_the_membership(api: Api) -> None:
    account_id, owner = onboard(api)
    shop = api.post(f"/accounts/{account_id}/sub-accounts", {"name": "Shop"}, token=owner.token).body
    result = invite(api, account_id, owner.token, ["ann@example.com"], sub_accounts=[shop["sub_account_id"]])
    assert result["results"][0]["invitation"]["sub_accounts"] == [shop["sub_account_id"]]
    accepted = api.post(
        "/invitations/accept",
        {"token": api.latest_link("ann@example.com"), "password": "correct horse battery", "first_name": "A",
         "last_name": "B"},
    )  # fmt: skip
    assert accepted.body["membership"]["sub_accounts"] == [shop["sub_account_id"]]
    assert sign_in(api, "ann@example.com")
