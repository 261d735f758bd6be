"""Faults and races: SES throttling and failure, DynamoDB races, connections dropped mid-request.

The systematic sweeps live beside this file: test_fault_sweep.py fails every DynamoDB call of each write
route in turn (issue 25, items 9 to 11), test_transient_conflicts.py meets each with transaction conflicts
(item 12); both inject through tests/helpers/faults.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectionClosedError

from chalicelib.domain.caller import OPERATOR
from chalicelib.mail.ses import SesMailer
from chalicelib.schemas.invitations import InviteIn, InviteResults
from chalicelib.schemas.members import MemberUpdateIn
from chalicelib.services import accounts, invitations, members
from chalicelib.services.authentication import Session, signed_in
from chalicelib.store.table import dynamodb_client
from tests.helpers import accept_new, emails_to, invite, join, onboard, pending_acceptance, sign_in
from tests.helpers.concurrency import run_together
from tests.helpers.mail import drain_outbox, moto_outbox, to_address
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.mail.mailer import OutgoingEmail
    from tests.helpers import Api, Clock


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


def ses_answers(deps: Deps, status: int, error_type: str, times: int) -> list[int]:
    """The next `times` SendEmail calls get this error over HTTP; returns a list that counts all calls."""
    calls: list[int] = []

    def answer(request: Any, **_: Any) -> AWSResponse | None:
        calls.append(1)
        if len(calls) <= times:
            body = b'{"message": "injected"}'
            return AWSResponse(request.url, status, {"x-amzn-ErrorType": error_type}, _Body(body))
        return None

    cast(SesMailer, deps.mailer).client().meta.events.register("before-send.sesv2.SendEmail", answer)
    return calls


def session_of(deps: Deps, account_id: str, token: str) -> Session:
    """What authorizing a request on the account would hand a use case."""
    return signed_in(deps, token, account_id)


def test_ses_throttling_is_retried_with_backoff(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    calls = ses_answers(deps, 429, "TooManyRequestsException", times=2)
    result = invite(api, account_id, owner.token, ["ann@example.com"])["results"][0]
    assert result["invitation"]["delivery"] == "queued" and calls == []  # the worker sends it
    assert drain_outbox(deps).sent == 1
    assert len(calls) == 3  # two throttled, the third went through
    listed = api.get(f"/accounts/{account_id}/invitations", token=owner.token).body["items"]
    assert [i["delivery"] for i in listed] == ["sent"]
    # (moto's mock records every attempt, so its outbox is no measure here; the attempts are)


def test_ses_hard_failure_keeps_the_invitation_and_resend_works(api: Api, deps: Deps, clock: Clock) -> None:
    account_id, owner = onboard(api)
    calls = ses_answers(deps, 400, "MessageRejected", times=1)
    result = invite(api, account_id, owner.token, ["ann@example.com"])["results"][0]
    assert result["status"] == "invited" and result["invitation"]["delivery"] == "queued"
    assert drain_outbox(deps).attempted == 1
    assert len(calls) == 1  # a rejection is not retried by botocore (the outbox tries again in 30 s)
    clock.advance(seconds=61)
    resent = api.post(
        f"/accounts/{account_id}/invitations/{result['invitation']['invitation_id']}/resend",
        token=owner.token,
    )
    assert resent.body["delivery"] == "queued" and resent.body["send_count"] == 2
    assert drain_outbox(deps).sent == 1  # the resend's email; the first one's link is no longer sent
    listed = api.get(f"/accounts/{account_id}/invitations", token=owner.token).body["items"]
    assert [i["delivery"] for i in listed] == ["sent"]
    assert accept_new(api, "ann@example.com").token


def test_two_admins_inviting_the_same_email_at_once_make_one_invitation(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    admin = join(api, account_id, owner.token, "admin@acme.com", role="admin", permissions=[])
    body = InviteIn.model_validate(
        {"emails": ["ann@example.com", "bob@example.com"], "role": "member", "permissions": ["tickets"]}
    )
    sessions = [session_of(deps, account_id, owner.token), session_of(deps, account_id, admin.token)]
    outcomes = run_together(
        *[lambda s=s: invitations.invite(deps, s.caller, s.account, body) for s in sessions]
    )
    results = [o for o in outcomes if isinstance(o, InviteResults)]
    assert len(results) == len(outcomes), outcomes
    for email_index in range(2):
        statuses = sorted(o.results[email_index].status for o in results)
        assert statuses == ["invited", "skipped"]
        assert {o.results[email_index].reason for o in results} == {None, "already_invited"}
    pending = deps.store.invitations.invitations_of(account_id)
    assert sorted(i.email for i in pending) == ["ann@example.com", "bob@example.com"]


def test_concurrent_ownership_transfers_leave_exactly_one_owner(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    first = join(api, account_id, owner.token, "first@acme.com")
    second = join(api, account_id, owner.token, "second@acme.com")
    session = session_of(deps, account_id, owner.token)
    outcomes = run_together(
        lambda: accounts.transfer_ownership(deps, session.caller, present(session.account), first.user_id),
        lambda: accounts.transfer_ownership(deps, session.caller, present(session.account), second.user_id),
    )
    assert sorted(map(str, outcomes)).count("changed_meanwhile") == 1
    account = present(deps.store.accounts.get_account(account_id))
    owners = [m for m in deps.store.members.members_of(account_id) if m.role == "owner"]
    assert [m.user_id for m in owners] == [account.owner_user_id]
    assert account.owner_user_id in (first.user_id, second.user_id)


def test_concurrent_role_changes_leave_a_consistent_member(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    member = join(api, account_id, owner.token, "m@acme.com")
    changes = [MemberUpdateIn(role="admin"), MemberUpdateIn(role="member", permissions=["domains"])] * 3
    account = present(deps.store.accounts.get_account(account_id))
    run_together(
        *[lambda c=c: members.update_member(deps, OPERATOR, account, member.user_id, c) for c in changes]
    )
    stored = present(deps.store.members.get_membership(account_id, member.user_id))
    # as admin the member's own grant is kept (it applies again if they become a member)
    assert stored.role == "admin" or (stored.role, list(stored.permissions)) == ("member", ["domains"])


class DroppedTransactions:
    """While on, every TransactWriteItems fails as if the connection dropped before DynamoDB saw it."""

    def __init__(self) -> None:
        self.client = dynamodb_client()

    @staticmethod
    def _drop(request: Any, **_: Any) -> None:
        raise ConnectionClosedError(endpoint_url=request.url)

    def on(self) -> None:
        self.client.meta.events.register("before-send.dynamodb.TransactWriteItems", self._drop)

    def off(self) -> None:
        self.client.meta.events.unregister("before-send.dynamodb.TransactWriteItems", self._drop)


@pytest.fixture
def dropped(deps: Deps) -> Iterator[DroppedTransactions]:
    controller = DroppedTransactions()
    yield controller
    controller.off()


def test_a_dropped_connection_before_commit_changes_nothing(
    api: Api, deps: Deps, dropped: DroppedTransactions
) -> None:
    account_id, owner, body = pending_acceptance(api)
    dropped.on()
    failed = api.post("/invitations/accept", body)
    dropped.off()
    assert failed.status == 500 and failed.code == "internal_error"
    assert deps.store.users.login_state("ann@example.com")[0] is None
    assert len(deps.store.members.members_of(account_id)) == 1
    assert api.post("/invitations/accept", body).status == 201


class LostAnswers:
    """The next `times` TransactWriteItems reach DynamoDB (moto) and commit, and then their answer is lost as
    a dropped connection would lose it, after botocore's retries; `tokens` records what each one carried."""

    def __init__(self, times: int) -> None:
        self.client = dynamodb_client()
        self.left = times
        self.tokens: list[str | None] = []

    def _record(self, params: dict[str, Any], **_: Any) -> None:
        self.tokens.append(params.get("ClientRequestToken"))

    def _lose(self, http_response: Any, **_: Any) -> None:
        if self.left > 0:
            self.left -= 1
            raise ConnectionClosedError(endpoint_url="https://dynamodb")

    def __enter__(self) -> LostAnswers:
        self.client.meta.events.register("provide-client-params.dynamodb.TransactWriteItems", self._record)
        self.client.meta.events.register("after-call.dynamodb.TransactWriteItems", self._lose)
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.meta.events.unregister("provide-client-params.dynamodb.TransactWriteItems", self._record)
        self.client.meta.events.unregister("after-call.dynamodb.TransactWriteItems", self._lose)


