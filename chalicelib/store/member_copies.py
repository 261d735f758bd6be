"""Access patterns of a user's memberships seen from the user's side: read by key for a login in a few
accounts, else a page at a time (the user's index partition, by account name: `accounts_page`); the
renamed accounts whose memberships' name keys wait for the copies job (store/account_names.py); and the
copies of the user's fields each keeps (store/member_index.py), rewritten by the copies job
(jobs/copies.py) after a login or a rename marks the user due: the request writes the user alone,
whatever the number of memberships.

The copies order the member lists only (never an authorization input: authorization reads the user and the
membership's own fields), so a list may show a login time or a name up to a run of the job late: the
stream starts it on the commit, the schedule every minute (docs/scale.md)."""

from __future__ import annotations

import copy
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from pynamodb.expressions.update import Action

from chalicelib.store import keys
from chalicelib.store.account_names import NAMES, rewrite_names
from chalicelib.store.due import due
from chalicelib.store.lockouts import ALONE, given_back, signed_in_actions
from chalicelib.store.member_index import USER_COPIES, rewrite_actions, unchanged_since_read
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
from chalicelib.store.scope_hints import NO_SCOPE, ScopeHint
from chalicelib.store.table import BATCH_KEYS, get_item, get_items
from chalicelib.store.tx import Tx, assignments

# The due index's kind for users whose memberships' copies wait to be rewritten (jobs/copies.py).
COPIES = "COPIES"


class AccountsPage(NamedTuple):
    memberships: list[MembershipItem]
    more: bool
    unnamed: bool  # a membership not yet named came first: the index cannot order this list


