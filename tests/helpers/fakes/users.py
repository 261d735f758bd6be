"""Users and what hangs off them in memory: logins, lockout windows, revoked tokens, one-time links and the
memberships' copies of a user, each under the conditions its real repository (store/users.py, lockouts.py,
revoked_tokens.py, links.py, member_copies.py) writes with, failing with the same labels."""

from __future__ import annotations

import copy
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.lockout import MAX_FAILURES, WINDOW, FailureWindow
from chalicelib.domain.outbox import Window
from chalicelib.services.ports import (
    LinkRepository,
    LockoutRepository,
    MemberCopyRepository,
    RevokedTokenRepository,
    UserRepository,
)
from chalicelib.store import keys, listeners
from chalicelib.store.member_copies import COPIES, copies_current
from chalicelib.store.member_index import USER_COPIES, copy_user, index_member, version_of
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
    SupportSessionItem,
    UserItem,
    format_time,
)
from chalicelib.store.outbox import limit_label
from chalicelib.store.outcomes import Failure, Label
from chalicelib.store.tx import DEFAULT_LABEL, Outcome
from chalicelib.store.users import AuthContext
from tests.helpers.fakes.table import OK, Table, key_of


def failure_window(t: Table, email: str) -> FailureWindow | None:
    found = t.get(keys.login_failures(email), LoginFailuresItem)
    return None if found is None else FailureWindow(int(found.failure_count), found.window_started_at)


def new_password(t: Table, email: str, user: UserItem, password_hash: str) -> None:
    """store/users.py new_password's writes, once its conditions held."""
    login = t.get(keys.login(email), LoginItem)
    assert login is not None
    login.password_hash, login.token_version = password_hash, int(login.token_version) + 1
    user.token_version = int(user.token_version) + 1
    user.link_generation = int(user.link_generation or 0) + 1