def test_an_accept_whose_answer_was_lost_after_commit_answers_the_success_it_was(
    api: Api, deps: Deps
) -> None:
    account_id, owner, body = pending_acceptance(api)
    with LostAnswers(times=1) as lost:
        accepted = api.post("/invitations/accept", body)
    assert accepted.status == 201, accepted.body
    assert len(lost.tokens) == 2 and lost.tokens[0] == lost.tokens[1]  # sent again under its own token
    joined = [m for m in deps.store.members.members_of(account_id) if m.user_id != owner.user_id]
    assert [m.user_id for m in joined] == [accepted.body["user"]["user_id"]]
    assert present(deps.store.accounts.get_account(account_id)).member_count == 2  # counted once, not twice
    assert api.post("/invitations/accept", body).code == "not_found"  # used, as it should be
    assert sign_in(api, "ann@example.com")


def test_an_answer_lost_twice_is_an_error_and_the_work_is_still_done_once(api: Api, deps: Deps) -> None:
    """Past the one resend the outcome stays unknown: a 500, never a false "conflict". The work was done
    once, and the client's retry of the accept finds the invitation used."""
    account_id, owner, body = pending_acceptance(api)
    with LostAnswers(times=2):
        assert api.post("/invitations/accept", body).status == 500
    assert sum(m.user_id != owner.user_id for m in deps.store.members.members_of(account_id)) == 1
    assert present(deps.store.accounts.get_account(account_id)).member_count == 2
    assert sign_in(api, "ann@example.com")


