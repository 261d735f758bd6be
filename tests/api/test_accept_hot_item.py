"""Issue 26: no hot item on the accept path. An accept adds to one of the account's counter shards (by user)
instead of the account item, so two accepts into one account share no item but, at worst, a shard; the counts
shown (the account, its seats, the default group) add the shards to the account's own; the ways out still
move the account's counts; and the store retries an accept's conflicts by the budget it asks of commit."""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from chalicelib.errors import StillConflictingError
from chalicelib.store import keys
from chalicelib.store import tx as tx_module
from chalicelib.store.invitation_accept import ACCEPT_CONFLICT_TRIES
from chalicelib.store.models import AccountItem, RevokedTokenItem
from chalicelib.store.tx import CONFLICT_PAUSE_CAP_SECONDS, CONFLICT_TRIES, Tx
from tests.helpers import PASSWORD, invite, latest_link, onboard
from tests.helpers.concurrency import run_together
from tests.helpers.faults import Conflicts, Transactions
from tests.helpers.seed import seed_account

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Reply


def _accept(api: Api, link: str) -> Reply:
    body = {"token": link, "password": PASSWORD, "first_name": "New", "last_name": "Member"}
    return api.post("/invitations/accept", body)


def _counts(api: Api, account_id: str, token: str) -> tuple[int, int, int]:
    """The account's member count, its seats' active members, and the default group's member count."""
    account = api.get(f"/accounts/{account_id}", token=token).body
    groups = api.get(f"/accounts/{account_id}/groups", token=token).body["items"]
    default = next(g for g in groups if g["group_id"] == "default")
    return account["member_count"], account["seats"]["members"], default["member_count"]


def test_two_accepts_into_one_account_write_no_item_in_common_but_a_shard(api: Api) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com", "bob@example.com"])
    links = [latest_link("ann@example.com"), latest_link("bob@example.com")]
    with Transactions().on() as sent:
        assert [_accept(api, link).status for link in links] == [201, 201]
    accepts = [written for written in sent.keys if keys.account(account_id) not in written]
    assert len(accepts) == 2 and len(sent.keys) == 2  # neither accept wrote the account item
    shards = set(keys.account_counts(account_id))
    assert all(len(written & shards) == 1 for written in accepts)  # each added to one shard
    assert accepts[0] & accepts[1] <= shards  # and nothing else they both wrote


def test_many_accepts_at_once_count_exactly_everywhere_the_counts_show(api: Api) -> None:
    account_id, owner = onboard(api)
    emails = [f"p{i}@acme.com" for i in range(12)]
    invite(api, account_id, owner.token, emails)
    links = [latest_link(email) for email in emails]

    def accepting(link: str) -> Callable[[], int]:
        return lambda: contextvars.Context().run(_accept, api, link).status

    assert run_together(*[accepting(link) for link in links]) == [201] * 12
    assert _counts(api, account_id, owner.token) == (13, 13, 13)
    seats = api.get(f"/accounts/{account_id}", token=owner.token).body["seats"]
    assert (seats["used"], seats["pending"]) == (13, 0)


def test_the_ways_out_move_the_counts_the_shards_add_to(api: Api) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com", "bob@example.com"])
    emails = ("ann@example.com", "bob@example.com")
    joined = [_accept(api, latest_link(email)).body["membership"]["user_id"] for email in emails]
    assert _counts(api, account_id, owner.token) == (3, 3, 3)
    ann, bob = (f"/accounts/{account_id}/members/{user_id}" for user_id in joined)
    assert api.post(ann + "/deactivate", token=owner.token).status == 200
    assert _counts(api, account_id, owner.token) == (3, 2, 3)
    assert api.delete(bob, token=owner.token).status == 204
    assert _counts(api, account_id, owner.token) == (2, 1, 2)
    assert api.post(ann + "/reactivate", token=owner.token).status == 200
    assert _counts(api, account_id, owner.token) == (2, 2, 2)


def test_an_accept_retries_its_conflicts_past_the_usual_budget(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com"])
    with Conflicts(times=ACCEPT_CONFLICT_TRIES - 1).on() as conflicts:
        reply = _accept(api, latest_link("ann@example.com"))
    assert conflicts.left == 0 and ACCEPT_CONFLICT_TRIES - 1 > CONFLICT_TRIES
    assert reply.status == 201, reply.body
    assert _counts(api, account_id, owner.token) == (2, 2, 2)


def test_commit_sends_as_often_as_its_budget_with_jittered_capped_pauses(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id = seed_account(deps)
    pauses: list[float] = []
    monkeypatch.setattr(time, "sleep", pauses.append)  # the time module store/tx.py pauses with
    tx = Tx().put(RevokedTokenItem(*keys.revoked_token("t1")))
    tx.check(AccountItem(*keys.account(account_id)), AccountItem.pk.exists())
    with Conflicts(times=9).on() as conflicts, pytest.raises(StillConflictingError):
        tx.commit(conflict_tries=9)
    assert conflicts.left == 0 and len(pauses) == 8
    ceilings = [min(CONFLICT_PAUSE_CAP_SECONDS, tx_module.CONFLICT_PAUSE_SECONDS * 2**n) for n in range(8)]
    assert all(c / 2 <= p <= c for p, c in zip(pauses, ceilings, strict=True))
    assert max(pauses) <= CONFLICT_PAUSE_CAP_SECONDS
    with Conflicts(times=CONFLICT_TRIES).on(), pytest.raises(StillConflictingError):
        tx.commit()  # the default budget: CONFLICT_TRIES sends
    assert tx.commit()  # no conflict left: it commits
