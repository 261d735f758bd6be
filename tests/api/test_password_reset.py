"""Password reset: same answer for every email, single-use one-hour links, every token revoked."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from chalicelib.security.links import hash_link_token
from tests.helpers import PASSWORD, DynamoCalls, emails_to, link_token, outbox
from tests.helpers.concurrency import run_together
from tests.helpers.mail import drain_outbox
from tests.helpers.seed import seed_user

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock, Reply

NEW = "another long password"


def request_reset(api: Api, email: str = "ann@example.com") -> Reply:
    return api.post("/auth/password-reset", {"email": email})


def test_reset_request_answers_the_same_for_unknown_emails(api: Api, deps: Deps) -> None:
    seed_user(deps, "ann@example.com")
    known, unknown = request_reset(api), request_reset(api, "nobody@example.com")
    assert known.status == unknown.status == 202
    assert known.body == unknown.body
    assert len(emails_to("ann@example.com")) == 1
    assert emails_to("nobody@example.com") == []


def test_reset_link_sets_the_password_once_and_revokes_tokens(api: Api, deps: Deps) -> None:
    seed_user(deps, "ann@example.com")
    old_token = api.post("/auth/login", {"email": "ann@example.com", "password": PASSWORD}).body[
        "access_token"
    ]
    request_reset(api, "ANN@example.com ")
    message = emails_to("ann@example.com")[0]
    assert "https://portal.example.com/password-reset#token=" in message.body
    assert "Monday 23 November 2026, 10:00 UTC" in message.body  # the clock's start + 1 hour, in words
    assert ">Choose a new password</a>" in message.body  # the button, and the link spelled out too
    token = link_token(message)
    assert message.body.count(f"#token={token}") == 3
    assert api.post("/auth/password-reset/confirm", {"token": token, "new_password": NEW}).status == 204
    assert api.get("/me", token=old_token).status == 401
    assert api.post("/auth/login", {"email": "ann@example.com", "password": NEW}).status == 200
    reused = api.post("/auth/password-reset/confirm", {"token": token, "new_password": "yet another one!"})
    assert reused.status == 404 and reused.code == "not_found"


def test_reset_link_expires_after_an_hour(api: Api, deps: Deps, clock: Clock) -> None:
    seed_user(deps, "ann@example.com")
    request_reset(api)
    token = link_token(emails_to("ann@example.com")[0])
    clock.advance(minutes=60)
    expired = api.post("/auth/password-reset/confirm", {"token": token, "new_password": NEW})
    assert expired.status == 410 and expired.code == "token_expired"
    assert api.post("/auth/login", {"email": "ann@example.com", "password": PASSWORD}).status == 200


def test_reset_confirm_rejects_unknown_and_malformed_tokens(api: Api, deps: Deps) -> None:
    for token in ["A" * 43, "short", "é" * 43, "x" * 512]:
        reply = api.post("/auth/password-reset/confirm", {"token": token, "new_password": NEW})
        assert reply.status == 404, token
    weak = api.post("/auth/password-reset/confirm", {"token": "A" * 43, "new_password": "short"})
    assert weak.code == "validation_error"


def test_reset_request_validates_the_email(api: Api, deps: Deps) -> None:
    reply = request_reset(api, "not-an-email")
    assert reply.status == 400
    assert reply.body["error"]["details"] == [{"field": "email", "message": "is not a valid email address"}]
    assert outbox() == []


def test_reset_clears_a_lockout(api: Api, deps: Deps) -> None:
    seed_user(deps, "ann@example.com")
    for _ in range(5):
        api.post("/auth/login", {"email": "ann@example.com", "password": "wrong password"})
    request_reset(api)
    token = link_token(emails_to("ann@example.com")[0])
    api.post("/auth/password-reset/confirm", {"token": token, "new_password": NEW})
    assert api.post("/auth/login", {"email": "ann@example.com", "password": NEW}).status == 200


def test_public_reset_emails_are_limited_per_address_without_telling(
    api: Api, deps: Deps, clock: Clock
) -> None:
    seed_user(deps, "ann@example.com")
    replies = [request_reset(api) for _ in range(5)]
    assert {(r.status, json.dumps(r.body)) for r in replies} == {(202, json.dumps(replies[0].body))}
    assert len(emails_to("ann@example.com")) == 3  # the 4th and 5th were withheld
    clock.advance(minutes=59)
    request_reset(api)
    assert len(emails_to("ann@example.com")) == 3
    clock.advance(minutes=1)
    request_reset(api)
    assert len(emails_to("ann@example.com")) == 4  # a new hour, a new window
    token = link_token(emails_to("ann@example.com")[-1])
    assert api.post("/auth/password-reset/confirm", {"token": token, "new_password": NEW}).status == 204


def test_racing_requests_cannot_spend_the_same_slot(api: Api, deps: Deps) -> None:
    """The count is a conditional ADD in the transaction that queues the email: 8 requests at once for one
    address queue 3 emails, never more."""
    from chalicelib.services.password_reset import request_reset as request

    seed_user(deps, "ann@example.com")
    run_together(*[lambda: request(deps, "ann@example.com") for _ in range(8)])
    assert len(emails_to("ann@example.com")) == 3


def test_known_and_unknown_emails_do_the_same_work(api: Api, deps: Deps) -> None:
    """Finding 2 (timing): the request path writes one transaction either way and reads nothing; whether
    the address has a login is looked up by the outbox worker, after the answer has gone."""
    seed_user(deps, "ann@example.com")
    seen = {}
    for email in ("ann@example.com", "nobody@example.com"):
        with DynamoCalls() as calls:
            assert request_reset(api, email).status == 202
        seen[email] = (calls.operations, calls.items)
    assert seen["ann@example.com"] == seen["nobody@example.com"] == (["TransactWriteItems"], 0)
    assert drain_outbox(deps).sent == 1  # only the known address is emailed
    assert len(emails_to("ann@example.com")) == 1 and emails_to("nobody@example.com") == []


def test_the_outbox_holds_no_usable_link(api: Api, deps: Deps) -> None:
    """The outbox keeps a nonce; the link is HMAC(secret, nonce): a dump of the table opens nothing."""
    from chalicelib.store.models import Item, LinkItem, MailItem

    seed_user(deps, "ann@example.com")
    request_reset(api)
    token = link_token(emails_to("ann@example.com")[0])
    dumped = json.dumps([item.to_simple_dict() for item in Item.scan()])
    assert token not in dumped
    [mail] = list(MailItem.scan())
    assert mail.nonce and mail.status == "sent" and token not in json.dumps(mail.to_simple_dict())
    assert LinkItem.get(f"LINK#{hash_link_token(token)}", "LINK").purpose == "password_reset"
