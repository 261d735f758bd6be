"""Finding 4 (retries): an optional Idempotency-Key on the POSTs that create things. The same key, caller,
path and body within 24 hours answer the first success again (nothing created twice); another body is 422;
the key is the caller's own, so nobody else's answer leaks."""

from __future__ import annotations

import contextvars
from typing import TYPE_CHECKING, Any

import pytest

from chalicelib.store.models import AccountItem, ContactItem, IdempotencyItem
from chalicelib.store.table import dynamodb_client
from tests.helpers import emails_to, join, onboard
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.store.outcomes import Outcome
    from tests.helpers import Api, Clock, Reply

KEY = {"Idempotency-Key": "create-acme-0001"}


def accounts_named(name: str) -> int:
    return sum(1 for item in AccountItem.scan() if item.name == name)


def test_a_retried_account_creation_answers_the_first_account(api: Api) -> None:
    body = {"name": "Acme Hosting", "owner_email": "owner@acme.com"}
    first = api.post("/accounts", body, operator=True, headers=KEY)
    again = api.post("/accounts", body, operator=True, headers=KEY)
    assert first.status == again.status == 201
    assert again.body == first.body and again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert accounts_named("Acme Hosting") == 1
    assert len(emails_to("owner@acme.com")) == 1  # one invitation, one email
    fresh = api.post("/accounts", body, operator=True, headers={"Idempotency-Key": "another"})
    assert fresh.status == 201 and accounts_named("Acme Hosting") == 2  # a new key is a new request


def test_the_same_key_with_another_body_is_422(api: Api) -> None:
    api.post("/accounts", {"name": "Acme", "owner_email": "a@acme.com"}, operator=True, headers=KEY)
    reply = api.post("/accounts", {"name": "Other", "owner_email": "a@acme.com"}, operator=True, headers=KEY)
    assert (reply.status, reply.code) == (422, "idempotency_key_reused")
    assert accounts_named("Other") == 0


def test_keys_are_the_callers_own(api: Api) -> None:
    """Two owners using the same key on their own accounts each get their own contact; an owner reusing a
    key on another path (another account) is a new request."""
    first_id, first = onboard(api)
    second_id, second = onboard(api, "Other Co", "other@example.com")
    body = {"email": "c@x.com"}
    mine = api.post(f"/accounts/{first_id}/contacts", body, token=first.token, headers=KEY)
    theirs = api.post(f"/accounts/{second_id}/contacts", body, token=second.token, headers=KEY)
    assert mine.status == theirs.status == 201
    assert mine.body["contact_id"] != theirs.body["contact_id"]
    assert sum(1 for _ in ContactItem.scan()) == 2


def test_a_refused_request_keeps_nothing(api: Api) -> None:
    account_id, owner = onboard(api)
    path = f"/accounts/{account_id}/groups"
    assert (
        api.post(path, {"name": "Red", "permissions": ["nope"]}, token=owner.token, headers=KEY).status == 400
    )
    made = api.post(path, {"name": "Red", "permissions": ["tickets"]}, token=owner.token, headers=KEY)
    assert made.status == 201  # the refused body was not kept against the key
    api.post(path, {"name": "Blue", "permissions": []}, token=owner.token)
    taken = api.post(
        path, {"name": "Blue", "permissions": []}, token=owner.token, headers={"Idempotency-Key": "k2"}
    )
    assert taken.status == 409
    assert len(list(IdempotencyItem.scan(IdempotencyItem.sk.contains("groups")))) == 1  # the success only


def test_a_retried_bulk_invite_sends_each_email_once(api: Api) -> None:
    account_id, owner = onboard(api)
    body = {"emails": ["ann@example.com", "bob@example.com"], "permissions": ["tickets"]}
    path = f"/accounts/{account_id}/invitations"
    first = api.post(path, body, token=owner.token, headers=KEY)
    again = api.post(path, body, token=owner.token, headers=KEY)
    assert again.body == first.body and [r["status"] for r in again.body["results"]] == ["invited"] * 2
    assert len(emails_to("ann@example.com")) == len(emails_to("bob@example.com")) == 1


