"""Whole user journeys through the public API, for tests that need accounts and members to exist: the same
for the API tier (in process) and end to end (over HTTP)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tests.helpers.http import Api
from tests.helpers.settings import PASSWORD


@dataclass
class Joined:
    user_id: str
    token: str
    email: str


def accept_new(api: Api, email: str, first_name: str = "New", last_name: str = "Person") -> Joined:
    reply = api.post(
        "/invitations/accept",
        {
            "token": api.latest_link(email),
            "password": PASSWORD,
            "first_name": first_name,
            "last_name": last_name,
        },
    )
    assert reply.status == 201, reply.body
    return Joined(reply.body["user"]["user_id"], reply.body["access_token"], email)


def create_account(
    api: Api, name: str = "Acme Hosting", owner: str = "owner@acme.com"
) -> tuple[str, dict[str, Any]]:
    reply = api.post("/accounts", {"name": name, "owner_email": owner}, operator=True)
    assert reply.status == 201, reply.body
    account_id: str = reply.body["account"]["account_id"]
    owner_invitation: dict[str, Any] = reply.body["owner_invitation"]
    return account_id, owner_invitation


def onboard(api: Api, name: str = "Acme Hosting", owner: str = "owner@acme.com") -> tuple[str, Joined]:
    """An account whose owner has accepted as a new user."""
    account_id, _ = create_account(api, name, owner)
    return account_id, accept_new(api, owner, "Olive", "Owner")


def invite(
    api: Api,
    account_id: str,
    token: str,
    emails: Sequence[str | dict[str, str]],
    role: str = "member",
    **extra: Any,
) -> dict[str, Any]:
    default_grant = [] if role == "admin" else ["tickets"]  # an admin holds every permission already
    body = {"emails": emails, "role": role, "permissions": extra.pop("permissions", default_grant), **extra}
    reply = api.post(f"/accounts/{account_id}/invitations", body, token=token)
    assert reply.status == 200, reply.body
    answer: dict[str, Any] = reply.body
    return answer


def join(
    api: Api, account_id: str, admin_token: str, email: str, role: str = "member", **extra: Any
) -> Joined:
    invite(api, account_id, admin_token, [email], role, **extra)
    return accept_new(api, email)


def sign_in(api: Api, email: str, password: str = PASSWORD) -> str:
    reply = api.post("/auth/login", {"email": email, "password": password})
    assert reply.status == 200, reply.body
    token: str = reply.body["access_token"]
    return token


def pending_acceptance(api: Api, email: str = "ann@example.com") -> tuple[str, Joined, dict[str, Any]]:
    """An account with an invitation to `email`, and the body that accepts it as a new user."""
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, [email])
    body = {"token": api.latest_link(email), "password": PASSWORD, "first_name": "A", "last_name": "B"}
    return account_id, owner, body
