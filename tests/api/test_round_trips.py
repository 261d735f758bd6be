"""DynamoDB round trips of the routes whose budget is tight: authorization is one BatchGetItem that also
brings what the route reads first, so reading an account costs one call and accepting costs three."""

from __future__ import annotations

from tests.helpers import DynamoCalls, invite, latest_link, onboard, pending_acceptance


def test_reading_an_account_is_the_authorization_read_alone(api):
    account_id, owner = onboard(api)
    with DynamoCalls() as calls:
        reply = api.get(f"/accounts/{account_id}", token=owner.token)
    assert reply.status == 200 and reply.body["name"] == "Acme Hosting"
    assert calls.operations == ["BatchGetItem"]


def test_renaming_an_account_is_the_authorization_read_and_one_write(api):
    account_id, owner = onboard(api)
    with DynamoCalls() as calls:
        reply = api.patch(f"/accounts/{account_id}", {"name": "Acme Cloud"}, token=owner.token)
    assert reply.body["name"] == "Acme Cloud"
    assert calls.operations == ["BatchGetItem", "UpdateItem"]
    assert api.get("/me", token=owner.token).body["accounts"][0]["name"] == "Acme Cloud"


def test_accepting_with_a_bearer_token_reads_the_caller_with_the_link(api):
    account_id, owner = onboard(api)
    _, designer = onboard(api, "Other", "designer@example.com")
    invite(api, account_id, owner.token, ["designer@example.com"])
    with DynamoCalls() as calls:
        reply = api.post(
            "/invitations/accept", {"token": latest_link("designer@example.com")}, token=designer.token
        )
    assert reply.status == 201 and reply.body["account_id"] == account_id
    assert calls.operations == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]


def test_accepting_as_a_new_user_is_one_read_one_lookup_one_transaction(api):
    _, _, body = pending_acceptance(api)
    with DynamoCalls() as calls:
        assert api.post("/invitations/accept", body).status == 201
    assert calls.operations == ["GetItem", "BatchGetItem", "TransactWriteItems"]


def test_a_revoked_bearer_token_is_refused_before_the_link_is_judged(api):
    account_id, owner = onboard(api)
    _, designer = onboard(api, "Other", "designer@example.com")
    invite(api, account_id, owner.token, ["designer@example.com"])
    assert api.post("/auth/logout", token=designer.token).status == 204
    for token in (latest_link("designer@example.com"), "no-such-link-" + "x" * 30):
        reply = api.post("/invitations/accept", {"token": token}, token=designer.token)
        assert (reply.status, reply.code) == (401, "unauthenticated")