def test_a_webhooks_secret_is_replayed_to_its_caller_only(api: Api) -> None:
    account_id, owner = onboard(api)
    path = f"/accounts/{account_id}/webhooks"
    body = {"url": "https://93.184.216.34/hooks", "event_types": ["*"]}  # public: no DNS to judge it
    first = api.post(path, body, token=owner.token, headers=KEY)
    again = api.post(path, body, token=owner.token, headers=KEY)
    assert first.status == 201 and again.body["secret"] == first.body["secret"]
    admin = join(api, account_id, owner.token, "admin@acme.com", role="admin", permissions=[])
    # another caller with the same key: their own request (refused here: webhooks are the owner's)
    assert api.post(path, body, token=admin.token, headers=KEY).status == 403


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "é"])
def test_a_malformed_key_is_400(api: Api, key: str) -> None:
    reply = api.post("/accounts", {"name": "Acme", "owner_email": "a@acme.com"}, operator=True,
                     headers={"Idempotency-Key": key})  # fmt: skip
    assert (reply.status, reply.code) == (400, "validation_error")
    assert reply.body["error"]["details"][0]["field"] == "Idempotency-Key"
    assert accounts_named("Acme") == 0


def test_routes_whose_answer_is_a_credential_ignore_the_key(api: Api, deps: Deps) -> None:
    """A support session's answer is an access token: it is never stored, so a second request starts a
    second session rather than replaying a token from the table."""
    account_id, owner = onboard(api)
    member = join(api, account_id, owner.token, "ann@example.com")
    body = {"user_id": member.user_id, "reason": "Checking a billing question"}
    path = f"/accounts/{account_id}/support-sessions"
    first = api.post(path, body, operator=True, headers=KEY)
    second = api.post(path, body, operator=True, headers=KEY)
    assert first.status == second.status == 201
    assert first.body["support_session_id"] != second.body["support_session_id"]
    assert list(IdempotencyItem.scan()) == []


def test_the_document_declares_the_header_on_the_creating_posts_only(api: Api) -> None:
    paths = api.get("/openapi.json").body["paths"]
    taking = sorted(
        f"{method.upper()} {path}"
        for path, operations in paths.items()
        for method, operation in operations.items()
        if any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))
    )
    assert taking == [
        "POST /accounts",
        "POST /accounts/{account_id}/contacts",
        "POST /accounts/{account_id}/email-domains",
        "POST /accounts/{account_id}/groups",
        "POST /accounts/{account_id}/invitations",
        "POST /accounts/{account_id}/owner-invitation",
        "POST /accounts/{account_id}/sub-accounts",
        "POST /accounts/{account_id}/webhooks",
        "POST /brands",
        "POST /webhooks",
    ]
    created = paths["/accounts"]["post"]["responses"]
    assert {"409", "422"} <= set(created)


def _dies(*_args: Any, **_kwargs: Any) -> None:
    raise RuntimeError("the process died here")


