"""Users and what hangs off them in memory: logins, lockout windows, revoked tokens, one-time links and the
memberships' copies of a user, each under the conditions its real repository (store/users.py, lockouts.py,
revoked_tokens.py, links.py, member_copies.py) writes with, failing with the same labels."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from chalicelib.domain.lockout import MAX_FAILURES, WINDOW, FailureWindow
from chalicelib.domain.outbox import Window
from chalicelib.services.ports import (
    LinkRepository,
    LockoutRepository,
    RevokedTokenRepository,
    UserRepository,
)
from chalicelib.store import keys, listeners
from chalicelib.store.lockouts import CodeCheck, LoginCheck, window_of
from chalicelib.store.models import (
    AccountItem,
    CounterItem,
    GroupItem,
    Item,
    LinkItem,
    LoginFailuresItem,
    LoginItem,
    MailItem,
    MembershipItem,
    RevokedTokenItem,
    SessionItem,
    SupportSessionItem,
    UserItem,
)
from chalicelib.store.outbox import limit_label
from chalicelib.store.outcomes import Failure, Label
from chalicelib.store.scope_hints import scope_of
from chalicelib.store.tx import DEFAULT_LABEL, Outcome
from chalicelib.store.users import AuthContext
from tests.helpers.fakes.table import OK, Table, key_of, not_faked


def failure_window(t: Table, email: str) -> FailureWindow | None:
    found = t.get(keys.login_failures(email), LoginFailuresItem)
    return None if found is None else window_of(found)


def code_failure_window(t: Table, user_id: str) -> FailureWindow | None:
    found = t.get(keys.code_failures(user_id), LoginFailuresItem)
    return None if found is None else window_of(found)


def new_password(t: Table, email: str, user: UserItem, password_hash: str) -> None:
    """store/users.py new_password's writes, once its conditions held."""
    login = t.get(keys.login(email), LoginItem)
    assert login is not None
    login.password_hash, login.token_version = password_hash, int(login.token_version) + 1
    user.token_version = int(user.token_version) + 1
    user.link_generation = int(user.link_generation or 0) + 1


class FakeUsers(UserRepository):
    # a login made by SCIM (services/scim_login.py) is tested on moto (tests/api/test_scim_users.py)
    create_user = not_faked("users", "create_user")

    def __init__(self, table: Table) -> None:
        self.t = table

    def login_state(self, email: str) -> tuple[LoginItem | None, FailureWindow | None]:
        return copy.deepcopy(self.t.get(keys.login(email), LoginItem)), failure_window(self.t, email)

    def get_user(self, user_id: str) -> UserItem | None:
        return copy.deepcopy(self.t.get(keys.user(user_id), UserItem))

    def users(self, user_ids: Iterable[str]) -> dict[str, UserItem]:
        found = (self.get_user(user_id) for user_id in set(user_ids))
        return {user.user_id: user for user in found if user is not None}

    def change_password(
        self,
        user: UserItem,
        password_hash: str,
        session: tuple[str, datetime] | None = None,
        writes: Sequence[Item] = (),
    ) -> Outcome:
        stored = self.t.get(keys.user(user.user_id), UserItem)
        if (
            stored is None
            or int(stored.token_version) != int(user.token_version)
            or self.t.login_of(user.email, user.user_id) is None
        ):
            return Outcome(frozenset({"changed"}))
        kept = self.t.get(keys.session(user.user_id, session[0]), SessionItem) if session else None
        if session is not None and kept is None:
            return Outcome(frozenset({"gone"}))
        if kept is not None and session is not None:
            kept.ttl = session[1]
        for item in writes:
            self.t.put(copy.deepcopy(item))
        new_password(self.t, user.email, stored, password_hash)
        _clear(self.t, user.email)
        return OK

    def auth_context(
        self,
        user_id: str,
        token_id: str,
        account_id: str | None = None,
        link_hash: str | None = None,
        group_id: str | None = None,
        support_session_id: str | None = None,
        session_id: str | None = None,
        counts: bool = False,
        login_email: str | None = None,
    ) -> AuthContext:
        """As the real one, it tells store/listeners.py the operator's endpoint count when that is stale."""
        t = self.t
        if account_id is not None and listeners.operator_key_if_stale() is not None:
            listeners.tell_operator(t.get(keys.operator_webhook_count(), CounterItem))
        support = (
            t.get(keys.support_session(account_id, support_session_id), SupportSessionItem)
            if account_id is not None and support_session_id is not None
            else None
        )
        return copy.deepcopy(
            AuthContext(
                user=t.get(keys.user(user_id), UserItem),
                membership=t.get(keys.membership(account_id, user_id), MembershipItem)
                if account_id
                else None,
                account=t.get(keys.account(account_id), AccountItem) if account_id else None,
                revoked=t.get(keys.revoked_token(token_id), RevokedTokenItem) is not None,
                link=t.get(keys.link(link_hash), LinkItem) if link_hash else None,
                group=t.get(keys.group(account_id, group_id), GroupItem) if account_id and group_id else None,
                support_session=support,
                session=t.get(keys.session(user_id, session_id), SessionItem) if session_id else None,
                login_state=self.login_state(login_email) if login_email is not None else None,
            )
        )


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
        _clear(self.t, email)

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


