"""Contract cases (as tests/unit/test_fake_contracts.py) for signing in with a second factor: what a sign-in
spends (its challenge, a code, a passkey's counter), the code check counted first, and the hints that bring
the login along (split from test_fake_contracts_factors.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.lockout import MAX_FAILURES, WINDOW
from chalicelib.services.outbox import mail_for
from chalicelib.store import keys
from chalicelib.store.factors import Spent
from chalicelib.store.models import ChallengeItem
from tests.helpers.present import present
from tests.unit.test_fake_contracts import covers
from tests.unit.test_fake_contracts_factors import (
    _challenge,
    _event,
    _events,
    _gone,
    _mail,
    _passkey,
    _totp,
    _user,
)

if TYPE_CHECKING:
    from tests.helpers.fakes import FakeWorld


@covers("factors.sign_in_spending", "factors.state")
def test_a_sign_in_spends_its_challenge_and_its_code_once_and_spends_nothing_when_it_fails(
    world: FakeWorld,
) -> None:
    """The second step's use of its mfa_token and code is the sign-in's own write: each "once" a condition
    of it, and a failed condition leaves the challenge, the code, the events and the login time as were."""
    store, now, deps = world.deps.store, world.deps.now(), world.deps
    user = _user(world)
    store.factors.start_totp(_totp(user.user_id, now))
    read = store.factors.state(user.user_id).totp
    added = _event(user, "factor_added", "totp", now)
    assert store.factors.confirm_totp(
        user, present(read), 100, {"h1", "h2"}, mail_for(deps, "notice", user.email), added
    )
    assert (
        present(store.factors.state(user.user_id, user.email).login).user_id == user.user_id
    )  # the step's one read
    # with the page of the accounts the mfa_token names, in the same read; one gone is not there
    account_id = next(iter(present(store.users.login_state(user.email)[0]).account_ids))
    paged = store.factors.state(user.user_id, user.email, {account_id, "acc_gone"}).page
    page_user, memberships, accounts = present(paged)
    assert present(page_user).user_id == user.user_id and [m.account_id for m in memberships] == [account_id]
    assert list(accounts) == [account_id] and accounts[account_id].name == "Acme"
    assert store.factors.state(user.user_id, user.email).page is None
    assert (
        store.factors.state(user.user_id).login is None
        and store.factors.state("usr_x", "x@y.z").login is None
    )
    first = _challenge(store, user, "c1", now)
    used = _event(user, "recovery_code_used", "1 left", now)
    spent = Spent(user.user_id, first, recovery_hash="h1", code_checked=True, writes=(used,))
    assert store.factors.sign_in_spending(spent, now, None, [_event(user, "signed_in", "first", now)])
    assert present(store.factors.state(user.user_id).recovery).code_hashes == {"h2"}
    assert store.factors.challenge("c1") is None
    assert _events(store, user, now)[1:] == [("recovery_code_used", "1 left"), ("signed_in", "first")]
    assert present(store.users.get_user(user.user_id)).last_login_at == now
    again = store.factors.sign_in_spending(spent, now, None, [_event(user, "signed_in", "again", now)])
    assert "gone" in again.failed and not again  # the mfa_token was used up with the code
    second = _challenge(store, user, "c2", now)
    later = now + timedelta(minutes=1)
    replayed = Spent(user.user_id, second, step=100, code_checked=True)  # the confirming code's step
    assert store.factors.sign_in_spending(
        replayed, later, None, [_event(user, "signed_in", "x", later)]
    ).failed == {"used"}
    assert store.factors.challenge("c2") is not None  # not spent on a sign-in that did not happen
    assert [kind for kind, _ in _events(store, user, now)].count("signed_in") == 1
    assert present(store.users.get_user(user.user_id)).last_login_at == now
    fresh = Spent(user.user_id, second, step=101, code_checked=True)
    assert store.factors.sign_in_spending(fresh, later, None, [_event(user, "signed_in", "next", later)])
    assert present(store.factors.state(user.user_id).totp).last_step == 101
    assert store.factors.challenge("c2") is None


@covers("factors.sign_in_spending")
def test_a_passkey_sign_in_moves_the_counter_only_from_the_count_it_read(world: FakeWorld) -> None:
    store, now, deps = world.deps.store, world.deps.now(), world.deps
    user = _user(world)
    key = _passkey(user.user_id, "pk1", "cred-1", now)
    assert store.factors.add_passkey(
        user, key, _mail(deps, user), _event(user, "factor_added", "passkey", now)
    )
    read = present(store.factors.passkey_by_credential("cred-1"))
    first = _challenge(store, user, "p1", now)
    assert store.factors.sign_in_spending(Spent(user.user_id, first, passkey=(read, 3)), now, None, [])
    moved = present(store.factors.passkey_by_credential("cred-1"))
    assert (moved.sign_count, moved.last_used_at) == (3, now)
    second = _challenge(store, user, "p2", now)
    stale = store.factors.sign_in_spending(Spent(user.user_id, second, passkey=(read, 4)), now, None, [])
    assert stale.failed == {"used"}  # its counter was read at 0: a replayed or cloned answer
    assert present(store.factors.passkey_by_credential("cred-1")).sign_count == 3
    assert store.factors.challenge("p2") is not None


@covers("lockouts.count_code_check", "factors.put_mfa_token", "factors.state")
def test_a_code_check_is_numbered_first_and_hands_back_the_login_the_password_step_named(
    world: FakeWorld,
) -> None:
    """The second step's first call: every check its own number in the user's window (refused past
    MAX_FAILURES, given back only by who was allowed), with the login the last password step named."""
    store, now = world.deps.store, world.deps.now()
    user = _user(world)
    later = now + timedelta(minutes=5)
    token = ChallengeItem(*keys.challenge("t1"), purpose="mfa", user_id=user.user_id, expires_at=later)
    token.email, token.account_ids = user.email, {"acc_1", "acc_2"}
    store.factors.put_mfa_token(token, now)
    assert present(store.factors.state(user.user_id, challenge_hash="t1").challenge).email == user.email
    assert store.factors.state(user.user_id).challenge is None
    checks = [store.lockouts.count_code_check(user.user_id, now) for _ in range(MAX_FAILURES + 2)]
    assert [c.window.count for c in checks] == list(range(1, MAX_FAILURES + 3))
    assert [c.allowed for c in checks] == [True] * MAX_FAILURES + [False, False]
    assert {c.window.started_at for c in checks} == {now}
    assert (checks[0].email, checks[0].account_ids) == (user.email, frozenset({"acc_1", "acc_2"}))
    assert store.users.login_state(user.email)[1] is None  # the email's password window is another
    store.lockouts.give_back_code_attempt(user.user_id, now)  # a right one's: the refused stay counted
    assert not store.lockouts.count_code_check(user.user_id, now).allowed
    # a password step while the window is open keeps its count, and names the login anew
    token.account_ids = None
    store.factors.put_mfa_token(token, now + timedelta(minutes=1))
    named = store.lockouts.count_code_check(user.user_id, now + timedelta(minutes=1))
    assert (named.window.count, named.email, named.account_ids) == (MAX_FAILURES + 3, user.email, frozenset())
    reopened = store.lockouts.count_code_check(user.user_id, now + WINDOW + timedelta(seconds=1))
    assert (reopened.window.count, reopened.allowed, reopened.email) == (1, True, user.email)
    stranger = store.lockouts.count_code_check("usr_nobody", now)  # no password step named a login
    assert (stranger.window.count, stranger.email, stranger.account_ids) == (1, None, frozenset())


@covers("factors.passkey_answer", "factors.sign_in_spending")
def test_a_passkey_read_brings_the_login_its_hint_or_its_mfa_token_names_and_the_sign_in_renews_it(
    world: FakeWorld,
) -> None:
    """Without a hint (an item from before hints): the passkey and its user, no login. A sign-in keeps
    where the passkey led on its credential's item; the next read brings that login and its page. An
    mfa_token's item names the login instead, for its own user."""
    store, now, deps = world.deps.store, world.deps.now(), world.deps
    user = _user(world)
    (account_id,) = present(store.users.login_state(user.email)[0]).account_ids
    assert store.factors.add_passkey(
        user, _passkey(user.user_id, "pk1", "cred-1", now), _mail(deps, user), _event(user, "x", "y", now)
    )
    bare = store.factors.passkey_answer("none", "cred-1")
    assert (bare.challenge, present(bare.passkey).passkey_id, present(bare.user).user_id) == (
        None,
        "pk1",
        user.user_id,
    )
    assert bare.login is None and bare.page is None and present(bare.owner).email is None
    first = _challenge(store, user, "p1", now)
    hint = (user.email, frozenset({account_id}))
    assert store.factors.sign_in_spending(
        Spent(user.user_id, first, passkey=(present(bare.passkey), 1), hint=hint), now, None, []
    )
    hinted = store.factors.passkey_answer("none", "cred-1")
    assert (present(hinted.owner).email, present(hinted.owner).account_ids) == (user.email, {account_id})
    assert present(hinted.login).user_id == user.user_id and hinted.page_ids == (account_id,)
    page_user, memberships, accounts = present(hinted.page)
    assert present(page_user).user_id == user.user_id and [m.account_id for m in memberships] == [account_id]
    assert list(accounts) == [account_id]
    token = ChallengeItem(*keys.challenge("m1"), purpose="mfa", user_id=user.user_id, expires_at=now)
    token.email = "other@acme.com"  # what the mfa_token names wins over the hint (here: no such login)
    store.factors.put_challenge(token)
    named = store.factors.passkey_answer("m1", "cred-1")
    assert present(named.challenge).purpose == "mfa" and named.login is None and named.page is None
    assert present(named.passkey).sign_count == 1 and present(named.user).email == user.email
    # a passkey registered with where it leads: its first read brings the login and its page
    second = _passkey(user.user_id, "pk2", "cred-2", now)
    assert store.factors.add_passkey(user, second, _mail(deps, user), _event(user, "x", "z", now), hint)
    fresh = store.factors.passkey_answer("none", "cred-2")
    assert present(fresh.login).email == user.email and fresh.page_ids == (account_id,)