def test_a_request_that_died_before_changing_anything_runs_anew_once_its_lease_is_over(
    api: Api, deps: Deps, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {"name": "Acme Hosting", "owner_email": "owner@acme.com"}
    monkeypatch.setattr(deps.store.accounts, "create_account", _dies)
    monkeypatch.setattr("chalicelib.api.idempotency.settle", lambda *_: None)  # dead: it settles nothing
    assert api.post("/accounts", body, operator=True, headers=KEY).status == 500
    monkeypatch.undo()
    held = api.post("/accounts", body, operator=True, headers=KEY)
    assert (held.status, held.code) == (409, "idempotency_in_progress")  # it may still be running
    clock.advance(seconds=61)
    other = api.post("/accounts", {**body, "name": "Other"}, operator=True, headers=KEY)
    assert (other.status, other.code) == (422, "idempotency_key_reused")  # the key still holds its body
    retried = api.post("/accounts", body, operator=True, headers=KEY)
    assert retried.status == 201 and accounts_named("Acme Hosting") == 1
    assert api.post("/accounts", body, operator=True, headers=KEY).body == retried.body


def test_a_request_that_died_after_its_change_never_makes_it_twice(
    api: Api, deps: Deps, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The account committed, with the key's mark in the same transaction, and storing the answer failed:
    the request still answers the success it was, with the new id (issue 25, item 11: it used to be a 500
    that left the client without the id); after the lease, a retry is told so instead of creating a second
    account."""
    body = {"name": "Acme Hosting", "owner_email": "owner@acme.com"}
    monkeypatch.setattr(deps.store.idempotency, "answer", _dies)
    first = api.post("/accounts", body, operator=True, headers=KEY)
    assert first.status == 201 and first.body["account"]["name"] == "Acme Hosting"
    monkeypatch.undo()
    assert accounts_named("Acme Hosting") == 1
    assert api.post("/accounts", body, operator=True, headers=KEY).code == "idempotency_in_progress"
    clock.advance(seconds=61)
    retried = api.post("/accounts", body, operator=True, headers=KEY)
    assert (retried.status, retried.code) == (409, "idempotency_outcome_unknown")
    assert accounts_named("Acme Hosting") == 1 and len(emails_to("owner@acme.com")) == 1
    fresh = api.post("/accounts", body, operator=True, headers={"Idempotency-Key": "a-new-one"})
    assert fresh.status == 201 and accounts_named("Acme Hosting") == 2


def test_a_request_refused_after_its_change_keeps_its_mark(
    api: Api, deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A view that changed something and then failed (a 500 after the commit): its key is not freed, and
    its lease ends with it, so a retry is told at once."""
    account_id, owner = onboard(api)
    path, body = f"/accounts/{account_id}/contacts", {"email": "c@x.com"}
    monkeypatch.setattr("chalicelib.services.contacts.Contact.of", _dies)  # after the contact committed
    assert api.post(path, body, token=owner.token, headers=KEY).status == 500
    monkeypatch.undo()
    assert api.post(path, body, token=owner.token, headers=KEY).code == "idempotency_outcome_unknown"
    assert sum(1 for _ in ContactItem.scan()) == 1


def test_a_lone_write_carries_the_mark_too(
    api: Api, deps: Deps, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An operator's own webhook belongs to no account's audit log, so it is one put: with a key, it goes as
    a transaction with the key's mark, and a retry after a lost answer makes no second endpoint."""
    body = {"url": "https://93.184.216.34/hooks", "event_types": ["*"]}
    monkeypatch.setattr(deps.store.idempotency, "answer", _dies)
    assert api.post("/webhooks", body, operator=True, headers=KEY).status == 201  # committed: answered so
    monkeypatch.undo()
    clock.advance(seconds=61)
    assert api.post("/webhooks", body, operator=True, headers=KEY).code == "idempotency_outcome_unknown"
    assert len(api.get("/webhooks", operator=True).body["items"]) == 1


def test_a_request_alive_past_its_lease_commits_nothing_once_a_retry_took_its_key(
    api: Api, deps: Deps, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first request stalls past its lease (before changing anything); its retry, in another process,
    takes the key over and creates the account. The first then commits nothing: its transaction's mark
    is conditional on holding the key, so the whole transaction is refused, and it answers 409."""
    body = {"name": "Acme Hosting", "owner_email": "owner@acme.com"}
    create = deps.store.accounts.create_account
    seen: dict[str, Reply | None] = {}

    def stalls(*args: Any, **kwargs: Any) -> Outcome:
        if not seen:
            seen["retry"] = None
            clock.advance(seconds=61)
            # another process: a context with no rider of this request's
            seen["retry"] = contextvars.Context().run(api.post, "/accounts", body, operator=True, headers=KEY)
        return create(*args, **kwargs)

    monkeypatch.setattr(deps.store.accounts, "create_account", stalls)
    first = api.post("/accounts", body, operator=True, headers=KEY)
    assert present(seen["retry"]).status == 201
    assert (first.status, first.code) == (409, "idempotency_in_progress")
    assert accounts_named("Acme Hosting") == 1
    again = api.post("/accounts", body, operator=True, headers=KEY)
    assert again.body == present(seen["retry"]).body  # the retry's answer is the one kept


def test_no_transaction_of_a_keyed_bulk_invite_passes_dynamodbs_100_items(api: Api) -> None:
    """With a key, the rider takes one of DynamoDB's 100 items per transaction: the fullest still fit."""
    sizes: list[int] = []

    def count(params: Any, **_: Any) -> None:
        sizes.append(len(params["TransactItems"]))

    client = dynamodb_client()
    client.meta.events.register("provide-client-params.dynamodb.TransactWriteItems", count)
    try:
        account_id, owner = onboard(api)
        emails = [f"person{i}@example.com" for i in range(50)]
        reply = api.post(
            f"/accounts/{account_id}/invitations", {"emails": emails}, token=owner.token, headers=KEY
        )
    finally:
        client.meta.events.unregister("provide-client-params.dynamodb.TransactWriteItems", count)
    assert reply.status == 200 and all(r["status"] == "invited" for r in reply.body["results"])
    assert 90 <= max(sizes) <= 100, sizes  # transactions near full, the rider included, within the limit
