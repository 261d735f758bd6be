"""A bulk invite's email claims are read ahead in the authorizing BatchGetItem (AccountAccess.ahead): the
keys each batch asked for are watched here, so "read ahead" and "read nothing ahead" are seen, not
inferred. Odd bodies ask for nothing beyond the caller's keys; a refused caller's answer is unchanged; the
link names the addressee's user only once the email worker has sent its email."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from chalicelib.security.links import hash_link_token
from chalicelib.store import keys
from chalicelib.store.models import LinkItem
from tests.helpers import PASSWORD, DynamoCalls, RecordingMailer, invite, join, latest_link, onboard
from tests.helpers.mail import drain_outbox
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock


class AskedKeys:
    """The keys each BatchGetItem inside the block asked for (what was sent, found or not)."""

    EVENT = "provide-client-params.dynamodb.BatchGetItem"

    def __init__(self) -> None:
        self.batches: list[list[tuple[str, str]]] = []

    def _asked(self, params: dict[str, Any], **_: Any) -> None:
        asked = [(k["pk"]["S"], k["sk"]["S"]) for t in params["RequestItems"].values() for k in t["Keys"]]
        self.batches.append(asked)

    def claims(self, account_id: str) -> list[tuple[str, str]]:
        """The claim keys of `account_id` asked for, in every batch."""
        prefix = keys.email_claim(account_id, "")[1]
        pk = keys.email_claim(account_id, "")[0]
        return [k for batch in self.batches for k in batch if k[0] == pk and k[1].startswith(prefix)]

    def __enter__(self) -> AskedKeys:
        from chalicelib.store.table import dynamodb_client

        dynamodb_client().meta.events.register(self.EVENT, self._asked)
        return self

    def __exit__(self, *exc: object) -> None:
        from chalicelib.store.table import dynamodb_client

        dynamodb_client().meta.events.unregister(self.EVENT, self._asked)


def test_a_bulk_invite_reads_its_claims_with_the_authorization_and_nothing_after(api: Api) -> None:
    account_id, owner = onboard(api)
    join(api, account_id, owner.token, "dev@acme.com")
    invite(api, account_id, owner.token, ["pending@acme.com"])
    emails = ["DEV@acme.com", " pending@acme.com", "new@acme.com", "new@acme.com", "not-an-email"]
    with AskedKeys() as asked, DynamoCalls() as calls:
        reply = api.post(f"/accounts/{account_id}/invitations", {"emails": emails}, token=owner.token)
    results = [(r["status"], r.get("reason")) for r in reply.body["results"]]
    assert results == [
        ("skipped", "already_member"),
        ("skipped", "already_invited"),
        ("invited", None),
        ("skipped", "duplicate"),
        ("skipped", "invalid_email"),
    ]
    assert calls.operations == ["BatchGetItem", "TransactWriteItems"]
    # normalised as the service screens them: each valid address once, in the one (authorizing) batch
    claimed = [keys.email_claim(account_id, e) for e in ("dev@acme.com", "pending@acme.com", "new@acme.com")]
    assert len(asked.batches) == 1 and sorted(asked.claims(account_id)) == sorted(claimed)


def _batch_of(
    api: Api, account_id: str, token: str, **request: Any
) -> tuple[int, Any, list[tuple[str, str]]]:
    with AskedKeys() as asked, DynamoCalls() as calls:
        reply = api.post(f"/accounts/{account_id}/invitations", token=token, **request)
    assert calls.operations == ["BatchGetItem"], calls.operations  # refused: nothing read but that
    return reply.status, reply.body, asked.batches[0]


@pytest.mark.parametrize(
    "request_",
    [
        {"body": {"emails": "ann@x.com"}},  # not a list
        {"body": {"emails": [1, None, ["ann@x.com"]]}},  # no address in it
        {"body": ["ann@x.com"]},  # not an object
        {"raw": b'{"emails": ["ann@x.com"'},  # not JSON
        {"raw": b"\xff\xfe{}"},  # not UTF-8
        {"body": {"emails": [f"u{n}@x.com" for n in range(51)]}},  # more than an invite takes
    ],
    ids=["string", "no_addresses", "array", "truncated", "not_utf8", "too_many"],
)
def test_an_odd_body_reads_nothing_ahead_and_is_answered_as_before(
    api: Api, request_: dict[str, Any]
) -> None:
    account_id, owner = onboard(api)
    alone = _batch_of(api, account_id, owner.token, body={})[2]  # no emails at all: the caller's keys
    assert not [k for k in alone if k[1].startswith("EMAIL#")]
    status, body, asked = _batch_of(api, account_id, owner.token, **request_)
    assert status == 400 and body["error"]["code"] in ("validation_error", "invalid_json")
    operator = keys.operator_webhook_count()  # read along now and then, whatever the route
    assert sorted(set(asked) - {operator}) == sorted(set(alone) - {operator})


def test_a_refused_caller_reads_ahead_but_is_answered_as_without_it(api: Api) -> None:
    """The claims are read with the caller's keys (one round trip), but only a caller the route admits
    gets them: a member without user_management (403) and a stranger (404) are answered as with a body
    that names nobody, and nothing else is read."""
    account_id, owner = onboard(api)
    member = join(api, account_id, owner.token, "dev@acme.com")
    other_id, stranger = onboard(api, "Other", "stranger@example.com")
    named = {"emails": ["owner@acme.com", "ann@x.com"]}
    for token, status in ((member.token, 403), (stranger.token, 404)):
        refused, answer, asked = _batch_of(api, account_id, token, body=named)
        assert refused == status and len([k for k in asked if k[1].startswith("EMAIL#")]) == 2
        assert (refused, answer) == _batch_of(api, account_id, token, body={"emails": []})[:2]
    # the stranger's own account still answers them as ever
    assert invite(api, other_id, stranger.token, ["ann@x.com"])["results"][0]["status"] == "invited"


def test_the_operator_reads_the_claims_after_the_account(api: Api) -> None:
    account_id, _ = onboard(api)
    with AskedKeys() as asked, DynamoCalls() as calls:
        reply = api.post(
            f"/accounts/{account_id}/invitations", {"emails": ["owner@acme.com", "ann@x.com"]}, operator=True
        )
    assert [r["status"] for r in reply.body["results"]] == ["skipped", "invited"]
    assert calls.operations == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]
    assert [len([k for k in batch if k[1].startswith("EMAIL#")]) for batch in asked.batches] == [0, 2]


def test_the_link_names_the_addressees_user_once_the_worker_sent_its_email(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    _, designer = onboard(api, "Other", "designer@example.com")
    reply = api.post(
        f"/accounts/{account_id}/invitations", {"emails": ["designer@example.com"]}, token=owner.token
    )
    invitation_id = reply.body["results"][0]["invitation"]["invitation_id"]
    stored = present(deps.store.invitations.get_invitation(account_id, invitation_id))
    assert present(deps.store.links.get_link(stored.token_hash)).user_id is None  # the request read no login
    token = latest_link("designer@example.com")  # the worker runs: sends it, notes the login's user
    assert hash_link_token(token) == stored.token_hash
    assert present(deps.store.links.get_link(stored.token_hash)).user_id == designer.user_id
    # nobody could accept before: no answer about the invitation carries its link's token
    listed = api.get(f"/accounts/{account_id}/invitations", token=owner.token)
    assert token not in json.dumps(reply.body) and token not in json.dumps(listed.body)


def test_a_link_gone_before_the_send_is_recorded_without_being_made_again(api: Api, deps: Deps) -> None:
    """DynamoDB's TTL may remove an expired invitation's link before the purge removes the invitation: its
    email's record still sets `delivery`, and the user's note is dropped rather than making a bare link."""
    account_id, owner = onboard(api)
    onboard(api, "Other", "designer@example.com")
    reply = invite(api, account_id, owner.token, ["designer@example.com"])
    invitation_id = reply["results"][0]["invitation"]["invitation_id"]
    token_hash = present(deps.store.invitations.get_invitation(account_id, invitation_id)).token_hash
    LinkItem(*keys.link(token_hash)).delete()
    assert drain_outbox(deps).sent == 1
    assert present(deps.store.invitations.get_invitation(account_id, invitation_id)).delivery == "sent"
    assert deps.store.links.get_link(token_hash) is None


def test_a_login_made_before_the_send_is_read_with_the_invitation(api: Api, deps: Deps, clock: Clock) -> None:
    """The user is noted when the email is sent, not when the invitation is made: a person who signed up
    in between is read with the invitation (3 round trips), as one who had a login before."""
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["designer@example.com"])
    ses, deps.mailer = deps.mailer, RecordingMailer(fail_for=("designer@example.com",))
    assert drain_outbox(deps).sent == 0  # refused: tried again in 30 s
    deps.mailer = ses
    onboard(api, "Other", "designer@example.com")  # signs up meanwhile
    clock.advance(seconds=31)
    body = {"token": latest_link("designer@example.com"), "password": PASSWORD}  # Acme's, sent now
    with DynamoCalls() as calls:
        reply = api.post("/invitations/accept", body)
    assert reply.status == 201 and reply.body["account_id"] == account_id
    assert calls.operations == ["UpdateItem", "BatchGetItem", "TransactWriteItems"]