class FakeUsers(UserRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def login_state(self, email: str) -> tuple[LoginItem | None, FailureWindow | None]:
        return copy.deepcopy(self.t.get(keys.login(email), LoginItem)), failure_window(self.t, email)

    def get_user(self, user_id: str) -> UserItem | None:
        return copy.deepcopy(self.t.get(keys.user(user_id), UserItem))

    def users(self, user_ids: Iterable[str]) -> dict[str, UserItem]:
        found = (self.get_user(user_id) for user_id in set(user_ids))
        return {user.user_id: user for user in found if user is not None}

    def change_password(self, user: UserItem, password_hash: str) -> Outcome:
        stored = self.t.get(keys.user(user.user_id), UserItem)
        if (
            stored is None
            or int(stored.token_version) != int(user.token_version)
            or self.t.login_of(user.email, user.user_id) is None
        ):
            return Outcome(frozenset({"changed"}))
        new_password(self.t, user.email, stored, password_hash)
        self.t.delete(keys.login_failures(user.email))
        return OK

    def auth_context(
        self, user_id: str, token_id: str, account_id: str | None = None, link_hash: str | None = None,
        group_id: str | None = None, support_session_id: str | None = None,
    ) -> AuthContext:  # fmt: skip
        """As the real one, it tells store/listeners.py the operator's endpoint count when that is stale."""
        t = self.t
        if account_id is not None and listeners.operator_key_if_stale() is not None:
            listeners.tell_operator(t.get(keys.operator_webhook_count(), CounterItem))
        support = (
            t.get(keys.support_session(account_id, support_session_id), SupportSessionItem)
            if account_id is not None and support_session_id is not None
            else None
        )  # fmt: skip
        return copy.deepcopy(AuthContext(
            user=t.get(keys.user(user_id), UserItem),
            membership=t.get(keys.membership(account_id, user_id), MembershipItem) if account_id else None,
            account=t.get(keys.account(account_id), AccountItem) if account_id else None,
            revoked=t.get(keys.revoked_token(token_id), RevokedTokenItem) is not None,
            link=t.get(keys.link(link_hash), LinkItem) if link_hash else None,
            group=t.get(keys.group(account_id, group_id), GroupItem) if account_id and group_id else None,
            support_session=support,
        ))  # fmt: skip


class FakeLockouts(LockoutRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def reserve_login_attempt(self, email: str, now: datetime, known: FailureWindow | None) -> bool:
        """Counted in the current window while it has room, else the first of a new one; False when the
        current window is full (whatever `known` says: the conditions decide, as in the real one)."""
        stored = self.t.get(keys.login_failures(email), LoginFailuresItem)
        if stored is not None and stored.window_started_at > now - WINDOW:
            if int(stored.failure_count) >= MAX_FAILURES:
                return False
            stored.failure_count = int(stored.failure_count) + 1
            return True
        failures = LoginFailuresItem(*keys.login_failures(email), failure_count=1, window_started_at=now)
        failures.ttl = now + WINDOW + timedelta(minutes=1)
        self.t.put(failures)
        return True

    def clear_login_failures(self, email: str) -> None:
        self.t.delete(keys.login_failures(email))


def give_back(t: Table, email: str, now: datetime) -> None:
    """store/lockouts.py given_back: one check returned, onto a well-formed window if it is gone."""
    stored = t.get(keys.login_failures(email), LoginFailuresItem)
    if stored is None:
        stored = LoginFailuresItem(*keys.login_failures(email), failure_count=0, window_started_at=now)
        stored.ttl = now + WINDOW + timedelta(minutes=1)
        t.put(stored)
    stored.failure_count = int(stored.failure_count) - 1


class FakeRevokedTokens(RevokedTokenRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def revoke_token(self, token_id: str, expires_at: datetime) -> None:
        self.t.put(RevokedTokenItem(*keys.revoked_token(token_id), ttl=expires_at))


class FakeLinks(LinkRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def save_link(
        self, link: LinkItem, event: Item | None = None, mail: MailItem | None = None,
        windows: Sequence[Window] = (),
    ) -> Outcome:  # fmt: skip
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


def rewrite(t: Table, membership: MembershipItem, user: UserItem) -> None:
    """store/member_copies.py rewrite_alone, with no concurrent writer: the membership as it is stored
    now (read again when changed since the caller's read) takes the user's copies, its list keys and a
    new version; a membership gone meanwhile is left gone."""
    stored = t.get(key_of(membership), MembershipItem)
    if stored is None:
        return
    copy_user(stored, user)
    index_member(stored)
    stored.version = version_of(stored) + 1


class FakeMemberCopies(MemberCopyRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def user_and_accounts(
        self, user_id: str, account_ids: Iterable[str]
    ) -> tuple[UserItem | None, list[MembershipItem], dict[str, AccountItem]]:
        ids = sorted(set(account_ids))
        found = [self.t.get(keys.membership(a, user_id), MembershipItem) for a in ids]
        accounts = [self.t.get(keys.account(a), AccountItem) for a in ids]
        return copy.deepcopy((
            self.t.get(keys.user(user_id), UserItem),
            [m for m in found if m is not None],
            {a.account_id: a for a in accounts if a is not None},
        ))  # fmt: skip

    def memberships_of_user(self, user_id: str) -> list[MembershipItem]:
        """The user's side of gsi1, in its sort-key order."""
        pk, prefix = keys.memberships_of_user(user_id)
        found = [
            m for m in self.t.of(MembershipItem)
            if m.gsi1pk == pk and (m.gsi1sk or "").startswith(prefix)
        ]  # fmt: skip
        return copy.deepcopy(sorted(found, key=lambda m: m.gsi1sk or ""))

    def record_login(self, user_id: str, now: datetime, email: str | None = None) -> None:
        """The login time and the copies job's mark on a user still there, with this login's check given
        back to `email`'s window in the same write (store/member_copies.py); no membership is written."""
        stored = self.t.get(keys.user(user_id), UserItem)
        if stored is None:  # the real write's condition: else neither the time nor the give-back
            return
        stored.last_login_at = now
        mark_due(stored, now)
        if email is not None:
            give_back(self.t, email, now)

    def update_profile(
        self,
        user_id: str,
        changes: dict[str, Any],
        current: UserItem | None = None,
        now: datetime | None = None,
    ) -> UserItem:
        """Fields set (None: removed) on a user still there, marked due for the copies job when a copied
        field changes (with `now`); the user as written, or `current` with the changes."""
        stored = self.t.get(keys.user(user_id), UserItem)
        for name, value in changes.items() if stored is not None else ():
            setattr(stored, name, value)
        if stored is not None and now is not None and set(changes) & set(USER_COPIES):
            mark_due(stored, now)
        if current is None:
            return UserItem(*keys.user(user_id), **changes)
        renamed = copy.copy(current)
        renamed.attribute_values = dict(current.attribute_values) | changes
        return renamed

    def users_due(self, now: datetime, limit: int) -> list[UserItem]:
        """Users whose mark is due, oldest mark first (the real read is fair across shards too)."""
        bound = keys.expiry_upper_bound(format_time(now))
        marked = [u for u in self.t.of(UserItem) if u.gsi2sk is not None and u.gsi2sk <= bound]
        return copy.deepcopy(sorted(marked, key=lambda u: u.gsi2sk or "")[:limit])

    def rewrite_copies(self, user: UserItem) -> int:
        """Every listed membership not yet copying `user` rewritten from it, unless the user's mark changed
        since it was read (a newer login or rename: the next run rewrites from that); then the mark off."""
        stored = self.t.get(keys.user(user.user_id), UserItem)
        if stored is None or stored.gsi2sk != user.gsi2sk:
            return 0
        login = self.t.get(keys.login(user.email), LoginItem)
        listed = sorted(login.account_ids or ()) if login is not None else []
        found = [self.t.get(keys.membership(a, user.user_id), MembershipItem) for a in listed]
        stale = [m for m in found if m is not None and not copies_current(m, user)]
        for membership in stale:
            rewrite(self.t, membership, user)
        stored.gsi2pk = stored.gsi2sk = None
        return len(stale)


def mark_due(user: UserItem, now: datetime) -> None:
    """store/member_copies.py copies_due: the user's own mark in the due index."""
    user.gsi2pk, user.gsi2sk = keys.due(COPIES, f"{user.user_id}#{secrets.token_hex(6)}", format_time(now))
