"""Answers under faults (issue 25, items 9, 10 and 11), by sweeping: each write route is run once clean to
count its DynamoDB calls, then once per call with that call failing (tests/helpers/faults.py FailAt), each
time on a fresh account; after each, the answer and the stored state are checked, then the client's retry:

- the answer is the contract's JSON: a success, or a 500 `internal_error` (never a 404 for what exists);
- a success means the change is stored, with its new id in the answer (item 11: a committed create is never
  answered 500 because keeping its Idempotency-Key answer failed);
- the retry (the same Idempotency-Key where the route takes one) ends with the change made exactly once,
  its audit events recorded exactly once, and an answer that gives every id (item 10: a bulk invite cut off
  between its transactions is completed by the retry, which answers every email);
- a member change retried by a client that lost its answer records one event, not two (item 9).

The fault-by-fault sweep on moto takes a while; each route's calls are counted, not assumed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import join, onboard
from tests.helpers.faults import FailAt
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock, Reply

KEY = {"Idempotency-Key": "sweep-1"}
EMAILS = [f"person{i}@example.com" for i in range(20)]  # more than one transaction holds (13 + 7)


def _events(api: Api, account_id: str, kind: str) -> Any:
    reply = api.get(f"/accounts/{account_id}/audit-events?type={kind}&limit=100", operator=True)
    assert reply.status == 200, reply.body
    return reply.body["items"]


@dataclass
class Run:
    call: Callable[[], Reply]  # the request (and, the same, its retry)
    check: Callable[[Reply, Reply | None], None]  # (first answer, retry's answer or None) -> asserts
    state: Callable[[], object] = lambda: None  # what is stored, read between the first try and the retry
    seen: object = None
    always_retried: bool = False  # the client retries even a success (it lost the answer on the way)


def _bulk_invite(api: Api, deps: Deps) -> Run:
    account_id, owner = onboard(api)
    path = f"/accounts/{account_id}/invitations"

    def call() -> Reply:
        return api.post(path, {"emails": EMAILS}, token=owner.token, headers=KEY)

    def check(first: Reply, retry: Reply | None) -> None:
        stored = {i.email: i.invitation_id for i in deps.store.invitations.invitations_of(account_id)}
        final = retry if retry is not None else first
        assert final.status == 200, final.body
        answered = {r["email"]: r["invitation"]["invitation_id"] for r in final.body["results"]}
        assert [r["status"] for r in final.body["results"]] == ["invited"] * len(EMAILS)
        assert answered == stored and len(stored) == len(EMAILS)  # every email, once, with its real id
        created = [
            e for e in _events(api, account_id, "invitation.created") if e["target"]["email"] in EMAILS
        ]
        assert len(created) == len(EMAILS)  # the owner's own invitation aside

    return Run(call, check)


def _group_create(api: Api, deps: Deps) -> Run:
    account_id, owner = onboard(api)
    path = f"/accounts/{account_id}/groups"

    def call() -> Reply:
        return api.post(
            path, {"name": "Billing", "permissions": ["invoices"]}, token=owner.token, headers=KEY
        )

    def stored() -> list[str]:
        return [g.group_id for g in deps.store.groups.groups_of(account_id)]

    def check(first: Reply, retry: Reply | None) -> None:
        if first.status == 201:  # item 11: stored exactly when answered, with its id
            assert run.seen == [first.body["group_id"]]
        else:
            assert run.seen == [] or present(retry).code == "idempotency_outcome_unknown"
        final = retry if retry is not None else first
        assert final.status in (201, 409), final.body
        stored = [g.group_id for g in deps.store.groups.groups_of(account_id)]
        assert len(stored) == 1 and len(_events(api, account_id, "group.created")) == 1
        if final.status == 201:
            assert final.body["group_id"] == stored[0]

    run = Run(call, check, stored)
    return run


def _member_change(api: Api, deps: Deps) -> Run:
    account_id, owner = onboard(api)
    clerk = join(api, account_id, owner.token, "clerk@acme.com", permissions=["tickets"])
    path = f"/accounts/{account_id}/members/{clerk.user_id}"

    def call() -> Reply:
        return api.patch(path, {"role": "admin"}, token=owner.token)

    def check(first: Reply, retry: Reply | None) -> None:
        final = retry if retry is not None else first
        assert final.status == 200 and final.body["role"] == "admin", final.body
        assert present(deps.store.members.get_membership(account_id, clerk.user_id)).role == "admin"
        assert len(_events(api, account_id, "member.updated")) == 1  # item 9: the retry records nothing

    return Run(call, check, always_retried=True)


def _deactivate(api: Api, deps: Deps) -> Run:
    account_id, owner = onboard(api)
    clerk = join(api, account_id, owner.token, "clerk@acme.com", permissions=["tickets"])
    path = f"/accounts/{account_id}/members/{clerk.user_id}/deactivate"

    def call() -> Reply:
        return api.post(path, token=owner.token)

    def check(first: Reply, retry: Reply | None) -> None:
        final = retry if retry is not None else first
        assert final.status == 200 and final.body["status"] == "deactivated", final.body
        assert len(_events(api, account_id, "member.deactivated")) == 1

    return Run(call, check, always_retried=True)


ROUTES = {
    "bulk invite": _bulk_invite,
    "group create": _group_create,
    "member change": _member_change,
    "deactivate": _deactivate,
}


@pytest.mark.parametrize("route", list(ROUTES))
def test_a_fault_at_every_dynamodb_call_leaves_an_honest_answer_and_a_retry_that_finishes(
    api: Api, deps: Deps, clock: Clock, route: str
) -> None:
    clean = ROUTES[route](api, deps)
    with FailAt().on() as counted:
        clean.call()
    total = len(counted.calls)
    assert total >= 3, counted.calls
    for at in range(total + 1):  # 0: no fault (the client may lose even a success's answer)
        clock.advance(hours=25)  # each run's emails count in a new day of every address's limits
        run = ROUTES[route](api, deps)
        with FailAt(at).on() as fault:
            first = run.call()
        where = (route, at, fault.calls[at - 1] if at else "none")
        assert first.status in (200, 201, 500), (where, first.status, first.body)
        if first.status == 500:
            assert first.code == "internal_error", where
        run.seen = run.state()
        retry = run.call() if first.status == 500 or run.always_retried else None
        try:
            run.check(first, retry)
        except AssertionError as error:
            raise AssertionError(f"after a fault at call {where}: {error}") from error
