"""POST /accounts and the owner's invitation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.helpers import PASSWORD, accept_new, create_account, emails_to, latest_link, onboard
from tests.helpers.seed import seed_user

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock


def test_operator_creates_an_account_and_the_owner_is_invited(api: Api) -> None:
    reply = api.post(
        "/accounts",
        {"name": "Acme Hosting", "owner_email": " Owner@Acme.com", "owner_first_name": "Olive"},
        operator=True,
    )
    assert reply.status == 201
    account, invitation = reply.body["account"], reply.body["owner_invitation"]
    assert account["owner_user_id"] is None and account["member_count"] == 0
    assert invitation["role"] == "owner" and invitation["email"] == "owner@acme.com"
    # queued: the request commits the email, the outbox's worker sends it (below, reading the outbox)
    assert invitation["status"] == "pending" and invitation["delivery"] == "queued"
    assert invitation["expires_at"] == "2026-11-30T09:00:00Z"
    assert set(invitation) == {
        "invitation_id", "account_id", "email", "role", "permissions", "status", "invited_by", "created_at",
        "expires_at", "last_sent_at", "send_count", "delivery", "sub_accounts", "group_id", "group_manager",
        "reminded_at", "locale",
    }  # fmt: skip
    assert invitation["reminded_at"] is None
    assert invitation["locale"] == "en" and account["default_locale"] == "en"  # a new account's default
    [message] = emails_to("owner@acme.com")
    assert "Acme Hosting" in message.subject
    listed = api.get(f"/accounts/{account['account_id']}/invitations", operator=True).body["items"]
    assert [i["delivery"] for i in listed] == ["sent"]
    assert "https://portal.example.com/invitations/accept#token=" in message.body


def test_accepting_the_owner_invitation_makes_the_owner(api: Api) -> None:
    account_id, owner = onboard(api)
    account = api.get(f"/accounts/{account_id}", token=owner.token)
    assert account.status == 200
    assert account.body["owner_user_id"] == owner.user_id
    assert account.body["member_count"] == 1
    me = api.get("/me", token=owner.token).body
    assert me["accounts"] == [
        {"account_id": account_id, "name": "Acme Hosting", "role": "owner", "sub_accounts": "all"}
    ]


def test_owner_with_an_existing_login_accepts_with_it(api: Api, deps: Deps) -> None:
    seed_user(deps, "owner@acme.com")
    account_id, _ = create_account(api)
    reply = api.post("/invitations/accept", {"token": latest_link("owner@acme.com"), "password": PASSWORD})
    assert reply.status == 201
    assert reply.body["membership"]["role"] == "owner"
    assert api.get(f"/accounts/{account_id}", token=reply.body["access_token"]).body["member_count"] == 1


def test_only_operators_create_accounts(api: Api) -> None:
    _, owner = onboard(api)
    body = {"name": "Other", "owner_email": "x@example.com"}
    assert api.post("/accounts", body).code == "unauthenticated"
    assert api.post("/accounts", body, headers={"X-Operator-Key": "wrong" * 10}).code == "unauthenticated"
    assert api.post("/accounts", body, token=owner.token).code == "forbidden"


def test_account_creation_validates(api: Api) -> None:
    bad = api.post("/accounts", {"name": "", "owner_email": "nope"}, operator=True)
    assert bad.code == "validation_error"
    assert {d["field"] for d in bad.body["error"]["details"]} == {"name", "owner_email"}
    assert (
        api.post("/accounts", {"name": "A", "owner_email": "a@example.com", "x": 1}, operator=True).status
        == 400
    )


def test_account_read_is_for_members_and_operators_only(api: Api) -> None:
    account_id, owner = onboard(api)
    other_id, other_owner = onboard(api, "Other Co", "boss@other.com")
    assert api.get(f"/accounts/{account_id}", operator=True).status == 200
    assert api.get(f"/accounts/{account_id}", token=other_owner.token).code == "not_found"
    assert api.get(f"/accounts/{other_id}", token=owner.token).code == "not_found"
    assert api.get("/accounts/acc_000000000000000000000000", operator=True).code == "not_found"
    assert api.get("/accounts/garbage#x", token=owner.token).code == "not_found"
    assert api.get(f"/accounts/{account_id}").code == "unauthenticated"


def test_owner_invitation_accept_as_new_user_needs_names(api: Api) -> None:
    create_account(api)
    reply = api.post("/invitations/accept", {"token": latest_link("owner@acme.com"), "password": PASSWORD})
    assert reply.code == "validation_error"
    assert {d["field"] for d in reply.body["error"]["details"]} == {"first_name", "last_name"}
    accept_new(api, "owner@acme.com")  # still usable


def test_a_bad_bearer_beside_a_good_operator_key_is_refused(api: Api) -> None:
    account_id, owner = onboard(api)
    assert api.get(f"/accounts/{account_id}", operator=True, token=owner.token).status == 200
    bad = api.get(f"/accounts/{account_id}", operator=True, token="not-a-token")
    assert bad.status == 401 and bad.code == "unauthenticated"


def test_an_account_left_without_an_owner_gets_a_new_owner_invitation(api: Api, clock: Clock) -> None:
    account_id, _ = create_account(api)
    path = f"/accounts/{account_id}/owner-invitation"
    pending = api.post(path, {"email": "someone@acme.com"}, operator=True)
    assert (pending.status, pending.code) == (409, "conflict") and "resend" in pending.body["error"][
        "message"
    ]
    clock.advance(days=8)  # the first owner invitation lapses; the account has no owner
    again = api.post(path, {"email": "owner@acme.com", "first_name": "Olive"}, operator=True)
    assert again.status == 201 and again.body["role"] == "owner" and again.body["status"] == "pending"
    reply = api.post(
        "/invitations/accept",
        {"token": latest_link("owner@acme.com"), "password": PASSWORD, "last_name": "Owner"},
    )
    assert reply.status == 201 and reply.body["membership"]["role"] == "owner"
    taken = api.post(path, {"email": "else@acme.com"}, operator=True)
    assert (taken.status, taken.code) == (409, "conflict") and "transfer ownership" in taken.body["error"][
        "message"
    ]


def test_only_the_operator_invites_an_owner_or_revokes_the_owner_invitation(api: Api) -> None:
    account_id, owner = onboard(api)
    path = f"/accounts/{account_id}/owner-invitation"
    assert api.post(path, {"email": "x@acme.com"}, token=owner.token).status == 403
    other_id, invitation = create_account(api, "Other Co", "boss@other.com")
    revoke = f"/accounts/{other_id}/invitations/{invitation['invitation_id']}"
    assert (
        api.post(f"/accounts/{other_id}/owner-invitation", {"email": "x@acme.com"}, token=owner.token).status
        == 404
    )
    assert api.delete(revoke, operator=True).status == 204
    created = api.post(f"/accounts/{other_id}/owner-invitation", {"email": "boss@other.com"}, operator=True)
    assert created.status == 201


def test_an_admin_cannot_revoke_the_owner_invitation(api: Api) -> None:
    account_id, invitation = create_account(api)
    body = {"emails": ["admin@acme.com"], "role": "admin"}
    assert api.post(f"/accounts/{account_id}/invitations", body, operator=True).status == 200
    admin = accept_new(api, "admin@acme.com")
    revoke = f"/accounts/{account_id}/invitations/{invitation['invitation_id']}"
    assert api.delete(revoke, token=admin.token).status == 403
    assert api.delete(revoke, operator=True).status == 204
