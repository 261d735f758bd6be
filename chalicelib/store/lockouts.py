"""Access patterns of the lockout windows: the password checks counted against an email address, and the
second-factor codes counted against a user (the same window, under the user's key)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.expressions.update import Action

from chalicelib.domain.lockout import MAX_FAILURES, WINDOW, FailureWindow
from chalicelib.store import keys
from chalicelib.store.keys import Key
from chalicelib.store.models import Item, LoginFailuresItem
from chalicelib.store.table import get_item
from chalicelib.store.tx import Tx


def failure_window(found: dict[Key, Item], email: str) -> FailureWindow | None:
    """The failed logins of an email in a batch read that asked for `keys.login_failures(email)`."""
    failures = found.get(keys.login_failures(email))
    if not isinstance(failures, LoginFailuresItem):
        return None
    return FailureWindow(int(failures.failure_count), failures.window_started_at)


def given_back(now: datetime) -> list[Action]:
    """One reserved check returned to a failure window; should the window be gone meanwhile (a password
    reset), the item written is still a well-formed, short-lived window."""
    item = LoginFailuresItem
    return [
        item.failure_count.add(-1),
        item.entity.set(LoginFailuresItem),
        item.window_started_at.set(item.window_started_at | now),
        item.ttl.set(item.ttl | (now + WINDOW + timedelta(minutes=1))),
    ]


def _window_full(key: Key, cutoff: datetime) -> bool:
    found = get_item(LoginFailuresItem, key)
    return found is not None and found.window_started_at > cutoff and int(found.failure_count) >= MAX_FAILURES


class LockoutStore:
    def reserve_login_attempt(self, email: str, now: datetime, known: FailureWindow | None) -> bool:
        """Count a password check before it is made, atomically: in the current window while it has room
        (fewer than MAX_FAILURES), or as the first of a new window. False when the window is full: then no
        check may be made, however many requests arrive at once. `known`, the window as last read, picks
        the write likely to succeed first (one round trip in the usual case); the conditions decide."""
        return _reserve(keys.login_failures(email), now, known)

    def clear_login_failures(self, email: str) -> None:
        Tx().delete(LoginFailuresItem(*keys.login_failures(email))).commit()

    def reserve_code_attempt(self, user_id: str, now: datetime, known: FailureWindow | None) -> bool:
        """As reserve_login_attempt, for a second-factor code or recovery code of `user_id` (one count for
        both kinds, whichever mfa_token they come with)."""
        return _reserve(keys.code_failures(user_id), now, known)

    def give_back_code_attempt(self, user_id: str, now: datetime) -> None:
        """A right code returns its own reservation rather than clearing the window (docs/security.md,
        "Lockout and a right password"): wrong codes racing it stay counted."""
        Tx().update(LoginFailuresItem(*keys.code_failures(user_id)), given_back(now)).commit()


def _reserve(key: Key, now: datetime, known: FailureWindow | None) -> bool:
    item = LoginFailuresItem(*key)
    cutoff = now - WINDOW
    count_in_current = Tx().update(
        item,
        [LoginFailuresItem.failure_count.add(1)],
        condition=(LoginFailuresItem.window_started_at > cutoff)
        & (LoginFailuresItem.failure_count < MAX_FAILURES),
    )
    open_new = Tx().update(
        item,
        [
            LoginFailuresItem.entity.set(LoginFailuresItem),  # an upsert: name the entity too
            LoginFailuresItem.failure_count.set(1),
            LoginFailuresItem.window_started_at.set(now),
            LoginFailuresItem.ttl.set(now + WINDOW + timedelta(minutes=1)),
        ],
        condition=LoginFailuresItem.window_started_at.does_not_exist()
        | (LoginFailuresItem.window_started_at <= cutoff),
    )
    current = known is not None and known.started_at > cutoff
    attempts = [count_in_current, open_new] if current else [open_new, count_in_current]
    for _ in range(2):  # a concurrent request may open the new window between our two tries
        if any(attempt.commit() for attempt in attempts):
            return True
        if _window_full(key, cutoff):
            return False
    return False
