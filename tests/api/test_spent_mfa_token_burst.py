"""A spent mfa_token replayed in a burst counts nothing against its user's code window.

services/mfa_login.py `_code_step` counts the check on the user the signed token names before it reads the
token's item; a token stays MAC-valid for its 5 minutes after it was spent, so a burst of replays (a
double-submitting client, or whoever saw one request body) is numbered 1..N. Each gives its number back
once the item is found gone, refused or not, so the user's own next sign-in with the right code passes.
(Found by an attacker's review: only the allowed ones were given back, and N >= 10 locked the user's
second factor for 15 minutes.)"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from chalicelib.store.factors import FactorStore
from tests.api.test_totp import code, enrol, login
from tests.helpers.concurrency import replies_together

if TYPE_CHECKING:
    import pytest

    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock

BURST = 12


def test_replaying_a_spent_mfa_token_locks_its_user_out_of_the_second_step(
    api: Api, deps: Deps, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret, _, _ = enrol(api, deps, clock)
    first = login(api)
    spent = first.body["mfa_token"]
    done = api.post("/auth/login/mfa", {"mfa_token": spent, "code": code(secret, deps)})
    assert done.status == 200, done.body  # the token is used up: its item is gone
    clock.advance(seconds=30)

    # Every replay is counted before any of them reads the (gone) item: the interleaving a burst gets
    # from DynamoDB's latency, made deterministic here with a barrier in the read that follows the count.
    barrier = threading.Barrier(BURST)
    real_state = FactorStore.state

    def state(self: FactorStore, *args: Any, **kwargs: Any) -> Any:
        barrier.wait(timeout=30)
        return real_state(self, *args, **kwargs)

    monkeypatch.setattr(FactorStore, "state", state)
    body = {"mfa_token": spent, "code": "123456"}
    replies = replies_together(*[lambda: api.post("/auth/login/mfa", body) for _ in range(BURST)])
    assert {r.status for r in replies} == {401}  # each told the step is gone...
    monkeypatch.setattr(FactorStore, "state", real_state)

    # ...and yet ann's own next sign-in, with her password and the right code, is refused
    again = login(api)
    assert again.status == 200 and "mfa_token" in again.body, again.body
    right = api.post("/auth/login/mfa", {"mfa_token": again.body["mfa_token"], "code": code(secret, deps)})
    assert right.status == 200, (right.status, right.body)
