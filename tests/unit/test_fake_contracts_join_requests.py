"""Contract cases (as tests/unit/test_fake_contracts.py) for join requests: one pending request per requester
(two asks make one), decided or expired only while pending, a denial holding 7 days, and a join taking the
email, the membership and a seat under the seats as read."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.audit import Target
from chalicelib.domain.caller import OPERATOR
from chalicelib.services.audit_record import record
from chalicelib.services.invitations import new_invitation
from chalicelib.services.joining import new_join_request
from chalicelib.store.members import new_membership_item
from chalicelib.store.seats import SeatsRead
from tests.helpers.present import present
from tests.unit.test_fake_contracts import covers

if TYPE_CHECKING:
    from chalicelib.store.models import JoinRequestItem, UserItem
    from chalicelib.store.outcomes import Outcome
    from tests.helpers import Clock
    from tests.helpers.fakes import FakeWorld


def _asker(world: FakeWorld, email: str) -> tuple[str, UserItem]:
    """A user with a login (a member elsewhere) and the account they ask to join."""
    elsewhere = world.account("Elsewhere")
    user_id = world.member(elsewhere, email)
    return world.account("Acme"), present(world.deps.store.users.get_user(user_id))


def _ask(world: FakeWorld, account_id: str, user: UserItem) -> tuple[JoinRequestItem, Outcome]:
    deps = world.deps
    request = new_join_request(
        account_id, user, deps.now(), via="domain", permissions=["tickets"], sub_accounts=None
    )
    event = record(
        deps, "join_request.created", OPERATOR, account_id, Target("join_request", request.request_id)
    )
    return request, deps.store.join_requests.create_request(request, deps.now(), event)


@covers(
    "join_requests.create_request",
    "join_requests.standing",
    "join_requests.get_request",
    "join_requests.requests_of",
)
def test_one_pending_request_per_requester_read_back_as_made(world: FakeWorld) -> None:
    account_id, user = _asker(world, "joe@corp.com")
    store = world.deps.store.join_requests
    assert store.standing(account_id, user.user_id, user.user_id) == (None, None, False)
    request, made = _ask(world, account_id, user)
    assert made
    assert _ask(world, account_id, user)[1].failed == {"exists"}  # asked twice: one request
    membership, pointer, removed = store.standing(account_id, user.user_id, user.user_id)
    assert (membership, present(pointer).request_id, present(pointer).status, removed) == (
        None,
        request.request_id,
        "pending",
        False,
    )
    found = present(store.get_request(account_id, request.request_id))
    assert (found.email, found.status, list(found.permissions)) == ("joe@corp.com", "pending", ["tickets"])
    assert store.get_request(account_id, "jrq_missing") is None
    assert [r.request_id for r in store.requests_of(account_id)] == [request.request_id]
    assert store.requests_of(world.account("Empty")) == []


@covers("join_requests.decide", "join_requests.expire")
def test_a_request_is_decided_or_expired_once_and_a_denial_holds_seven_days(
    world: FakeWorld, clock: Clock
) -> None:
    account_id, user = _asker(world, "ann@corp.com")
    store = world.deps.store.join_requests
    request, _ = _ask(world, account_id, user)
    assert store.expire(request, clock()).failed == {"used"}  # not due yet
    assert store.decide(request, "denied", clock(), [])
    assert present(store.get_request(account_id, request.request_id)).status == "denied"
    assert store.decide(request, "approved", clock(), []).failed == {"used"}
    assert _ask(world, account_id, user)[1].failed == {"exists"}  # denied within 7 days
    clock.advance(days=7, seconds=1)
    later, made = _ask(world, account_id, user)
    assert made
    clock.advance(days=14, seconds=1)
    assert store.decide(later, "denied", clock(), []).failed == {"used"}  # past its expiry
    assert store.expire(later, clock())
    assert present(store.get_request(account_id, later.request_id)).status == "expired"
    assert present(store.standing(account_id, user.user_id, user.user_id)[1]).status == "expired"
    assert store.expire(later, clock()).failed == {"used"}


@covers("join_requests.join")
def test_a_join_takes_the_email_and_a_seat_once(world: FakeWorld) -> None:
    account_id, user = _asker(world, "kim@corp.com")
    deps = world.deps
    account = present(deps.store.accounts.get_account(account_id))
    membership = new_membership_item(
        account_id, user.user_id, "member", ["tickets"], deps.now(), user=user, account_name=account.name
    )
    assert deps.store.join_requests.join(membership, SeatsRead.of(account), []).committed
    assert present(deps.store.members.get_membership(account_id, user.user_id)).permissions == ["tickets"]
    assert present(deps.store.accounts.get_account(account_id)).seats_held == int(account.seats_held or 0) + 1
    again = deps.store.join_requests.join(membership, SeatsRead.of(account), [])
    assert {"already_member", "used"} <= set(again.failed)
    assert (
        present(deps.store.join_requests.standing(account_id, user.user_id, user.user_id)[0]).role == "member"
    )
    other, someone = _asker(world, "lee@corp.com")
    joined = new_membership_item(
        other, someone.user_id, "member", [], deps.now(), user=someone, account_name="x"
    )
    # the account's seats are not as read (a limit it does not have): nothing is written
    assert "seats" in deps.store.join_requests.join(joined, SeatsRead(limit=5, held=0), []).failed


@covers("join_requests.approve_by_invitation")
def test_approving_by_invitation_writes_the_invitation_with_the_decision_once(world: FakeWorld) -> None:
    deps = world.deps
    account_id, user = _asker(world, "pat@corp.com")
    request, _ = _ask(world, account_id, user)
    account = present(deps.store.accounts.get_account(account_id))
    new, _raw = new_invitation(
        deps, account_id, "pat@corp.com", "member", ["tickets"], None, {}, recorded_by=OPERATOR
    )
    stale = SeatsRead(limit=5, held=0)  # a limit the account does not have: not as read
    assert (
        "seats" in deps.store.join_requests.approve_by_invitation(request, deps.now(), [], new, stale).failed
    )
    assert present(deps.store.join_requests.get_request(account_id, request.request_id)).status == "pending"
    store = deps.store.join_requests
    assert store.approve_by_invitation(request, deps.now(), [], new, SeatsRead.of(account))
    assert present(store.get_request(account_id, request.request_id)).status == "approved"
    made = present(deps.store.invitations.get_invitation(account_id, new.invitation.invitation_id))
    assert (made.email, list(made.permissions)) == ("pat@corp.com", ["tickets"])
    claims = deps.store.invitations.claims(account_id, ["pat@corp.com"])
    assert claims["pat@corp.com"].ref_id == new.invitation.invitation_id
    assert present(deps.store.accounts.get_account(account_id)).seats_held == int(account.seats_held or 0) + 1
    again, _ = new_invitation(deps, account_id, "pat@corp.com", "member", [], None, {})
    fresh = present(deps.store.accounts.get_account(account_id))
    refused = store.approve_by_invitation(request, deps.now(), [], again, SeatsRead.of(fresh))
    assert refused.failed == {"used", ("claimed", "pat@corp.com")}


@covers("join_requests.digests_due", "join_requests.send_digest")
def test_a_new_request_marks_its_accounts_digest_which_is_sent_once_as_read(
    world: FakeWorld, clock: Clock
) -> None:
    store = world.deps.store.join_requests
    first, ann = _asker(world, "ann@corp.com")
    second, bob = _asker(world, "bob@corp.com")
    assert store.digests_due(clock(), 10) == []
    _ask(world, first, ann)
    clock.advance(minutes=1)
    _ask(world, second, bob)
    due = store.digests_due(clock(), 10)
    assert [d.account_id for d in due] == [first, second]  # oldest first
    assert store.digests_due(clock() - timedelta(seconds=30), 10)[0].account_id == first
    read = due[0]
    other_run = copy.deepcopy(read)  # what a second run read at the same moment
    assert store.send_digest(read, [], clock())
    assert store.send_digest(other_run, [], clock()).failed == {"changed"}  # the other run sent it
    assert [d.account_id for d in store.digests_due(clock(), 10)] == [second]
    stale = store.digests_due(clock(), 10)[0]
    clock.advance(minutes=1)
    _, cy = _asker(world, "cy@corp.com")
    _ask(world, second, cy)  # marked again after the read: that read is stale
    assert store.send_digest(stale, [], clock()).failed == {"changed"}
    fresh = store.digests_due(clock(), 10)[0]
    assert store.send_digest(fresh, [], clock())
    assert store.digests_due(clock(), 10) == []
