"""The fake lockout windows (store/lockouts.py): the password checks counted against an email address and
the second-factor codes counted against a user, with the same rules as the real store."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.domain.lockout import MAX_FAILURES, WINDOW, FailureWindow
from chalicelib.services.ports import LockoutRepository
from chalicelib.store import keys
from chalicelib.store.lockouts import CodeCheck, LoginCheck, window_of
from chalicelib.store.models import LoginFailuresItem
from chalicelib.store.scope_hints import scope_of
from tests.helpers.fakes.table import Table


def failure_window(t: Table, email: str) -> FailureWindow | None:
    found = t.get(keys.login_failures(email), LoginFailuresItem)
    return None if found is None else window_of(found)


def code_failure_window(t: Table, user_id: str) -> FailureWindow | None:
    found = t.get(keys.code_failures(user_id), LoginFailuresItem)
    return None if found is None else window_of(found)


class FakeLockouts(LockoutRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def reserve_login_attempt(self, email: str, now: datetime, known: FailureWindow | None) -> bool:
        """Counted in the current window while it has room, else the first of a new one; False when the
        current window is full (whatever `known` says: the conditions decide, as in the real one)."""
        return _reserve(self.t, keys.login_failures(email), now)

    def count_login_check(self, email: str, now: datetime) -> LoginCheck:
        """store/lockouts.py count_login_check: every check numbered in the window (a window past its end
        reopened at 1), with where the email led at the last sign-in."""
        stored = _count(self.t, keys.login_failures(email), now)
        window = FailureWindow(int(stored.failure_count), stored.window_started_at)
        return LoginCheck(window, stored.user_id, frozenset(stored.account_ids or ()), scope_of(stored))

    def count_code_check(self, user_id: str, now: datetime) -> CodeCheck:
        """store/lockouts.py count_code_check: as count_login_check, on the user's code window, with the
        login the last password step named."""
        stored = _count(self.t, keys.code_failures(user_id), now)
        window = FailureWindow(int(stored.failure_count), stored.window_started_at)
        return CodeCheck(window, stored.email, frozenset(stored.account_ids or ()))

    def clear_login_failures(self, email: str) -> None:
        clear_window(self.t, email)

    def reserve_code_attempt(self, user_id: str, now: datetime, known: FailureWindow | None) -> bool:
        return _reserve(self.t, keys.code_failures(user_id), now)

    def give_back_code_attempt(self, user_id: str, now: datetime) -> None:
        give_back(self.t, keys.code_failures(user_id), now)


def _count(t: Table, key: keys.Key, now: datetime) -> LoginFailuresItem:
    """One more check numbered in the window at `key` (a window past its end reopened at 1)."""
    stored = t.get(key, LoginFailuresItem)
    if stored is None:
        stored = LoginFailuresItem(*key, failure_count=0)
        stored.ttl = now + WINDOW + timedelta(minutes=1)
        t.put(stored)
    started = stored.window_started_at
    if started is not None and started <= now - WINDOW:
        stored.failure_count, stored.window_started_at = 1, now
        stored.ttl = now + WINDOW + timedelta(minutes=1)
    else:
        stored.failure_count = int(stored.failure_count or 0) + 1
        stored.window_started_at = started or now
    return stored


def _reserve(t: Table, key: keys.Key, now: datetime) -> bool:
    stored = t.get(key, LoginFailuresItem)
    started = stored.window_started_at if stored is not None else None
    if stored is not None and started is not None and started > now - WINDOW:
        if int(stored.failure_count) >= MAX_FAILURES:
            return False
        stored.failure_count = int(stored.failure_count) + 1
        return True
    failures = stored or LoginFailuresItem(*key)  # an update: where the email led stays
    failures.failure_count, failures.window_started_at = 1, now
    failures.ttl = now + WINDOW + timedelta(minutes=1)
    t.put(failures)
    return True


def clear_window(t: Table, email: str) -> None:
    """store/lockouts.py CLEARED: the window gone, where the email leads kept."""
    stored = t.get(keys.login_failures(email), LoginFailuresItem)
    if stored is not None:
        stored.failure_count, stored.window_started_at = 0, None


def give_back(t: Table, email_or_key: str | keys.Key, now: datetime) -> None:
    """store/lockouts.py given_back: one check returned, onto a well-formed window if it is gone (an email's
    login window, or the window at a key: a user's codes)."""
    key = keys.login_failures(email_or_key) if isinstance(email_or_key, str) else email_or_key
    stored = t.get(key, LoginFailuresItem)
    if stored is None:
        stored = LoginFailuresItem(*key, failure_count=0, window_started_at=now)
        stored.ttl = now + WINDOW + timedelta(minutes=1)
        t.put(stored)
    stored.failure_count = int(stored.failure_count or 0) - 1
    stored.window_started_at = stored.window_started_at or now
