"""Issue 26: accepts under bulk onboarding. An accept whose transaction keeps meeting others (DynamoDB's
TransactionConflict) past one round of the store's retries still ends in its own success, and many accepts
into one account at once all succeed with the member count exact."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import TYPE_CHECKING

from chalicelib.store.tx import CONFLICT_TRIES
from tests.helpers import PASSWORD, invite, latest_link, onboard
from tests.helpers.concurrency import run_together
from tests.helpers.faults import Conflicts

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Reply


def _accept(api: Api, link: str) -> Reply:
    body = {"token": link, "password": PASSWORD, "first_name": "New", "last_name": "Member"}
    return api.post("/invitations/accept", body)


def test_an_accept_meeting_conflicts_past_a_round_of_retries_succeeds(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com"])
    link = latest_link("ann@example.com")
    with Conflicts(times=CONFLICT_TRIES + 2).on() as conflicts:
        reply = _accept(api, link)
    assert conflicts.left == 0  # every conflict was met: one whole round of the store's retries, and more
    assert reply.status == 201, reply.body
    members = {m.user_id for m in deps.store.members.members_of(account_id)}
    assert reply.body["membership"]["user_id"] in members
    assert api.get(f"/accounts/{account_id}", token=owner.token).body["member_count"] == 2


def test_many_accepts_into_one_account_at_once_all_succeed_and_count_exactly(api: Api) -> None:
    account_id, owner = onboard(api)
    emails = [f"p{i}@acme.com" for i in range(8)]
    invite(api, account_id, owner.token, emails)
    links = [latest_link(email) for email in emails]

    def accepting(link: str) -> Callable[[], int]:
        return lambda: contextvars.Context().run(_accept, api, link).status

    assert run_together(*[accepting(link) for link in links]) == [201] * 8
    assert api.get(f"/accounts/{account_id}", token=owner.token).body["member_count"] == 9