class MemberCopyStore:
    def user_and_accounts(
        self, user_id: str, account_ids: Iterable[str]
    ) -> tuple[UserItem | None, list[MembershipItem], dict[str, AccountItem]]:
        """Login in a few accounts: the profile, the user's memberships of `account_ids` and those accounts
        (for their names), by key in one BatchGetItem (per 100 keys), strongly consistent; what is gone is
        not there."""
        ids = sorted(account_ids)
        return page_of(get_items(page_keys(user_id, ids)), user_id, ids)

    def login_and_page(
        self, email: str, hint: tuple[str, Iterable[str]] | None, scope: ScopeHint = NO_SCOPE
    ) -> tuple[LoginItem | None, Page | None, ReadAhead]:
        """The login of an email, and with `hint` (a user id and account ids: where the email led at the
        last sign-in) that user's page in those accounts, with the `scope` items that page needed then (as
        many as the batch has room for), by key in one BatchGetItem (strongly consistent). Whether the page
        is the login's, and which scope items it needs now, is the caller's to check."""
        page = page_keys(hint[0], hint[1]) if hint is not None else []
        asked = scope.within(BATCH_KEYS - 1 - len(page)).item_keys()
        found = get_items([keys.login(email), *page, *asked])
        login = found.get(keys.login(email))
        return (
            login if isinstance(login, LoginItem) else None,
            page_of(found, hint[0], hint[1]) if hint is not None else None,
            read_ahead(asked, found),
        )

    def memberships_of_user(self, user_id: str) -> list[MembershipItem]:
        """Every membership of the user, of any status, named or not (gsi1, in its key order)."""
        pk, prefix = keys.memberships_of_user(user_id)
        found = MembershipItem.by_user.query(pk, MembershipItem.gsi1sk.startswith(prefix))
        return [item for item in found if isinstance(item, MembershipItem)]

    def accounts_page(self, user_id: str, after: tuple[str, str] | None, limit: int) -> AccountsPage:
        """Up to `limit` of the user's active memberships in the account list's order (the account's name
        as the key holds it, then its id), after `after` (a listed (name, account id)), in one Query of
        gsi1 (eventually consistent: a membership a moment old may be missing). Without `after`, the range
        begins with the memberships not yet named: when one comes first, `unnamed` says so (the index
        cannot order this user's list until store/backfill.py has named them)."""
        pk, low, high = keys.listed_accounts(user_id, after)
        asked = limit + 1 + (after is not None)  # one more to tell whether more follow; `after`'s own row
        found = MembershipItem.by_user.query(
            pk, MembershipItem.gsi1sk.between(low, high), limit=asked, page_size=asked
        )
        rows = [item for item in found if isinstance(item, MembershipItem) and item.gsi1sk != low]
        unnamed = bool(rows) and not keys.is_listed(rows[0].gsi1sk or "")
        return AccountsPage(rows[:limit], len(rows) > limit, unnamed)

    def record_login(
        self, user_id: str, now: datetime, email: str | None = None, writes: Sequence[Item] = ()
    ) -> None:
        """The login time, and the user marked due for the copies job (one write, whatever the number of
        memberships); with `email`, the check this login reserved is given back to that address's window in
        the same write.

        Given back, not cleared: clearing the window on a right password would let a burst of wrong ones
        racing it be checked again from zero (at most MAX_FAILURES wrong passwords are checked per window);
        giving back only its own check keeps the wrong ones counted while a right one costs nothing.
        `writes`: the sign-in's session and its security event (services/sign_in.py), in the same write."""
        login_write(user_id, now, email, writes).commit()

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
        """record_login for a password sign-in whose check `count_login_check` counted: given back in the
        same write with where the email leads now (`account_ids`: the login's, as read; `scope`: the items
        its page needed), and, `alone` in its window, leaving no window (store/lockouts.py
        `signed_in_actions`). A wrong password that raced in meanwhile makes that fail: then it is written
        again, giving the check back (one round trip more)."""
        for leave_none in (alone, False) if alone else (False,):
            tx = login_write(user_id, now, None, writes)
            failures = LoginFailuresItem(*keys.login_failures(email))
            actions = signed_in_actions(user_id, account_ids, now, alone=leave_none, scope=scope)
            tx.update(failures, actions, condition=ALONE if leave_none else None, label="changed")
            if "changed" not in tx.commit().failed:
                return

    def update_profile(
        self,
        user_id: str,
        changes: dict[str, Any],
        current: UserItem | None = None,
        now: datetime | None = None,
    ) -> UserItem:
        """Set (or, for None, remove) profile fields in one write; the user as written. A change of a field
        the memberships copy marks the user due (as of `now`) for the copies job, in the same write: no
        request writes per membership."""
        pk, sk = keys.user(user_id)
        actions = assignments(UserItem, changes)
        if now is not None and set(changes) & set(USER_COPIES):
            actions += copies_due(user_id, now)
        Tx().update(UserItem(pk, sk), actions, condition=UserItem.pk.exists()).commit()
        if current is None:
            return UserItem(pk, sk, **changes)
        renamed = copy.copy(current)
        renamed.attribute_values = dict(current.attribute_values) | changes
        return renamed

    def accounts_renamed(self, now: datetime, limit: int) -> list[AccountItem]:
        """The accounts whose memberships' name keys wait to be rewritten (store/account_names.py)."""
        return due(AccountItem, NAMES, now, limit, lambda account: account.gsi2sk is not None)

    def rewrite_names(self, account: AccountItem, now: datetime) -> int:
        return rewrite_names(account, now)

    def users_due(self, now: datetime, limit: int) -> list[UserItem]:
        """The users whose memberships' copies wait to be rewritten (oldest mark first, fairly)."""
        return due(UserItem, COPIES, now, limit, lambda user: user.gsi2sk is not None)

    def rewrite_copies(self, user: UserItem) -> int:
        """Every membership of `user` (as its login lists them, read strongly) made to copy the user as read
        from the due index: up to 99 in one transaction, each while the membership is as read and all while
        the user still holds the mark read (a login or rename since would be undone: its new mark has the
        next run rewrite from it instead). A batch that fails on a membership changed meanwhile goes one by
        one (`rewrite_alone`). Then the mark is taken off, only while it is the one read. Answers the
        memberships rewritten."""
        stale = [m for m in self._memberships_listed(user) if not copies_current(m, user)]
        marked = UserItem.gsi2sk == (user.gsi2sk or "")
        for start in range(0, len(stale), REWRITES_PER_WRITE):
            batch = stale[start : start + REWRITES_PER_WRITE]
            tx = Tx().check(UserItem(user.pk, user.sk), marked, label="superseded")
            for membership in batch:
                as_read = unchanged_since_read(membership)
                tx.update(membership, rewrite_actions(membership, user), condition=as_read, label="changed")
            outcome = tx.commit()
            if "superseded" in outcome.failed:
                return start
            if not outcome:
                for membership in batch:
                    rewrite_alone(membership, user)
        done = [UserItem.gsi2pk.remove(), UserItem.gsi2sk.remove()]
        Tx().update(UserItem(user.pk, user.sk), done, condition=marked, label="superseded").commit()
        return len(stale)

    def _memberships_listed(self, user: UserItem) -> list[MembershipItem]:
        """The user's memberships, strongly consistent: the accounts their login lists, then by key (an
        account joined after this read copied the user's fields when it joined: store/invitations.py)."""
        login = get_item(LoginItem, keys.login(user.email))
        listed = sorted(login.account_ids or ()) if login is not None else []
        found = get_items(keys.membership(aid, user.user_id) for aid in listed)
        return [item for item in found.values() if isinstance(item, MembershipItem)]


