"""Transient conflicts (issue 25, item 12): a write route whose transactions DynamoDB cancels because they met
another one (TransactionConflict, no condition failed) retries inside the request and succeeds; when the
conflicts outlast its bounded retries it answers 409 `conflict` with Retry-After and changes nothing, never
404 for what exists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from chalicelib.store.tx import CONFLICT_TRIES
from tests.helpers import PASSWORD, invite, join, onboard
from tests.helpers.faults import Conflicts
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.store.models import MembershipItem
    from tests.helpers import Api, Reply


@dataclass
class Case:
    name: str
    call: Callable[[], Reply]  # the request
    ok: int  # its success status
    done: Callable[[], bool]  # whether its change is stored


def _cases(api: Api, deps: Deps) -> list[Case]:
    account_id, owner = onboard(api)
    base = f"/accounts/{account_id}"
    group = api.post(f"{base}/groups", {"name": "Web", "permissions": ["tickets"]}, token=owner.token).body
    empty = api.post(f"{base}/groups", {"name": "Old", "permissions": ["tickets"]}, token=owner.token).body
    people = [join(api, account_id, owner.token, f"p{i}@acme.com", permissions=["tickets"]) for i in range(4)]
    invited = api.post(f"{base}/invitations", {"emails": ["x@acme.com"]}, token=owner.token).body
    invitation_id = invited["results"][0]["invitation"]["invitation_id"]

    def membership(user_id: str) -> MembershipItem | None:
        return deps.store.members.get_membership(account_id, user_id)

    invite(api, account_id, owner.token, ["ann@example.com"])
    accept_body = {"token": api.latest_link("ann@example.com"), "password": PASSWORD, "first_name": "A",
                   "last_name": "B"}  # fmt: skip
    return [
        Case("role change", lambda: api.patch(f"{base}/members/{people[0].user_id}", {"role": "admin"},
             token=owner.token), 200, lambda: present(membership(people[0].user_id)).role == "admin"),
        Case("group move", lambda: api.patch(f"{base}/members/{people[1].user_id}",
             {"group_id": group["group_id"]}, token=owner.token), 200,
             lambda: present(membership(people[1].user_id)).group_id == group["group_id"]),
        Case("removal", lambda: api.delete(f"{base}/members/{people[2].user_id}", token=owner.token), 204,
             lambda: membership(people[2].user_id) is None),
        Case("revoke", lambda: api.delete(f"{base}/invitations/{invitation_id}", token=owner.token), 204,
             lambda: deps.store.invitations.get_invitation(account_id, invitation_id) is None),
        Case("group delete", lambda: api.delete(f"{base}/groups/{empty['group_id']}", token=owner.token),
             204, lambda: deps.store.groups.get_group(account_id, empty["group_id"]) is None),
        Case("accept", lambda: api.post("/invitations/accept", accept_body), 201,
             lambda: deps.store.users.login_state("ann@example.com")[0] is not None),
        Case("transfer", lambda: api.post(f"{base}/ownership", {"user_id": people[3].user_id},
             token=owner.token), 200,
             lambda: present(deps.store.accounts.get_account(account_id)).owner_user_id == people[3].user_id),
        Case("group create", lambda: api.post(f"{base}/groups", {"name": "New", "permissions": []},
             token=owner.token), 201,
             lambda: any(g.name == "New" for g in deps.store.groups.groups_of(account_id))),
        Case("invite", lambda: api.post(f"{base}/invitations", {"emails": ["y@acme.com"]},
             token=owner.token), 200,
             lambda: any(i.email == "y@acme.com" for i in deps.store.invitations.invitations_of(account_id))),
    ]  # fmt: skip


NAMES = [
    "role change", "group move", "removal", "revoke", "group delete", "accept", "transfer", "group create",
    "invite",
]  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_two_conflicts_in_a_row_are_retried_to_success(api: Api, deps: Deps, name: str) -> None:
    case = next(c for c in _cases(api, deps) if c.name == name)
    with Conflicts(times=2).on() as conflicts:
        reply = case.call()
    assert conflicts.left == 0  # both conflicts were met
    assert reply.status == case.ok, (name, reply.status, reply.body)
    assert case.done()


@pytest.mark.parametrize("name", NAMES)
def test_conflicts_past_the_retries_answer_409_and_change_nothing(api: Api, deps: Deps, name: str) -> None:
    case = next(c for c in _cases(api, deps) if c.name == name)
    with Conflicts(times=CONFLICT_TRIES * 10).on():
        reply = case.call()
    assert (reply.status, reply.code) == (409, "changed_meanwhile"), (name, reply.status, reply.body)
    assert reply.headers.get("retry-after") == "1"
    assert not case.done()
    assert case.call().status == case.ok  # a plain retry, the conflicts gone, succeeds
    assert case.done()
