"""Access patterns of logins, users, sessions and one-time links."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.domain.lockout import MAX_FAILURES, WINDOW, FailureWindow
from chalicelib.domain.outbox import Window
from chalicelib.store import keys, listeners
from chalicelib.store.keys import Key
from chalicelib.store.member_index import USER_COPIES, rewrite_actions, unchanged_since_read
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
)
from chalicelib.store.outbox import count_email_to, queue
from chalicelib.store.table import T, get_item, get_items
from chalicelib.store.tx import Outcome, Tx, assignments


@dataclass(frozen=True)
class AuthContext:
    user: UserItem | None
    membership: MembershipItem | None
    account: AccountItem | None
    revoked: bool
    link: LinkItem | None = None
    group: GroupItem | None = None  # read only when asked for (a hint: see services/authentication.py)
    support_session: SupportSessionItem | None = None  # read only for a support session's token


def link_attempts(link: LinkItem) -> FailureWindow | None:
    """The password checks counted on an invitation link (`UserStore.open_counted_link`), the latest one
    included."""
    if link.attempts_started_at is None:
        return None
    return FailureWindow(int(link.attempts or 0), link.attempts_started_at)


def failure_window(found: dict[Key, Item], email: str) -> FailureWindow | None:
    """The failed logins of an email in a batch read that asked for `keys.login_failures(email)`."""
    failures = found.get(keys.login_failures(email))
    if not isinstance(failures, LoginFailuresItem):
        return None
    return FailureWindow(int(failures.failure_count), failures.window_started_at)


def new_user_items(
    user_id: str, email: str, password_hash: str, profile: dict[str, Any], now: datetime
) -> tuple[UserItem, LoginItem]:
    """A user and their login, ready to be written together (the login is the uniqueness of the email)."""
    user_pk, user_sk = keys.user(user_id)
    gsi1pk, gsi1sk = keys.user_gsi1(user_id)
    user = UserItem(
        user_pk,
        user_sk,
        gsi1pk=gsi1pk,
        gsi1sk=gsi1sk,
        user_id=user_id,
        email=email,
        created_at=now,
        token_version=0,
        **{name: value for name, value in profile.items() if value is not None},
    )
    login_pk, login_sk = keys.login(email)
    login = LoginItem(
        login_pk, login_sk, email=email, user_id=user_id, password_hash=password_hash, lists_accounts=True
    )
    return user, login


def list_account(tx: Tx, email: str, user_id: str, account_id: str, *, member: bool = True) -> Tx:
    """In a transaction adding (or, `member=False`, removing) a membership: the account id on the login, so
    login finds it (LoginItem.account_ids). Only on this user's login: an update never creates one."""
    ids = LoginItem.account_ids
    return tx.update(
        LoginItem(*keys.login(email)),
        [ids.add({account_id}) if member else ids.delete({account_id})],
        condition=LoginItem.user_id == user_id,
    )


def new_reset_link(
    token_hash: str, user_id: str, email: str, expires_at: datetime, generation: int
) -> LinkItem:
    """`generation`: the user's link_generation as read; a change of it since ends the link."""
    return LinkItem(
        *keys.link(token_hash), purpose="password_reset", expires_at=expires_at, email=email, user_id=user_id,
        ttl=expires_at, generation=generation,
    )  # fmt: skip


def link_generation(user: UserItem) -> int:
    return int(user.link_generation or 0)


def end_reset_links(tx: Tx, user_id: str) -> Tx:
    """In a transaction that removes a membership: every outstanding reset link of the user stops working."""
    return tx.update(
        UserItem(*keys.user(user_id)), [UserItem.link_generation.add(1)], condition=UserItem.pk.exists()
    )


def _generation_is(generation: int) -> Condition:
    current = UserItem.link_generation == generation
    return (UserItem.link_generation.does_not_exist() | current) if generation == 0 else current


# A login's transaction holds the user, the failures and the login besides: 100 items at most in all.
MEMBERSHIPS_PER_LOGIN_WRITE = 90