def _clear(t: Table, email: str) -> None:
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


class FakeRevokedTokens(RevokedTokenRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def revoke_token(self, token_id: str, expires_at: datetime) -> None:
        self.t.put(RevokedTokenItem(*keys.revoked_token(token_id), ttl=expires_at))


class FakeLinks(LinkRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def save_link(
        self,
        link: LinkItem,
        event: Item | None = None,
        mail: MailItem | None = None,
        windows: Sequence[Window] = (),
    ) -> Outcome:
        """Never over a link of the same hash ("exists"); with its email queued once ("conflict" when it is
        there already) and counted in the address's `windows` (a full one: its limit_label)."""
        labels: set[Failure] = {"exists"} if self.t.get(key_of(link), LinkItem) is not None else set()
        if mail is not None and self.t.get(key_of(mail), MailItem) is not None:
            labels.add(DEFAULT_LABEL)
        if mail is not None:
            labels |= {limit_label(w, mail.to) for w in windows if not self.t.counts_room(mail.to, w)}
        if labels:
            return Outcome(frozenset(labels))
        self.t.put(copy.deepcopy(link))
        if mail is not None:
            for window in windows:
                self.t.count(mail.to, window)
            self.t.put(copy.deepcopy(mail))
        return self.t.record(event)

    def get_link(self, token_hash: str) -> LinkItem | None:
        return copy.deepcopy(self.t.get(keys.link(token_hash), LinkItem))

    def open_counted_link(self, token_hash: str, now: datetime) -> LinkItem | None:
        stored = self.t.get(keys.link(token_hash), LinkItem)
        if stored is None or stored.purpose != "invitation" or stored.ended is not None:
            return copy.deepcopy(stored) if stored is not None and stored.ended is not None else None
        if stored.attempts_started_at is None or stored.attempts_started_at <= now - WINDOW:
            stored.attempts, stored.attempts_started_at = 1, now
        else:
            stored.attempts = int(stored.attempts or 0) + 1
        return copy.deepcopy(stored)

    def reset_password(self, link: LinkItem, password_hash: str, now: datetime) -> Outcome:
        """ "used" when the link was used first, or a reset, a password change or a removal since ended it
        (the user's link generation moved on)."""
        stored = self.t.get(key_of(link), LinkItem)
        user = self.t.get(keys.user(link.user_id or ""), UserItem)
        used: Label = "used"
        if (
            stored is None
            or stored.used_at is not None
            or user is None
            or int(user.link_generation or 0) != int(link.generation or 0)
            or self.t.login_of(link.email, link.user_id or "") is None
        ):
            return Outcome(frozenset({used}))
        stored.used_at = now
        new_password(self.t, link.email, user, password_hash)
        return OK
