"""Contract cases (as tests/unit/test_fake_contracts.py) for a user's second factors: TOTP, recovery codes,
passkeys, one-time challenges and the code lockout window."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.lockout import MAX_FAILURES, WINDOW, FailureWindow
from chalicelib.ids import new_sortable_id
from chalicelib.services.outbox import mail_for
from chalicelib.store import keys
from chalicelib.store.models import ChallengeItem, PasskeyItem, TotpItem
from chalicelib.store.sessions import new_security_event
from tests.helpers.present import present
from tests.unit.test_fake_contracts import covers

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.deps import Deps
    from chalicelib.services.ports.store import Repositories
    from chalicelib.store.models import MailItem, SecurityEventItem, UserItem
    from tests.helpers.fakes import FakeWorld


def _totp(user_id: str, now: datetime, sealed: str = "sealed-1") -> TotpItem:
    key = keys.totp(user_id)
    return TotpItem(*key, user_id=user_id, sealed_secret=sealed, confirmed=False, created_at=now)


def _passkey(user_id: str, passkey_id: str, credential_id: str, now: datetime) -> PasskeyItem:
    return PasskeyItem(
        *keys.passkey(user_id, passkey_id),
        user_id=user_id,
        passkey_id=passkey_id,
        name=f"key {passkey_id}",
        credential_id=credential_id,
        public_key="pk",
        sign_count=0,
        created_at=now,
    )


def _event(user: UserItem, kind: str, detail: str, now: datetime) -> SecurityEventItem:
    return new_security_event(user.user_id, new_sortable_id("sev"), kind, now, detail=detail)


def _events(store: Repositories, user: UserItem, now: datetime) -> list[tuple[str, str]]:
    """The user's security events, oldest first, as (type, detail)."""
    found, _ = store.sessions.security_events(user.user_id, now - timedelta(days=1), 50, None)
    return [(e.type, e.detail) for e in reversed(found)]


def _due(store: Repositories, user: UserItem, now: datetime) -> bool:
    """Whether the copies job would rewrite the user's memberships' copies now."""
    return user.user_id in {u.user_id for u in store.member_copies.users_due(now, 50)}


def _copied_factors(store: Repositories, user: UserItem) -> set[str] | None:
    (membership,) = store.member_copies.memberships_of_user(user.user_id)
    return present(store.members.get_membership(membership.account_id, user.user_id)).factors


def _user(world: FakeWorld) -> UserItem:
    account_id = world.account("Acme")
    user_id = world.member(account_id, "dev@acme.com")
    return present(world.deps.store.users.get_user(user_id))