class UserStore:
    def create_user(self, user: UserItem, login: LoginItem) -> Outcome:
        """Fails ("email_taken") when the email already has a login."""
        tx = Tx()
        tx.put(login, condition=LoginItem.pk.does_not_exist(), label="email_taken")
        tx.put(user, condition=UserItem.pk.does_not_exist(), label="email_taken")
        return tx.commit()

    def login_state(self, email: str) -> tuple[LoginItem | None, FailureWindow | None]:
        """The login for an email and its recent failures, in one BatchGetItem."""
        found = get_items([keys.login(email), keys.login_failures(email)])
        login = found.get(keys.login(email))
        return login if isinstance(login, LoginItem) else None, failure_window(found, email)

    def reserve_login_attempt(self, email: str, now: datetime, known: FailureWindow | None) -> bool:
        """Count a password check before it is made, atomically: in the current window while it has room
        (fewer than MAX_FAILURES), or as the first of a new window. False when the window is full: then no
        check may be made, however many requests arrive at once. `known`, the window as last read, picks
        the write likely to succeed first (one round trip in the usual case); the conditions decide."""
        item = LoginFailuresItem(*keys.login_failures(email))
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
            for attempt in attempts:
                if attempt.commit():
                    return True
            found = get_item(LoginFailuresItem, keys.login_failures(email))
            if (
                found is not None
                and found.window_started_at > cutoff
                and int(found.failure_count) >= MAX_FAILURES
            ):
                return False
        return False

    def clear_login_failures(self, email: str) -> None:
        Tx().delete(LoginFailuresItem(*keys.login_failures(email))).commit()

    def user_with_memberships(self, user_id: str) -> tuple[UserItem | None, list[MembershipItem]]:
        """Profile and every membership in one Query of the user's gsi1 partition."""
        user: UserItem | None = None
        memberships: list[MembershipItem] = []
        for item in Item.by_user.query(keys.user_collection(user_id)):  # base class: every entity
            if isinstance(item, UserItem):
                user = item
            elif isinstance(item, MembershipItem):
                memberships.append(item)
        return user, memberships

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

    def get_user(self, user_id: str) -> UserItem | None:
        return get_item(UserItem, keys.user(user_id))

    def users(self, user_ids: Iterable[str]) -> dict[str, UserItem]:
        """Users by id, one BatchGetItem per 100."""
        found = get_items(keys.user(user_id) for user_id in user_ids)
        return {item.user_id: item for item in found.values() if isinstance(item, UserItem)}

    def auth_context(
        self,
        user_id: str,
        token_id: str,
        account_id: str | None = None,
        link_hash: str | None = None,
        group_id: str | None = None,
        support_session_id: str | None = None,
    ) -> AuthContext:
        """Who is calling and whether the token was revoked, with what the route needs first in the same
        BatchGetItem: the caller's membership and the account in the path, or the link being opened, and
        (a support session's token) the session at `account_id`."""
        wanted = [keys.user(user_id), keys.revoked_token(token_id)]
        if account_id is not None:
            wanted += [keys.membership(account_id, user_id), keys.account(account_id)]
        if link_hash is not None:
            wanted.append(keys.link(link_hash))
        if account_id is not None and group_id is not None:
            wanted.append(keys.group(account_id, group_id))
        support_key = None
        if account_id is not None and support_session_id is not None:
            support_key = keys.support_session(account_id, support_session_id)
            wanted.append(support_key)
        operator_key = listeners.operator_key_if_stale() if account_id is not None else None
        found = get_items([*wanted, operator_key] if operator_key else wanted)
        if operator_key is not None:  # whether the operator hears this account's events (store/listeners.py)
            counted = found.get(operator_key)
            listeners.tell_operator(counted if isinstance(counted, CounterItem) else None)

        def take(key: Key | None, kind: type[T]) -> T | None:
            item = found.get(key) if key is not None else None
            return item if isinstance(item, kind) else None

        return AuthContext(
            user=take(keys.user(user_id), UserItem),
            membership=take(keys.membership(account_id, user_id) if account_id else None, MembershipItem),
            account=take(keys.account(account_id) if account_id else None, AccountItem),
            revoked=keys.revoked_token(token_id) in found,
            link=take(keys.link(link_hash) if link_hash else None, LinkItem),
            group=take(keys.group(account_id, group_id) if account_id and group_id else None, GroupItem),
            support_session=take(support_key, SupportSessionItem),
        )

    def revoke_token(self, token_id: str, expires_at: datetime) -> None:
        Tx().put(RevokedTokenItem(*keys.revoked_token(token_id), ttl=expires_at)).commit()

    def record_login(
        self, user_id: str, now: datetime, email: str | None = None, listing: list[str] | None = None,
        user: UserItem | None = None, memberships: Iterable[MembershipItem] = (),
    ) -> None:  # fmt: skip
        """The login time; with `email`, the check this login reserved is given back to that address's
        window in the same write, and with `listing` (the account ids found by querying the user's
        memberships) a login made before it listed accounts is completed. ADD, not SET: a membership added
        meanwhile stays listed.

        Given back, not cleared: clearing the window on a right password would let a burst of wrong ones
        racing it be checked again from zero (at most MAX_FAILURES wrong passwords are checked per window);
        giving back only its own check keeps the wrong ones counted while a right one costs nothing.

        With `user` and their `memberships` (as login read them), each membership's copy of last_login_at
        (and of the names, for one stored before it kept them) and its list keys are set in the same write,
        so no list shows the previous login once this returns. Each rewrite holds only while the membership
        is as read (`unchanged_since_read`); one changed or removed meanwhile is read again and rewritten
        alone, so a deactivation or a new role landing between login's read and its write stays in the
        lists."""
        if user is not None:
            user.last_login_at = now
        listed = list(memberships) if user is not None else []
        first, rest = listed[:MEMBERSHIPS_PER_LOGIN_WRITE], listed[MEMBERSHIPS_PER_LOGIN_WRITE:]
        if not self._login_write(user_id, now, email, listing, first, user):  # one changed meanwhile
            self._login_write(user_id, now, email, listing, [], user)
            rest = first + rest
        for membership in rest:  # beyond one transaction, or after a race: one by one
            assert user is not None
            _rewrite_alone(membership, user)

    def _login_write(
        self, user_id: str, now: datetime, email: str | None, listing: list[str] | None,
        memberships: list[MembershipItem], user: UserItem | None,
    ) -> bool:  # fmt: skip
        tx = Tx().update(
            UserItem(*keys.user(user_id)), [UserItem.last_login_at.set(now)], condition=UserItem.pk.exists()
        )
        if email is not None:
            tx.update(LoginFailuresItem(*keys.login_failures(email)), _given_back(now))
        if email is not None and listing is not None:
            actions: list[Action] = [LoginItem.lists_accounts.set(True)]
            if listing:  # DynamoDB has no empty sets
                actions.append(LoginItem.account_ids.add(set(listing)))
            tx.update(LoginItem(*keys.login(email)), actions, condition=LoginItem.user_id == user_id)
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
            _rewrite_alone(membership, renamed)
        for membership in self._joined_since(renamed, {m.account_id for m in memberships}):
            _rewrite_alone(membership, renamed)
        return renamed

    def _joined_since(self, user: UserItem, listed: set[str]) -> list[MembershipItem]:
        """Memberships the login lists now but did not when the rename read it: accepted while the rename
        ran, with the old name copied. (An accept committing after the rename fails its own condition on
        the names and copies them again: store/invitations.py `accept`.)"""
        login = get_item(LoginItem, keys.login(user.email))
        joined = sorted(set(login.account_ids or ()) - listed) if login and login.lists_accounts else []
        found = get_items(keys.membership(aid, user.user_id) for aid in joined)
        return [item for item in found.values() if isinstance(item, MembershipItem)]

    def _memberships_listed(self, user: UserItem) -> list[MembershipItem]:
        """The user's memberships, strongly consistent: the accounts their login lists, then by key (a
        login from before it listed accounts: the user's index partition)."""
        login = get_item(LoginItem, keys.login(user.email))
        if login is None or not login.lists_accounts:
            return self.memberships_of_user(user.user_id)
        found = get_items(keys.membership(aid, user.user_id) for aid in sorted(login.account_ids or ()))
        return [item for item in found.values() if isinstance(item, MembershipItem)]

    def change_password(self, user: UserItem, password_hash: str) -> Outcome:
        """New hash and a bumped token version, atomically, and the address's failure window cleared. Two
        changes racing from the same version: the second fails ("changed") rather than silently winning."""
        unchanged = UserItem.token_version == user.token_version
        tx = _new_password(Tx(), user.email, user.user_id, password_hash, unchanged, "changed")
        return tx.delete(LoginFailuresItem(*keys.login_failures(user.email))).commit()

    def save_link(
        self, link: LinkItem, event: Item | None = None, mail: MailItem | None = None,
        windows: Sequence[Window] = (),
    ) -> Outcome:  # fmt: skip
        """A one-time link, with the audit event of an admin's reset and its email (counted against the
        address's `windows`: a full one fails with its limit_label) when there are. Never over a link of the
        same hash ("exists"): the outbox resending an email must not make a used link valid again."""
        tx = Tx().record(event).put(link, condition=LinkItem.pk.does_not_exist(), label="exists")
        if mail is not None:
            queue(tx, mail)
            count_email_to(tx, mail.to, windows)
        return tx.commit()

    def get_link(self, token_hash: str) -> LinkItem | None:
        return get_item(LinkItem, keys.link(token_hash))

    def open_counted_link(self, token_hash: str, now: datetime) -> LinkItem | None:
        """An invitation link, read by the write that counts a password check against it (UpdateItem answers
        the item): atomically, before the check, so a burst through one link is counted check by check
        (`link_attempts`). The first try opens a new window (a link's first check); a concurrent request may
        have opened it meanwhile, then the second counts in it. None: no such invitation link. An ended one
        (LinkItem.ended) counts nothing and is answered as read, for its holder to be told why."""
        link = LinkItem(*keys.link(token_hash))
        invitation = (LinkItem.purpose == "invitation") & LinkItem.ended.does_not_exist()
        cutoff = now - WINDOW
        open_new = Tx().update(
            link,
            [LinkItem.attempts.set(1), LinkItem.attempts_started_at.set(now)],
            condition=invitation
            & (LinkItem.attempts_started_at.does_not_exist() | (LinkItem.attempts_started_at <= cutoff)),
        )
        count = Tx().update(
            link, [LinkItem.attempts.add(1)], condition=invitation & (LinkItem.attempts_started_at > cutoff)
        )
        if open_new.commit() or count.commit():
            return link
        found = self.get_link(token_hash)  # only when it opens nothing: absent, another kind, or ended
        return found if found is not None and found.ended is not None else None

    def reset_password(self, link: LinkItem, password_hash: str, now: datetime) -> Outcome:
        """Use a reset link: mark it used, set the hash, bump the token version and the link generation.
        Fails ("used") if it was used first, or another reset, a password change or a removal ended it."""
        unused = LinkItem.pk.exists() & LinkItem.used_at.does_not_exist()
        tx = Tx().update(link, [LinkItem.used_at.set(now)], condition=unused, label="used")
        current = UserItem.pk.exists() & _generation_is(int(link.generation or 0))
        return _new_password(tx, link.email, link.user_id or "", password_hash, current, "used").commit()


