"""Access patterns of the lockout windows: the password checks counted against an email address, and the
second-factor codes counted against a user (the same window, under the user's key)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.attributes import UnicodeSetAttribute
from pynamodb.expressions.update import Action

from chalicelib.domain.lockout import MAX_FAILURES, WINDOW, FailureWindow
from chalicelib.store import keys
from chalicelib.store.keys import Key
from chalicelib.store.models import Item, LoginFailuresItem
from chalicelib.store.scope_hints import KEPT_AHEAD, NO_SCOPE, ScopeHint, scope_of, stored_pairs
from chalicelib.store.table import get_item
from chalicelib.store.tx import Tx

# How long the email's item keeps where it led after a sign-in (each sign-in renews it); past that, the
# next login reads the login before its page (one round trip more), and renews it.
POINTER_LIFETIME = timedelta(days=400)


@dataclass(frozen=True)
class LoginCheck:
    """A password check counted on an email's window (`count_login_check`), with where the email led at
    the last sign-in (`user_id` and the login's `account_ids`, and the `scope` items its page needed; a
    hint: the login read next decides)."""

    window: FailureWindow
    user_id: str | None = None
    account_ids: frozenset[str] = frozenset()
    scope: ScopeHint = NO_SCOPE

    @property
    def allowed(self) -> bool:
        """Whether this check may be made: the window held room for it when it was counted."""
        return self.window.count <= MAX_FAILURES


def failure_window(found: dict[Key, Item], email: str) -> FailureWindow | None:
    """The failed logins of an email in a batch read that asked for `keys.login_failures(email)`."""
    failures = found.get(keys.login_failures(email))
    return window_of(failures) if isinstance(failures, LoginFailuresItem) else None


def window_of(failures: LoginFailuresItem) -> FailureWindow | None:
    """The window an item holds (none once a sign-in alone in it has left it: `signed_in_actions`)."""
    started = failures.window_started_at
    return FailureWindow(int(failures.failure_count), started) if started is not None else None


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
    window = window_of(found) if found is not None else None
    return window is not None and window.started_at > cutoff and window.count >= MAX_FAILURES


def _counted(now: datetime) -> list[Action]:
    """One more check in the window as it stands (a first one opens it), the item named and, for an email
    no sign-in has led anywhere, short-lived (a pointer's own long TTL stays)."""
    item = LoginFailuresItem
    return [
        item.failure_count.add(1),
        item.window_started_at.set(item.window_started_at | now),
        item.entity.set(LoginFailuresItem),
        item.ttl.set(item.ttl | (now + WINDOW + timedelta(minutes=1))),
    ]


def _reopened(now: datetime) -> list[Action]:
    item = LoginFailuresItem
    return [
        item.failure_count.set(1),
        item.window_started_at.set(now),
        item.ttl.set(now + WINDOW + timedelta(minutes=1)),  # a window past its TTL could go any moment
    ]


def _check_of(item: LoginFailuresItem) -> LoginCheck:
    window = window_of(item)
    assert window is not None, "the count just written opened or kept a window"
    return LoginCheck(window, item.user_id, frozenset(item.account_ids or ()), scope_of(item))


def signed_in_actions(
    user_id: str, account_ids: Iterable[str], now: datetime, *, alone: bool, scope: ScopeHint = NO_SCOPE
) -> list[Action]:
    """In a password sign-in's write: its check given back and where the email leads now (with the `scope`
    items its page needed). A sign-in that was alone in its window (it opened it: its count was 1) leaves
    no window behind, so the next login finds none to reopen: `alone`, under the condition ALONE; should a
    wrong password have raced in meanwhile, the caller writes it again with `alone=False`. Never a clear:
    wrong passwords racing a right one stay counted."""
    item = LoginFailuresItem
    ids = set(account_ids)
    scope = scope.within(KEPT_AHEAD)
    where = [
        item.user_id.set(user_id),
        item.account_ids.set(ids) if ids else item.account_ids.remove(),
        *_set_or_remove(item.scope_sub_accounts, stored_pairs(scope.sub_accounts)),
        *_set_or_remove(item.scope_groups, stored_pairs(scope.groups)),
        item.ttl.set(now + POINTER_LIFETIME),
        item.entity.set(LoginFailuresItem),
    ]
    if alone:
        return [*where, item.failure_count.remove(), item.window_started_at.remove()]
    return [*where, item.failure_count.add(-1), item.window_started_at.set(item.window_started_at | now)]


def _set_or_remove(attribute: UnicodeSetAttribute, values: set[str]) -> list[Action]:
    return [attribute.set(values) if values else attribute.remove()]  # DynamoDB stores no empty set


def listed_actions(user_id: str, account_id: str, *, member: bool = True) -> list[Action]:
    """In a write that lists an account on a login (or takes it off): the same on where the email leads,
    so the next login reads that page with its check (a hint: a login left unmirrored costs a read)."""
    item = LoginFailuresItem
    ids = item.account_ids
    return [
        item.user_id.set(user_id),
        ids.add({account_id}) if member else ids.delete({account_id}),
        item.entity.set(LoginFailuresItem),
    ]


@dataclass(frozen=True)
class CodeCheck:
    """A code check counted on a user's window (`count_code_check`), with the login the last password step
    of that user named (`email`, its `account_ids`: a hint, the mfa_token's own item decides)."""

    window: FailureWindow
    email: str | None = None
    account_ids: frozenset[str] = frozenset()

    @property
    def allowed(self) -> bool:
        return self.window.count <= MAX_FAILURES


def code_hint(email: str, account_ids: Iterable[str], now: datetime) -> list[Action]:
    """In the password step's write (services/mfa_login.py `begin`): the login its mfa_token names, kept on
    the user's code window so the second step's first call, the count, hands it back. A day outlives any
    mfa_token and any window (the TTL only tidies up: a window's start decides), so it never cuts one short.
    """
    item = LoginFailuresItem
    ids = set(account_ids)
    return [
        item.email.set(email),
        item.account_ids.set(ids) if ids else item.account_ids.remove(),
        item.entity.set(LoginFailuresItem),
        item.ttl.set(now + timedelta(days=1)),
    ]


# A window cleared (a password set anew): the count and its start removed, where the email leads kept.
CLEARED: list[Action] = [
    LoginFailuresItem.failure_count.remove(),
    LoginFailuresItem.window_started_at.remove(),
    LoginFailuresItem.entity.set(LoginFailuresItem),
]
ALONE = LoginFailuresItem.failure_count == 1  # the condition of a sign-in that leaves no window behind


class LockoutStore:
    def count_login_check(self, email: str, now: datetime) -> LoginCheck:
        """Count a password check before it is made, in one UpdateItem that hands back the window and
        where the email led at the last sign-in. Every check gets its own number in the window, so at
        most MAX_FAILURES are allowed per window under any burst (`LoginCheck.allowed`); past them, each
        is counted but refused. A window past its end is reopened by a second write (one round trip more,
        only for the first login after failures whose window ran out)."""
        item = _count(keys.login_failures(email), now)
        return _check_of(item) if item is not None else LoginCheck(FailureWindow(MAX_FAILURES + 1, now))

    def count_code_check(self, user_id: str, now: datetime) -> CodeCheck:
        """As count_login_check, for a second-factor code or recovery code of `user_id` (one window for
        both kinds, whichever mfa_token they come with): counted first, with the login the password step
        named (`code_hint`), in one UpdateItem."""
        item = _count(keys.code_failures(user_id), now)
        if item is None:
            return CodeCheck(FailureWindow(MAX_FAILURES + 1, now))  # never seen: refused, as a full window
        check = _check_of(item)
        return CodeCheck(check.window, item.email, check.account_ids)

    def reserve_login_attempt(self, email: str, now: datetime, known: FailureWindow | None) -> bool:
        """Count a password check before it is made, atomically: in the current window while it has room
        (fewer than MAX_FAILURES), or as the first of a new window. False when the window is full: then no
        check may be made, however many requests arrive at once. `known`, the window as last read, picks
        the write likely to succeed first (one round trip in the usual case); the conditions decide."""
        return _reserve(keys.login_failures(email), now, known)

    def clear_login_failures(self, email: str) -> None:
        """The email's window gone, where it leads kept (an email with no item has nothing to clear)."""
        item = LoginFailuresItem(*keys.login_failures(email))
        Tx().update(item, CLEARED, condition=LoginFailuresItem.pk.exists()).commit()

    def reserve_code_attempt(self, user_id: str, now: datetime, known: FailureWindow | None) -> bool:
        """As reserve_login_attempt, for a second-factor code or recovery code of `user_id` (one count for
        both kinds, whichever mfa_token they come with)."""
        return _reserve(keys.code_failures(user_id), now, known)

    def give_back_code_attempt(self, user_id: str, now: datetime) -> None:
        """A right code returns its own reservation rather than clearing the window (docs/security.md,
        "Lockout and a right password"): wrong codes racing it stay counted."""
        Tx().update(LoginFailuresItem(*keys.code_failures(user_id)), given_back(now)).commit()


def _count(key: Key, now: datetime) -> LoginFailuresItem | None:
    """One more check numbered in the window at `key` (a window past its end reopened at 1), the item as
    written; None only if two concurrent reopenings beat both of our writes (never seen)."""
    cutoff = now - WINDOW
    current = LoginFailuresItem.window_started_at.does_not_exist() | (
        LoginFailuresItem.window_started_at > cutoff
    )
    for _ in range(2):  # a concurrent request may reopen the window between our two writes
        item = LoginFailuresItem(*key)
        if Tx().update(item, _counted(now), condition=current).commit():
            return item
        item = LoginFailuresItem(*key)
        if (
            Tx()
            .update(item, _reopened(now), condition=LoginFailuresItem.window_started_at <= cutoff)
            .commit()
        ):
            return item
    return None


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