@covers(
    "factors.state",
    "factors.start_totp",
    "factors.confirm_totp",
    "factors.use_totp_step",
    "factors.remove_totp",
)
def test_a_totp_is_confirmed_once_each_step_and_code_is_used_once_and_it_goes_with_its_codes(
    world: FakeWorld,
) -> None:
    store, now, deps = world.deps.store, world.deps.now(), world.deps
    user = _user(world)
    assert store.factors.state(user.user_id) == type(store.factors.state(user.user_id))(None, None, None)
    assert store.factors.start_totp(_totp(user.user_id, now))
    assert store.factors.start_totp(_totp(user.user_id, now, "sealed-2"))  # unconfirmed: replaced
    stale = _totp(user.user_id, now)  # as read before the second setup
    added = _event(user, "factor_added", "totp", now)
    mail = mail_for(deps, "notice", user.email)
    assert store.factors.confirm_totp(user, stale, 100, {"h1", "h2"}, mail, added).failed == {"changed"}
    read = store.factors.state(user.user_id).totp
    assert (present(read).sealed_secret, present(read).confirmed) == ("sealed-2", False)
    assert not store.factors.use_totp_step(user.user_id, 101)  # not confirmed yet
    assert _events(store, user, now) == [] and not _due(store, user, now)  # a failed write writes neither
    assert store.factors.confirm_totp(user, present(read), 100, {"h1", "h2"}, mail, added)
    assert _events(store, user, now) == [("factor_added", "totp")]
    assert _due(store, user, now)  # its memberships' copies of the factors wait for the copies job
    state = store.factors.state(user.user_id)
    assert (present(state.totp).confirmed, present(state.totp).last_step) == (True, 100)
    assert present(state.recovery).code_hashes == {"h1", "h2"}
    assert present(store.users.get_user(user.user_id)).factors == {"totp"}
    assert store.factors.start_totp(_totp(user.user_id, now, "sealed-3")).failed == {"exists"}
    assert not store.factors.use_totp_step(user.user_id, 100)  # the confirming code's step
    assert store.factors.use_totp_step(user.user_id, 101)
    assert not store.factors.use_totp_step(user.user_id, 101)
    assert not store.factors.use_totp_step(user.user_id, 99)
    assert present(store.factors.state(user.user_id).recovery).code_hashes == {"h1", "h2"}
    for due in store.member_copies.users_due(now, 50):
        store.member_copies.rewrite_copies(due)  # the copies job's run takes the mark off
    assert not _due(store, user, now)
    assert _copied_factors(store, user) == {"totp"}  # the membership's copy (Member.mfa_enabled)
    removed = _event(user, "factor_removed", "totp", now)
    assert store.factors.remove_totp(user, mail_for(deps, "notice", user.email), removed)
    assert _events(store, user, now)[-1] == ("factor_removed", "totp") and _due(store, user, now)
    assert store.factors.state(user.user_id) == type(state)(None, None, None)
    assert not present(store.users.get_user(user.user_id)).factors
    for due in store.member_copies.users_due(now, 50):
        store.member_copies.rewrite_copies(due)
    assert _copied_factors(store, user) is None
    again = _event(user, "factor_removed", "again", now)
    assert store.factors.remove_totp(user, mail_for(deps, "notice", user.email), again).failed == {"gone"}
    assert ("factor_removed", "again") not in _events(store, user, now)


@covers(
    "factors.passkeys",
    "factors.passkey_by_credential",
    "factors.passkey_answer",
    "factors.add_passkey",
    "factors.remove_passkey",
    "factors.record_passkey_use",
)
def test_passkeys_are_found_by_credential_counted_once_and_the_last_takes_the_factor_with_it(
    world: FakeWorld,
) -> None:
    store, now, deps = world.deps.store, world.deps.now(), world.deps
    user = _user(world)
    first, second = _passkey(user.user_id, "pk1", "cred-1", now), _passkey(user.user_id, "pk2", "cred-2", now)
    added = _event(user, "factor_added", "passkey", now)
    assert store.factors.add_passkey(user, first, _mail(deps, user), added)
    assert _due(store, user, now)
    again = _passkey(user.user_id, "pk3", "cred-1", now)
    refused = _event(user, "factor_added", "refused", now)
    assert store.factors.add_passkey(user, again, _mail(deps, user), refused).failed == {"exists"}
    assert store.factors.add_passkey(user, second, _mail(deps, user), _event(user, "factor_added", "2", now))
    assert _events(store, user, now) == [("factor_added", "passkey"), ("factor_added", "2")]
    assert [p.passkey_id for p in store.factors.passkeys(user.user_id)] == ["pk1", "pk2"]
    assert present(store.users.get_user(user.user_id)).factors == {"passkey"}
    found = present(store.factors.passkey_by_credential("cred-2"))
    assert (found.user_id, found.passkey_id) == (user.user_id, "pk2")
    assert store.factors.passkey_by_credential("cred-9") is None
    # a passwordless sign-in's reads: the challenge and the credential's passkey with its user
    store.factors.put_challenge(
        ChallengeItem(*keys.challenge("ch"), purpose="passkey_sign_in", user_id=None, expires_at=now)
    )
    answer = store.factors.passkey_answer("ch", "cred-2")
    assert (present(answer.challenge).purpose, present(answer.passkey).passkey_id) == (
        "passkey_sign_in",
        "pk2",
    )
    assert (present(answer.user).user_id, present(answer.user).email) == (user.user_id, user.email)
    unknown = store.factors.passkey_answer("no-such", "cred-9")
    assert (unknown.challenge, unknown.passkey, unknown.user) == (None, None, None)
    assert store.factors.passkey_answer("ch", "cred-9").challenge is not None
    assert store.factors.record_passkey_use(found, 5, now)
    assert not store.factors.record_passkey_use(found, 6, now)  # its counter was read at 0
    used = present(store.factors.passkey_by_credential("cred-2"))
    assert (used.sign_count, used.last_used_at) == (5, now)
    ghost = _passkey(user.user_id, "pk9", "cred-9", now)  # read, then deleted meanwhile
    assert store.factors.remove_passkey(user, first, [ghost], _mail(deps, user), _gone(user, now)).failed == {
        "changed"
    }
    assert store.factors.passkey_by_credential("cred-1") is not None
    for due in store.member_copies.users_due(now, 50):
        store.member_copies.rewrite_copies(due)
    assert store.factors.remove_passkey(user, first, [second], _mail(deps, user), _gone(user, now))
    assert not _due(store, user, now)  # the factor stays: nothing for the copies to follow
    assert store.factors.passkey_by_credential("cred-1") is None
    assert present(store.users.get_user(user.user_id)).factors == {"passkey"}  # the other one is left
    assert store.factors.remove_passkey(
        user, first, [second], _mail(deps, user), _gone(user, now)
    ).failed == {"gone"}
    assert store.factors.remove_passkey(user, second, [], _mail(deps, user), _gone(user, now))
    assert _due(store, user, now)
    assert [kind for kind, _ in _events(store, user, now)].count("factor_removed") == 2
    assert store.factors.passkeys(user.user_id) == []
    assert not present(store.users.get_user(user.user_id)).factors


