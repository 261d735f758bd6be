"""Renaming an account is one write: memberships keep no copy of the name, so every account list (login,
/me) shows the name the account item has now, whatever joins and leaves race with the rename."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.helpers import PASSWORD, DynamoCalls, invite, join, onboard
from tests.helpers.concurrency import replies_together

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Reply


def _account_names(reply_body: dict[str, Any], account_id: str) -> list[str]:
    return [a["name"] for a in reply_body["accounts"] if a["account_id"] == account_id]


def test_a_rename_racing_joins_and_leaves_shows_everywhere(api: Api) -> None:
    account_id, owner = onboard(api)
    base = f"/accounts/{account_id}"
    leavers = [join(api, account_id, owner.token, f"leaver{i}@acme.com") for i in range(3)]
    joiners = [f"joiner{i}@acme.com" for i in range(3)]
    invite(api, account_id, owner.token, joiners)
    links = {email: api.latest_link(email) for email in joiners}

    def accept(email: str) -> Reply:
        body = {"token": links[email], "password": PASSWORD, "first_name": "J", "last_name": "Oiner"}
        return api.post("/invitations/accept", body)

    answers = replies_together(
        lambda: api.patch(base, {"name": "Acme Cloud"}, token=owner.token),
        *[lambda e=email: accept(e) for email in joiners],
        lambda: api.delete(f"{base}/members/{leavers[0].user_id}", token=owner.token),  # removed
        lambda: api.delete(f"{base}/members/{leavers[1].user_id}", token=owner.token),
        lambda: api.delete(f"{base}/members/{leavers[2].user_id}", token=leavers[2].token),  # leaves
    )
    renamed, accepted, removed = answers[0], answers[1:4], answers[4:]
    assert renamed.status in (200, 409), renamed.body
    assert [a.status for a in accepted] == [201, 201, 201]
    assert [r.status for r in removed] == [204, 204, 204]
    current = api.get(base, token=owner.token).body["name"]
    if renamed.status == 200:
        assert renamed.body["name"] == current == "Acme Cloud"
    members = [(owner.email, owner.token)] + [
        (email, reply.body["access_token"]) for email, reply in zip(joiners, accepted, strict=True)
    ]
    for email, token in members:
        assert _account_names(api.get("/me", token=token).body, account_id) == [current], email
        login = api.post("/auth/login", {"email": email, "password": PASSWORD})
        assert _account_names(login.body, account_id) == [current], email
    for leaver in leavers:
        login = api.post("/auth/login", {"email": leaver.email, "password": PASSWORD})
        assert _account_names(login.body, account_id) == []
    listed = api.get(f"{base}/members", token=owner.token).body["items"]
    assert sorted(m["email"] for m in listed) == sorted([owner.email, *joiners])


def test_a_rename_is_one_write_however_many_members(api: Api) -> None:
    account_id, owner = onboard(api)
    for i in range(5):
        join(api, account_id, owner.token, f"m{i}@acme.com")
    with DynamoCalls() as calls:
        reply = api.patch(f"/accounts/{account_id}", {"name": "Acme Cloud"}, token=owner.token)
    assert reply.status == 200 and reply.body["name"] == "Acme Cloud"
    assert calls.operations == ["BatchGetItem", "TransactWriteItems"]  # the name and its audit event


def test_memberships_stored_with_a_copy_of_the_name_show_the_current_one(api: Api, deps: Deps) -> None:
    """Memberships written before names stopped being copied still carry `account_name`: it is ignored."""
    from chalicelib.store import keys
    from chalicelib.store.table import dynamodb_client

    account_id, owner = onboard(api)
    member = join(api, account_id, owner.token, "old@acme.com")
    for user_id in (owner.user_id, member.user_id):
        pk, sk = keys.membership(account_id, user_id)
        dynamodb_client().update_item(
            TableName=deps.settings.table_name,
            Key={"pk": {"S": pk}, "sk": {"S": sk}},
            UpdateExpression="SET account_name = :stale",
            ExpressionAttributeValues={":stale": {"S": "Acme Hosting"}},
        )
    assert api.patch(f"/accounts/{account_id}", {"name": "Acme Cloud"}, token=owner.token).status == 200
    assert _account_names(api.get("/me", token=member.token).body, account_id) == ["Acme Cloud"]
    login = api.post("/auth/login", {"email": member.email, "password": PASSWORD})
    assert _account_names(login.body, account_id) == ["Acme Cloud"]
    base = f"/accounts/{account_id}/members/{member.user_id}"
    assert api.patch(base, {"permissions": ["domains"]}, token=owner.token).status == 200
    assert api.get(base, token=owner.token).body["permissions"] == ["domains"]
