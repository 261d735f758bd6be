"""Access patterns of a user's memberships seen from the user's side: read for login (by key, from the
accounts the login lists) and for /me (the user's index partition), and the copies of the user's fields
each keeps (store/member_index.py) rewritten when login or a rename changes them."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chalicelib.store import keys
from chalicelib.store.lockouts import given_back
from chalicelib.store.member_index import USER_COPIES, rewrite_actions, unchanged_since_read
from chalicelib.store.models import AccountItem, Item, LoginFailuresItem, LoginItem, MembershipItem, UserItem
from chalicelib.store.table import get_item, get_items
from chalicelib.store.tx import Tx, assignments

# A login's transaction holds the user and the failures besides: 100 items at most in all.
MEMBERSHIPS_PER_LOGIN_WRITE = 90


class MemberCopyStore:
    def user_and_accounts(
        self, user_id: str, account_ids: Iterable[str]
    ) -> tuple[UserItem | None, list[MembershipItem], dict[str, AccountItem]]:
        """Login: the profile, the user's memberships of `account_ids` and those accounts (for their names),
        by key in one BatchGetItem (per 100 keys), strongly consistent; what is gone is not there."""
        wanted = [keys.user(user_id)]
        for account_id in sorted(account_ids):
            wanted += [keys.membership(account_id, user_id), keys.account(account_id)]
        found = get_items(wanted)
        user = found.get(keys.user(user_id))
        memberships = [i for i in found.values() if isinstance(i, MembershipItem) and i.user_id == user_id]
        accounts = {i.account_id: i for i in found.values() if isinstance(i, AccountItem)}
        return (user if isinstance(user, UserItem) else None), memberships, accounts

    def memberships_of_user(self, user_id: str) -> list[MembershipItem]:
        pk, prefix = keys.memberships_of_user(user_id)
        found = MembershipItem.by_user.query(pk, MembershipItem.gsi1sk.startswith(prefix))
        return [item for item in found if isinstance(item, MembershipItem)]

    def record_login(
        self,
        user_id: str,
        now: datetime,
        email: str | None = None,
        user: UserItem | None = None,
        memberships: Iterable[MembershipItem] = (),
    ) -> None:
        """The login time; with `email`, the check this login reserved is given back to that address's
        window in the same write.

        Given back, not cleared: clearing the window on a right password would let a burst of wrong ones
        racing it be checked again from zero (at most MAX_FAILURES wrong passwords are checked per window);
        giving back only its own check keeps the wrong ones counted while a right one costs nothing.

        With `user` and their `memberships` (as login read them), each membership's copy of last_login_at
        and its list keys are set in the same write,
        so no list shows the previous login once this returns. Each rewrite holds only while the membership
        is as read (`unchanged_since_read`); one changed or removed meanwhile is read again and rewritten
        alone, so a deactivation or a new role landing between login's read and its write stays in the
        lists."""
        if user is not None:
            user.last_login_at = now
        listed = list(memberships) if user is not None else []
        first, rest = listed[:MEMBERSHIPS_PER_LOGIN_WRITE], listed[MEMBERSHIPS_PER_LOGIN_WRITE:]
        if not self._login_write(user_id, now, email, first, user):  # one changed meanwhile
            self._login_write(user_id, now, email, [], user)
            rest = first + rest
        for membership in rest:  # beyond one transaction, or after a race: one by one
            assert user is not None
            rewrite_alone(membership, user)

    def _login_write(
        self,
        user_id: str,
        now: datetime,
        email: str | None,
        memberships: list[MembershipItem],
        user: UserItem | None,
    ) -> bool:
        tx = Tx().update(
            UserItem(*keys.user(user_id)), [UserItem.last_login_at.set(now)], condition=UserItem.pk.exists()
        )
        if email is not None:
            tx.update(LoginFailuresItem(*keys.login_failures(email)), given_back(now))
        for membership in memberships:
            assert user is not None
            as_read = unchanged_since_read(membership)
            tx.update(membership, rewrite_actions(membership, user), condition=as_read, label="changed")
        return tx.commit().committed

    def update_profile(
        self, user_id: str, changes: dict[str, Any], current: UserItem | None = None
    ) -> UserItem:
        """Set (or, for None, remove) profile fields; the user as written (UpdateItem returns it). A change
        of the names, given the `current` user, rewrites every membership's copy in the same transaction
        (the login lists the accounts: one GetItem and one BatchGetItem find them), then reads the login
        once more for an account joined meanwhile, so no account's list shows the old name once this
        returns."""
        pk, sk = keys.user(user_id)
        user = UserItem(pk, sk)
        actions = assignments(UserItem, changes)
        tx = Tx().update(user, actions, condition=UserItem.pk.exists())
        if current is None or not set(changes) & set(USER_COPIES):
            tx.commit()
            return user
        renamed = copy.copy(current)
        renamed.attribute_values = dict(current.attribute_values) | changes
        memberships = self._memberships_listed(current)
        for membership in memberships[:MEMBERSHIPS_PER_LOGIN_WRITE]:
            as_read = unchanged_since_read(membership)
            tx.update(membership, rewrite_actions(membership, renamed), condition=as_read)
        if not tx.commit():  # a membership changed or left meanwhile: the user first, then one by one
            Tx().update(UserItem(pk, sk), actions, condition=UserItem.pk.exists()).commit()
            memberships[MEMBERSHIPS_PER_LOGIN_WRITE:] = memberships
        for membership in memberships[MEMBERSHIPS_PER_LOGIN_WRITE:]:
            rewrite_alone(membership, renamed)
        for membership in self._joined_since(renamed, {m.account_id for m in memberships}):
            rewrite_alone(membership, renamed)
        return renamed

    def _joined_since(self, user: UserItem, listed: set[str]) -> list[MembershipItem]:
        """Memberships the login lists now but did not when the rename read it: accepted while the rename
        ran, with the old name copied. (An accept committing after the rename fails its own condition on
        the names and copies them again: store/invitations.py `accept`.)"""
        login = get_item(LoginItem, keys.login(user.email))
        joined = sorted(set(login.account_ids or ()) - listed) if login is not None else []
        found = get_items(keys.membership(aid, user.user_id) for aid in joined)
        return [item for item in found.values() if isinstance(item, MembershipItem)]

    def _memberships_listed(self, user: UserItem) -> list[MembershipItem]:
        """The user's memberships, strongly consistent: the accounts their login lists, then by key."""
        login = get_item(LoginItem, keys.login(user.email))
        listed = sorted(login.account_ids or ()) if login is not None else []
        found = get_items(keys.membership(aid, user.user_id) for aid in listed)
        return [item for item in found.values() if isinstance(item, MembershipItem)]


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