# TransactWriteItems takes 100 items at most: the user's check and 99 memberships.
REWRITES_PER_WRITE = 99


def login_write(user_id: str, now: datetime, email: str | None, writes: Sequence[Item]) -> Tx:
    """record_login's transaction, uncommitted: a second step's sign-in adds what it uses up to it
    (store/factors.py `sign_in_spending`). Fails "conflict" for a user gone meanwhile."""
    actions = [UserItem.last_login_at.set(now), *copies_due(user_id, now)]
    tx = Tx().update(UserItem(*keys.user(user_id)), actions, condition=UserItem.pk.exists())
    if email is not None:
        tx.update(LoginFailuresItem(*keys.login_failures(email)), given_back(now))
    for item in writes:
        tx.put(item)
    return tx


def copies_due(user_id: str, now: datetime) -> list[Action]:
    """The user's mark in the due index (store/due.py): its memberships' copies wait for the job. Each mark
    is its own (a random tail), so a change within the same instant as the one a run read still differs
    from it and is not taken off with it."""
    pk, sk = keys.due(COPIES, f"{user_id}#{secrets.token_hex(6)}", format_time(now))
    return [UserItem.gsi2pk.set(pk), UserItem.gsi2sk.set(sk)]


def copies_current(membership: MembershipItem, user: UserItem) -> bool:
    return all(getattr(membership, name) == getattr(user, name) for name in USER_COPIES)


REWRITE_TRIES = 3


def rewrite_alone(membership: MembershipItem, user: UserItem) -> None:
    """One membership's copies of the user and its list keys, while it is as read. Changed meanwhile (an
    admin's edit, another login or rename), the membership and the user are read again together (strongly;
    the caller's own change to the user is already written) and it is rewritten from both. Gone: nothing to
    rewrite. Past REWRITE_TRIES the membership is changing under a stream of writes; the copies stay as
    the last of them left them."""
    current: Item | None = membership
    for _ in range(REWRITE_TRIES):
        if not isinstance(current, MembershipItem):
            return
        as_read = unchanged_since_read(current)
        if Tx().update(current, rewrite_actions(current, user), condition=as_read).commit():
            return
        found = get_items([(current.pk, current.sk), keys.user(user.user_id)])
        current, again = found.get((current.pk, current.sk)), found.get(keys.user(user.user_id))
        user = again if isinstance(again, UserItem) else user


Page = tuple[UserItem | None, list[MembershipItem], dict[str, AccountItem]]


def page_keys(user_id: str, account_ids: Iterable[str]) -> list[keys.Key]:
    """The keys of a login's page in a few accounts: the profile, the memberships and their accounts."""
    wanted = [keys.user(user_id)]
    for account_id in sorted(account_ids):
        wanted += [keys.membership(account_id, user_id), keys.account(account_id)]
    return wanted


def page_of(found: dict[keys.Key, Item], user_id: str, account_ids: Iterable[str]) -> Page:
    """The page among what a batch read found (what is gone is not there)."""
    user = found.get(keys.user(user_id))
    ids = sorted(account_ids)
    memberships = [found.get(keys.membership(a, user_id)) for a in ids]
    accounts = [found.get(keys.account(a)) for a in ids]
    return (
        user if isinstance(user, UserItem) else None,
        [m for m in memberships if isinstance(m, MembershipItem) and m.user_id == user_id],
        {a.account_id: a for a in accounts if isinstance(a, AccountItem)},
    )