class Killed(BaseException):
    """The process dying mid-request: a BaseException, which nothing in the service catches."""


def test_the_request_commits_the_email_and_the_worker_sends_it_once(
    api: Api, deps: Deps, clock: Clock
) -> None:
    """Finding 4: the invitation and its email commit together, and the request never asks SES (a mailer
    that would kill the process is not called). The worker sends it, exactly once, and `delivery` follows."""
    account_id, owner = onboard(api)
    real = deps.mailer

    class Dying:
        def send(self, email: OutgoingEmail) -> None:
            raise Killed

    deps.mailer = Dying()
    body = {"emails": ["ann@example.com"]}
    reply = api.post(f"/accounts/{account_id}/invitations", body, token=owner.token)
    assert reply.status == 200 and reply.body["results"][0]["invitation"]["delivery"] == "queued"
    deps.mailer = real
    assert to_address(moto_outbox(), "ann@example.com") == []
    assert drain_outbox(deps).sent == 1
    assert len(emails_to("ann@example.com")) == 1
    listed = api.get(f"/accounts/{account_id}/invitations", token=owner.token).body["items"]
    assert [i["delivery"] for i in listed] == ["sent"]
    assert drain_outbox(deps, clock() + timedelta(days=2)).attempted == 0  # a second run sends nothing
    assert len(emails_to("ann@example.com")) == 1
    assert accept_new(api, "ann@example.com").token


def test_a_worker_failing_after_sending_but_before_recording_sends_again(
    api: Api, deps: Deps, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At least once: SES accepted the email but the worker's record of it was lost, so a later run sends it
    a second time once its lease lapses (SES has no idempotency key to stop it); the link in both emails is
    the same one."""
    from chalicelib.domain.outbox import LEASE
    from chalicelib.store.outbox import OutboxStore

    account_id, owner = onboard(api)
    real_record = OutboxStore.record

    def failing(self: OutboxStore, mails: object) -> None:
        raise RuntimeError("DynamoDB did not answer")

    api.post(f"/accounts/{account_id}/invitations", {"emails": ["ann@example.com"]}, token=owner.token)
    monkeypatch.setattr(OutboxStore, "record", failing)
    assert drain_outbox(deps).errored == 1
    monkeypatch.setattr(OutboxStore, "record", real_record)
    assert len(to_address(moto_outbox(), "ann@example.com")) == 1
    assert drain_outbox(deps).attempted == 0  # leased: not before the lease lapses
    assert drain_outbox(deps, clock() + LEASE + timedelta(seconds=1)).sent == 1
    first, second = emails_to("ann@example.com")
    assert first.link_token == second.link_token  # derived from the one nonce: either opens the invitation
    assert drain_outbox(deps, clock() + timedelta(days=2)).attempted == 0


def test_the_worker_dying_mid_send_leaves_the_email_due_again(api: Api, deps: Deps, clock: Clock) -> None:
    """A public reset is sent by the worker only; a worker that dies after taking it leaves its lease to
    lapse, and the next run sends it."""
    from tests.helpers.seed import seed_user

    seed_user(deps, "ann@example.com")
    real = deps.mailer

    class Dying:
        def send(self, email: OutgoingEmail) -> None:
            raise Killed

    assert api.post("/auth/password-reset", {"email": "ann@example.com"}).status == 202
    deps.mailer = Dying()
    with pytest.raises(Killed):
        drain_outbox(deps)
    deps.mailer = real
    assert drain_outbox(deps).attempted == 0  # still leased to the dead worker
    assert drain_outbox(deps, clock() + timedelta(minutes=3)).sent == 1
    assert len(emails_to("ann@example.com")) == 1
