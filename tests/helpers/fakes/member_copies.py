"""The fake of a user's memberships seen from the user's side (store/member_copies.py): login and profile
changes write the user and mark it due; the copies job's reads and rewrites bring each membership along."""

from __future__ import annotations

import copy
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from chalicelib.services.ports import (
    MemberCopyRepository,
)
from chalicelib.store import keys
from chalicelib.store.account_names import NAMES, SETTLE
from chalicelib.store.lockouts import POINTER_LIFETIME
from chalicelib.store.member_copies import (
    COPIES,
    AccountsPage,
    Page,
    copies_current,
)
from chalicelib.store.member_index import USER_COPIES, copy_user, index_member, sortable, version_of
from chalicelib.store.models import (
    AccountItem,
    Item,
    LoginFailuresItem,
    LoginItem,
    MembershipItem,
    UserItem,
    format_time,
)
from chalicelib.store.read_ahead import ReadAhead, read_ahead
from chalicelib.store.scope_hints import KEPT_AHEAD, NO_SCOPE, ScopeHint
from chalicelib.store.table import BATCH_KEYS
from tests.helpers.fakes.lockouts import give_back
from tests.helpers.fakes.table import Table, key_of


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
        return copy.deepcopy(
            (
                self.t.get(keys.user(user_id), UserItem),
                [m for m in found if m is not None],
                {a.account_id: a for a in accounts if a is not None},
            )
        )

    def memberships_of_user(self, user_id: str) -> list[MembershipItem]:
        """The user's side of gsi1, in its sort-key order."""
        pk, prefix = keys.memberships_of_user(user_id)
        found = [
            m for m in self.t.of(MembershipItem) if m.gsi1pk == pk and (m.gsi1sk or "").startswith(prefix)
        ]
        return copy.deepcopy(sorted(found, key=lambda m: m.gsi1sk or ""))

    def accounts_page(self, user_id: str, after: tuple[str, str] | None, limit: int) -> AccountsPage:
        """store/member_copies.py accounts_page: the user's gsi1 keys from the first unnamed one (or after
        `after`'s listed key) to the end of the listed range, in key order."""
        pk, low, high = keys.listed_accounts(user_id, after)
        rows = sorted(
            (m for m in self.t.of(MembershipItem) if m.gsi1pk == pk and low < (m.gsi1sk or "") <= high),
            key=lambda m: m.gsi1sk or "",
        )
        unnamed = bool(rows) and not keys.is_listed(rows[0].gsi1sk or "")
        return AccountsPage(copy.deepcopy(rows[:limit]), len(rows) > limit, unnamed)

    def accounts_renamed(self, now: datetime, limit: int) -> list[AccountItem]:
        """Accounts whose name mark is due, oldest first."""
        bound = keys.expiry_upper_bound(format_time(now))
        marked = [a for a in self.t.of(AccountItem) if (a.gsi2pk or "").startswith(f"{NAMES}#")]
        due = [a for a in marked if (a.gsi2sk or "") <= bound]
        return copy.deepcopy(sorted(due, key=lambda a: a.gsi2sk or "")[:limit])

    def rewrite_names(self, account: AccountItem, now: datetime) -> int:
        """store/account_names.py rewrite_names, with no concurrent writer: each membership of the account
        keyed by another name takes the account's (as read), its gsi1 key and a new version; then the mark
        moves on by SETTLE if any was rewritten, else comes off, unless a newer rename moved it."""
        stored = self.t.get(keys.account(account.account_id), AccountItem)
        if stored is None or stored.gsi2sk != account.gsi2sk:
            return 0
        name = sortable(account.name)
        members = [m for m in self.t.of(MembershipItem) if m.account_id == account.account_id]
        stale = [m for m in members if m.account_sort != name]
        for membership in stale:
            membership.account_sort = name
            index_member(membership)
            membership.version = version_of(membership) + 1
        if stale:
            mark_renamed(stored, now + SETTLE)
        else:
            stored.gsi2pk = stored.gsi2sk = None
        return len(stale)

    def record_login(
        self, user_id: str, now: datetime, email: str | None = None, writes: Sequence[Item] = ()
    ) -> None:
        """The login time and the copies job's mark on a user still there, with this login's check given
        back to `email`'s window and the sign-in's session in the same write (store/member_copies.py); no
        membership is written."""
        stored = self.t.get(keys.user(user_id), UserItem)
        if stored is None:  # the real write's condition: else neither the time nor the give-back
            return
        for item in writes:
            self.t.put(copy.deepcopy(item))
        stored.last_login_at = now
        mark_due(stored, now)
        if email is not None:
            give_back(self.t, email, now)

    def login_and_page(
        self, email: str, hint: tuple[str, Iterable[str]] | None, scope: ScopeHint = NO_SCOPE
    ) -> tuple[LoginItem | None, Page | None, ReadAhead]:
        """The login, the hinted page and the hinted scope items (as many as the real batch has room for:
        store/member_copies.py `login_and_page`)."""
        login = copy.deepcopy(self.t.get(keys.login(email), LoginItem))
        page = self.user_and_accounts(hint[0], hint[1]) if hint is not None else None
        room = BATCH_KEYS - 1 - (1 + 2 * len(set(hint[1])) if hint is not None else 0)
        asked = scope.within(room).item_keys()
        found = {key: copy.deepcopy(self.t.get(key, Item)) for key in asked}
        return login, page, read_ahead(asked, {k: v for k, v in found.items() if v is not None})

    def record_password_sign_in(
        self,
        user_id: str,
        now: datetime,
        email: str,
        alone: bool,
        account_ids: Iterable[str],
        writes: Sequence[Item] = (),
        scope: ScopeHint = NO_SCOPE,
    ) -> None:
        """record_login with where the email leads now (and the scope items its page needed); `alone` (and
        still alone: no wrong password since) leaves no window, else the check is given back
        (store/lockouts.py `signed_in_actions`)."""
        if self.t.get(keys.user(user_id), UserItem) is None:
            return
        self.record_login(user_id, now, None, writes)
        key = keys.login_failures(email)
        stored = self.t.get(key, LoginFailuresItem)
        if alone and stored is not None and int(stored.failure_count or 0) == 1:
            stored.failure_count, stored.window_started_at = 0, None
        else:
            give_back(self.t, email, now)
            stored = self.t.get(key, LoginFailuresItem)
        assert stored is not None
        ids = set(account_ids)
        stored.user_id, stored.account_ids = user_id, ids or None
        scope = scope.within(KEPT_AHEAD)
        stored.scope_sub_accounts = {f"{a}/{b}" for a, b in scope.sub_accounts} or None
        stored.scope_groups = {f"{a}/{b}" for a, b in scope.groups} or None
        stored.ttl = now + POINTER_LIFETIME

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


def mark_renamed(account: AccountItem, when: datetime) -> None:
    """store/account_names.py names_due: the account's own mark in the due index."""
    mark = f"{account.account_id}#{secrets.token_hex(6)}"
    account.gsi2pk, account.gsi2sk = keys.due(NAMES, mark, format_time(when))
