"""A custom group's member is told the sub-accounts /authorize lets them reach, wherever they are told:
the invitation email, the login's and /me's accounts (the portal's Choose account page shows those)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tests.helpers import PASSWORD, accept_new, onboard, sign_in

if TYPE_CHECKING:
    from tests.helpers import Api


def row(email: str, label: str) -> str:
    """A line of the invitation email's summary (moto keeps its HTML part)."""
    found = re.search(rf">{label}</td><td[^>]*>([^<]*)</td>", email)
    assert found, email
    return found.group(1)


def authorize(api: Api, token: str, account_id: str, sub_account_id: str) -> bool:
    body = {"account_id": account_id, "permission": "invoices", "sub_account_id": sub_account_id}
    reply = api.post("/authorize", body, token=token)
    assert reply.status == 200, reply.body
    return bool(reply.body["allowed"])


def test_a_group_members_sub_accounts_agree_with_authorize_in_the_email_login_and_me(api: Api) -> None:
    account_id, owner = onboard(api)
    base = f"/accounts/{account_id}"
    made = {
        name: api.post(f"{base}/sub-accounts", {"name": name}, token=owner.token).body
        for name in ("Shop", "Blog")
    }
    shop, blog = made["Shop"]["sub_account_id"], made["Blog"]["sub_account_id"]
    group = {"name": "Shop desk", "permissions": ["invoices", "quotes"], "sub_accounts": [shop]}
    gid = api.post(f"{base}/groups", group, token=owner.token).body["group_id"]
    body = {"emails": ["ann@example.com"], "group_id": gid}
    assert api.post(f"{base}/invitations", body, token=owner.token).status == 200

    email = api.emails_to("ann@example.com")[-1].body
    assert row(email, "Sub-accounts") == "Shop"
    assert row(email, "Your role") == "User, in the user group Shop desk"
    assert row(email, "Modules") == "View and pay invoices, View and accept quotes"

    ann = accept_new(api, "ann@example.com", "Ann", "Desk")
    assert authorize(api, ann.token, account_id, shop) is True
    assert authorize(api, ann.token, account_id, blog) is False
    expected = [{"account_id": account_id, "name": "Acme Hosting", "role": "member",
                 "sub_accounts": [{"sub_account_id": shop, "name": "Shop"}]}]  # fmt: skip
    login = api.post("/auth/login", {"email": "ann@example.com", "password": PASSWORD})
    assert login.body["accounts"] == expected
    assert api.get("/me", token=ann.token).body["accounts"] == expected

    # the group's scope changes: every answer follows it at once, as /authorize does
    api.patch(f"{base}/groups/{gid}", {"sub_accounts": "all"}, token=owner.token)
    assert authorize(api, ann.token, account_id, blog) is True
    assert api.get("/me", token=sign_in(api, "ann@example.com")).body["accounts"][0]["sub_accounts"] == "all"
    api.patch(f"{base}/groups/{gid}", {"sub_accounts": []}, token=owner.token)
    assert authorize(api, ann.token, account_id, shop) is False
    assert api.get("/me", token=ann.token).body["accounts"][0]["sub_accounts"] == []


def test_a_bulk_invitation_names_its_chosen_sub_accounts(api: Api) -> None:
    account_id, owner = onboard(api)
    base = f"/accounts/{account_id}/sub-accounts"
    ids = [
        api.post(base, {"name": name}, token=owner.token).body["sub_account_id"]
        for name in ("Web shop", "Blog")
    ]
    body = {"emails": ["a@example.com", "b@example.com"], "permissions": ["tickets"], "sub_accounts": ids}
    assert api.post(f"/accounts/{account_id}/invitations", body, token=owner.token).status == 200
    for address in ("a@example.com", "b@example.com"):
        assert row(api.emails_to(address)[-1].body, "Sub-accounts") == "Blog, Web shop"