@covers("factors.add_passkey", "factors.remove_passkey")
def test_the_users_passkey_ids_follow_each_passkey_and_a_registration_uses_its_challenge_once(
    world: FakeWorld,
) -> None:
    store, now, deps = world.deps.store, world.deps.now(), world.deps
    user = _user(world)

    def ids() -> set[str] | None:
        found = present(store.users.get_user(user.user_id)).passkey_ids
        return None if found is None else set(found)

    challenge = ChallengeItem(*keys.challenge("reg"), purpose="passkey_register", user_id=user.user_id)
    challenge.expires_at = now
    store.factors.put_challenge(challenge)
    first, second = _passkey(user.user_id, "pk1", "cred-1", now), _passkey(user.user_id, "pk2", "cred-2", now)
    added = _event(user, "factor_added", "passkey", now)
    assert store.factors.add_passkey(user, first, _mail(deps, user), added, challenge=challenge)
    assert store.factors.challenge("reg") is None and ids() == {"cred-1"}
    # the same challenge again (a second request that read it too): nothing written
    refused = _event(user, "factor_added", "again", now)
    lost = store.factors.add_passkey(user, second, _mail(deps, user), refused, challenge=challenge)
    assert lost.failed == {"used"}
    assert store.factors.passkey_by_credential("cred-2") is None and ids() == {"cred-1"}
    # passkeys read from before the set must all still be there
    ghost = _passkey(user.user_id, "pk9", "cred-9", now)
    stale = _event(user, "factor_added", "stale", now)
    assert store.factors.add_passkey(user, second, _mail(deps, user), stale, before=[ghost]).failed == {
        "changed"
    }
    assert ids() == {"cred-1"}
    assert store.factors.add_passkey(
        user, second, _mail(deps, user), _event(user, "factor_added", "2", now), before=[first]
    )
    assert ids() == {"cred-1", "cred-2"}
    assert store.factors.remove_passkey(user, first, [second], _mail(deps, user), _gone(user, now))
    assert ids() == {"cred-2"}
    assert store.factors.remove_passkey(user, second, [], _mail(deps, user), _gone(user, now))
    assert ids() is None and not present(store.users.get_user(user.user_id)).factors