@covers("factors.put_challenge", "factors.challenge", "factors.take_challenge")
def test_a_challenge_is_read_by_its_hash_and_taken_once(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    item = ChallengeItem(*keys.challenge("abc"), purpose="mfa", user_id="usr_1", expires_at=now)
    store.factors.put_challenge(item)
    read = present(store.factors.challenge("abc"))
    assert (read.purpose, read.user_id, read.expires_at) == ("mfa", "usr_1", now)
    assert read.challenge_hash is None
    assert store.factors.challenge("abd") is None
    assert store.factors.take_challenge(read)
    assert not store.factors.take_challenge(read)
    assert store.factors.challenge("abc") is None


@covers("lockouts.reserve_code_attempt", "lockouts.give_back_code_attempt")
def test_a_users_code_window_takes_so_many_checks_apart_from_the_emails(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    user = _user(world)
    assert all(store.lockouts.reserve_code_attempt(user.user_id, now, None) for _ in range(MAX_FAILURES))
    known = store.factors.state(user.user_id).failures
    assert (present(known).count, present(known).started_at) == (MAX_FAILURES, now)
    assert not store.lockouts.reserve_code_attempt(user.user_id, now + timedelta(minutes=1), known)
    assert store.users.login_state(user.email)[1] is None  # the email's password window is another
    store.lockouts.give_back_code_attempt(user.user_id, now)  # a right code returns its own check
    assert store.factors.state(user.user_id).failures == FailureWindow(MAX_FAILURES - 1, now)
    assert store.lockouts.reserve_code_attempt(user.user_id, now, known)
    later = now + WINDOW + timedelta(seconds=1)
    assert store.lockouts.reserve_code_attempt(user.user_id, later, known)
    assert store.factors.state(user.user_id).failures == FailureWindow(1, later)


def _gone(user: UserItem, now: datetime) -> SecurityEventItem:
    return _event(user, "factor_removed", "passkey", now)


def _mail(deps: Deps, user: UserItem) -> MailItem:
    return mail_for(deps, "notice", user.email)


def _challenge(store: Repositories, user: UserItem, name: str, now: datetime) -> ChallengeItem:
    item = ChallengeItem(*keys.challenge(name), purpose="mfa", user_id=user.user_id, expires_at=now)
    store.factors.put_challenge(item)
    return present(store.factors.challenge(name))