def _new_password(
    tx: Tx, email: str, user_id: str, password_hash: str, user_condition: Condition, label: str
) -> Tx:
    """The new hash on the login and a bumped token version on both login and user (so every older token
    stops working) and link generation (so every outstanding reset link does), each under its condition."""
    tx.update(
        LoginItem(*keys.login(email)),
        [LoginItem.password_hash.set(password_hash), LoginItem.token_version.add(1)],
        condition=LoginItem.user_id == user_id,
        label=label,
    )
    tx.update(
        UserItem(*keys.user(user_id)),
        [UserItem.token_version.add(1), UserItem.link_generation.add(1)],
        condition=user_condition,
        label=label,
    )
    return tx


def _given_back(now: datetime) -> list[Action]:
    """One reserved check returned to a failure window; should the window be gone meanwhile (a password
    reset), the item written is still a well-formed, short-lived window."""
    item = LoginFailuresItem
    return [
        item.failure_count.add(-1),
        item.entity.set(LoginFailuresItem),
        item.window_started_at.set(item.window_started_at | now),
        item.ttl.set(item.ttl | (now + WINDOW + timedelta(minutes=1))),
    ]


REWRITE_TRIES = 3


def _rewrite_alone(membership: MembershipItem, user: UserItem) -> None:
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
