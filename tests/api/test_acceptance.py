"""Opening invitation links: lookup, accept as new or existing user, single use, expiry."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from chalicelib.errors import AppError
from chalicelib.schemas.invitations import AcceptIn
from chalicelib.services.acceptance import accept
from tests.helpers import PASSWORD, accept_new, invite, join, latest_link, onboard, sign_in

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock


def test_lookup_describes_the_invitation(api: Api) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com"], role="admin")
    reply = api.post("/invitations/lookup", {"token": latest_link("ann@example.com")})
    assert reply.status == 200
    assert reply.body == {
        "email": "ann@example.com",
        "account_name": "Acme Hosting",
        "role": "admin",
        "invited_by_name": "Olive Owner",
        "expires_at": "2026-11-30T09:00:00Z",
        "existing_user": False,
        "locale": "en",
        "brand": {  # the account has none: the deployment's default (tests/api/test_brands.py: a reseller's)
            "brand_id": None,
            "name": "Client portal",
            "logo_url": None,
            "primary_color": "#1d4ed8",
            "support_email": None,
            "support_url": None,
            "sender_name": "Client portal",
        },
    }
    invite(api, account_id, owner.token, [owner.email.replace("owner", "x")])
    other_id, other_owner = onboard(api, "Other", "boss@other.com")
    invite(api, other_id, other_owner.token, ["owner@acme.com"])
    assert (
        api.post("/invitations/lookup", {"token": latest_link("owner@acme.com")}).body["existing_user"]
        is True
    )


def test_lookup_and_accept_answer_410_after_expiry_before_any_purge(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com"])
    link = latest_link("ann@example.com")
    clock.advance(days=7)
    assert api.post("/invitations/lookup", {"token": link}).code == "invitation_expired"
    reply = api.post(
        "/invitations/accept", {"token": link, "password": PASSWORD, "first_name": "A", "last_name": "B"}
    )
    assert reply.status == 410 and reply.code == "invitation_expired"


def test_unknown_and_malformed_tokens_are_404(api: Api) -> None:
    for token in ["A" * 43, "short", "../../etc", "x" * 512]:
        assert api.post("/invitations/lookup", {"token": token}).code == "not_found"
        assert api.post("/invitations/accept", {"token": token, "password": PASSWORD}).code == "not_found"


def test_accept_as_new_user_creates_the_login_and_membership(api: Api) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com"], permissions=["tickets", "domains"])
    reply = api.post(
        "/invitations/accept",
        {
            "token": latest_link("ann@example.com"),
            "password": PASSWORD,
            "first_name": "Ann",
            "last_name": "Lee",
        },
    )
    assert reply.status == 201
    body = reply.body
    assert body["account_id"] == account_id
    assert body["membership"]["role"] == "member" and body["membership"]["permissions"] == [
        "domains",
        "tickets",
    ]
    assert body["membership"]["invited_by"] == owner.user_id and body["membership"]["status"] == "active"
    assert api.get("/me", token=body["access_token"]).body["accounts"][0]["account_id"] == account_id
    assert sign_in(api, "ann@example.com")
    assert api.get(f"/accounts/{account_id}", token=owner.token).body["member_count"] == 2
    assert api.get(f"/accounts/{account_id}/invitations", token=owner.token).body["items"] == []


def test_new_user_password_rules(api: Api) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com"])
    link = latest_link("ann@example.com")
    missing = api.post("/invitations/accept", {"token": link, "first_name": "A", "last_name": "B"})
    assert missing.code == "validation_error" and missing.body["error"]["details"][0]["field"] == "password"
    short = api.post(
        "/invitations/accept", {"token": link, "password": "short", "first_name": "A", "last_name": "B"}
    )
    assert short.code == "validation_error"
    accept_new(api, "ann@example.com")


def test_existing_user_accepts_with_bearer_token(api: Api) -> None:
    account_id, owner = onboard(api)
    other_id, other_owner = onboard(api, "Other Co", "designer@example.com")
    invite(api, account_id, owner.token, ["designer@example.com"])
    reply = api.post(
        "/invitations/accept", {"token": latest_link("designer@example.com")}, token=other_owner.token
    )
    assert reply.status == 201
    assert reply.body["user"]["user_id"] == other_owner.user_id
    expected = [
        {"account_id": account_id, "name": "Acme Hosting", "role": "member", "sub_accounts": "all"},
        {"account_id": other_id, "name": "Other Co", "role": "owner", "sub_accounts": "all"},
    ]
    assert api.get("/me", token=other_owner.token).body["accounts"] == expected
    login = api.post("/auth/login", {"email": "designer@example.com", "password": PASSWORD})
    assert login.body["accounts"] == expected


def test_existing_user_accepts_with_password_and_a_wrong_one_keeps_the_link(api: Api) -> None:
    account_id, owner = onboard(api)
    onboard(api, "Other Co", "designer@example.com")
    invite(api, account_id, owner.token, ["designer@example.com"])
    link = latest_link("designer@example.com")
    wrong = api.post("/invitations/accept", {"token": link, "password": "wrong password"})
    assert wrong.status == 401 and wrong.code == "invalid_credentials"
    none = api.post("/invitations/accept", {"token": link})
    assert none.status == 401
    right = api.post("/invitations/accept", {"token": link, "password": PASSWORD, "first_name": "Ignored"})
    assert right.status == 201 and right.body["user"]["first_name"] == "Olive"


def test_bearer_of_another_email_is_403_and_the_link_stays_usable(api: Api) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com"])
    link = latest_link("ann@example.com")
    reply = api.post("/invitations/accept", {"token": link, "password": PASSWORD}, token=owner.token)
    assert reply.status == 403 and reply.code == "email_mismatch"
    onboard(api, "Third", "ann-other@example.com")
    accept_new(api, "ann@example.com")


def test_a_link_works_once(api: Api) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com"])
    link = latest_link("ann@example.com")
    accept_new(api, "ann@example.com")
    again = api.post("/invitations/accept", {"token": link, "password": PASSWORD})
    assert again.code == "not_found"
    assert api.post("/invitations/lookup", {"token": link}).code == "not_found"


def test_removed_then_invited_again(api: Api) -> None:
    account_id, owner = onboard(api)
    joined = join(api, account_id, owner.token, "ann@example.com")
    result = invite(api, account_id, owner.token, ["ann@example.com"])["results"][0]
    assert result["reason"] == "already_member"
    assert joined.user_id


def test_concurrent_double_accept_yields_exactly_one_membership(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com"])
    body = AcceptIn(
        token=latest_link("ann@example.com"), password=PASSWORD, first_name="Ann", last_name="Lee"
    )
    start = threading.Barrier(6)
    outcomes: list[str] = []

    def attempt() -> None:
        start.wait()
        try:
            accept(deps, None, body)
            outcomes.append("accepted")
        except AppError as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("accepted") == 1, outcomes
    # Six tries of one link with a password: the link admits five checks in 15 minutes (counted before the
    # link is read), so when all six count before the winner uses the link up, the sixth is rate_limited.
    assert set(outcomes) <= {
        "accepted",
        "not_found",
        "changed_meanwhile",
        "login_exists",
        "already_member",
        "rate_limited",
    }
    assert outcomes.count("rate_limited") <= 1, outcomes
    assert api.get(f"/accounts/{account_id}", token=owner.token).body["member_count"] == 2
    assert deps.store.users.login_state("ann@example.com")[0] is not None
