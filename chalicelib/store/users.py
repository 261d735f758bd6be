"""Access patterns of users and their logins (a login is the uniqueness of an email), and of who is calling
(`auth_context`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.domain.lockout import FailureWindow
from chalicelib.store import keys, listeners
from chalicelib.store.keys import Key
from chalicelib.store.lockouts import CLEARED, failure_window, listed_actions
from chalicelib.store.models import (
    AccountItem,
    CounterItem,
    GroupItem,
    Item,
    LinkItem,
    LoginFailuresItem,
    LoginItem,
    MembershipItem,
    SessionItem,
    SupportSessionItem,
    UserItem,
    fold,
)
from chalicelib.store.outcomes import Label, Outcome
from chalicelib.store.read_ahead import NOTHING_AHEAD, ReadAhead, fitting, read_ahead
from chalicelib.store.table import T, get_item, get_items
from chalicelib.store.tx import Tx


@dataclass(frozen=True)
class AuthContext:
    user: UserItem | None
    membership: MembershipItem | None
    account: AccountItem | None
    revoked: bool
    link: LinkItem | None = None
    group: GroupItem | None = None  # read only when asked for (a hint: see services/authentication.py)
    support_session: SupportSessionItem | None = None  # read only for a support session's token
    session: SessionItem | None = None  # read only for a token that names its sign-in session
    # read only when asked for (POST /me/password): the login of the token's email and its failed checks
    login_state: tuple[LoginItem | None, FailureWindow | None] | None = None
    ahead: ReadAhead = NOTHING_AHEAD  # what the route read ahead with it (store/read_ahead.py)


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
    login = LoginItem(login_pk, login_sk, email=email, user_id=user_id, password_hash=password_hash)
    return user, login


def list_account(tx: Tx, email: str, user_id: str, account_id: str, *, member: bool = True) -> Tx:
    """In a transaction adding (or, `member=False`, removing) a membership: the account id on the login, so
    login finds it (LoginItem.account_ids). Only on this user's login: an update never creates one."""
    ids = LoginItem.account_ids
    tx.update(
        LoginItem(*keys.login(email)),
        [ids.add({account_id}) if member else ids.delete({account_id})],
        condition=LoginItem.user_id == user_id,
    )
    pointer = LoginFailuresItem(*keys.login_failures(email))  # where the email leads, for login's one read
    return tx.update(pointer, listed_actions(user_id, account_id, member=member))


def new_password(
    tx: Tx, email: str, user_id: str, password_hash: str, user_condition: Condition, label: Label
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


def _caller_keys(
    user_id: str,
    token_id: str,
    account_id: str | None,
    link_hash: str | None,
    group_id: str | None,
    support_key: Key | None,
    session_key: Key | None = None,
) -> list[Key]:
    """What `auth_context` reads: the caller, the token's revocation (or its session), and what the route
    asked for."""
    wanted = [keys.user(user_id), keys.revoked_token(token_id)]
    if session_key is not None:
        wanted.append(session_key)
    if account_id is not None:
        wanted += [keys.membership(account_id, user_id), keys.account(account_id)]
    if link_hash is not None:
        wanted.append(keys.link(link_hash))
    if account_id is not None and group_id is not None:
        wanted.append(keys.group(account_id, group_id))
    if support_key is not None:
        wanted.append(support_key)
    return wanted


class UserStore:
    def create_user(self, user: UserItem, login: LoginItem) -> Outcome:
        """Fails ("email_taken") when the email already has a login."""
        tx = Tx()
        tx.put(login, condition=LoginItem.pk.does_not_exist(), label="email_taken")
        tx.put(user, condition=UserItem.pk.does_not_exist(), label="email_taken")
        return tx.commit()

    def login_state(self, email: str) -> tuple[LoginItem | None, FailureWindow | None]:
        """The login for an email and its recent failures, in one BatchGetItem."""
        return _login_state(get_items([keys.login(email), keys.login_failures(email)]), email)

    def get_user(self, user_id: str) -> UserItem | None:
        return get_item(UserItem, keys.user(user_id))

    def users(self, user_ids: Iterable[str]) -> dict[str, UserItem]:
        """Users by id, one BatchGetItem per 100."""
        found = get_items(keys.user(user_id) for user_id in user_ids)
        return {item.user_id: item for item in found.values() if isinstance(item, UserItem)}

    def login_users(self, emails: Iterable[str]) -> dict[str, str]:
        """The user id of each email that has a login, one BatchGetItem per 100 (the email worker notes it
        on an invitation's link: services/email_worker.py)."""
        found = get_items(keys.login(email) for email in emails)
        return {item.email: item.user_id for item in found.values() if isinstance(item, LoginItem)}

    def change_password(
        self,
        user: UserItem,
        password_hash: str,
        session: tuple[str, datetime] | None = None,
        writes: Sequence[Item] = (),
    ) -> Outcome:
        """New hash and a bumped token version, atomically, and the address's failure window cleared. Two
        changes racing from the same version: the second fails ("changed") rather than silently winning.
        `session`: the sign-in session that keeps its id, and its new token's expiry (its TTL moves on; it
        fails "gone" if the session ended meanwhile); `writes`: a new session and its event, for a token that
        named none."""
        unchanged = UserItem.token_version == user.token_version
        tx = new_password(Tx(), user.email, user.user_id, password_hash, unchanged, "changed")
        if session is not None:
            kept = SessionItem(*keys.session(user.user_id, session[0]))
            tx.update(
                kept, [SessionItem.ttl.set(session[1])], condition=SessionItem.pk.exists(), label="gone"
            )
        for item in writes:
            tx.put(item)
        return tx.update(LoginFailuresItem(*keys.login_failures(user.email)), CLEARED).commit()

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
        ahead: Sequence[Key] = (),
    ) -> AuthContext:
        """Who is calling and whether the token was revoked, with what the route needs first in the same
        BatchGetItem: the caller's membership and the account in the path, or the link being opened, and
        (a support session's token) the session at `account_id`; (a token naming its sign-in session) that
        session, so ending it costs its requests no extra round trip. `counts`: the account's member-count
        shards too (models `fold`), for the few routes that show the counts; the others read 4 items fewer.
        `login_email`: the login of that email and its failure window too (as `login_state` reads them).
        `ahead`: keys the route reads ahead (`AuthContext.ahead`), as many as the batch has room for."""
        asking = Asking(user_id, token_id, account_id, link_hash, group_id, support_session_id, session_id)
        wanted = context_keys(asking, counts, login_email)
        operator_key = listeners.operator_key_if_stale() if account_id is not None else None
        wanted += [operator_key] if operator_key else []
        asked = fitting(ahead, wanted)
        found = get_items([*wanted, *asked])
        if operator_key is not None:  # whether the operator hears this account's events (store/listeners.py)
            counted = found.get(operator_key)
            listeners.tell_operator(counted if isinstance(counted, CounterItem) else None)
        return asking.context(found, login_email, read_ahead(asked, found))


@dataclass(frozen=True)
class Asking:
    """Whose context `auth_context` reads, and at which account, link, group and sessions."""

    user_id: str
    token_id: str
    account_id: str | None
    link_hash: str | None
    group_id: str | None
    support_session_id: str | None
    session_id: str | None

    @property
    def support_key(self) -> Key | None:
        if self.account_id is None or self.support_session_id is None:
            return None
        return keys.support_session(self.account_id, self.support_session_id)

    @property
    def session_key(self) -> Key | None:
        return keys.session(self.user_id, self.session_id) if self.session_id is not None else None

    def context(self, found: dict[Key, Item], login_email: str | None, ahead: ReadAhead) -> AuthContext:
        def take(key: Key | None, kind: type[T]) -> T | None:
            item = found.get(key) if key is not None else None
            return item if isinstance(item, kind) else None

        account_id, user_id, group_id = self.account_id, self.user_id, self.group_id
        return AuthContext(
            user=take(keys.user(user_id), UserItem),
            membership=take(keys.membership(account_id, user_id) if account_id else None, MembershipItem),
            account=_counted(take(keys.account(account_id) if account_id else None, AccountItem), found),
            revoked=keys.revoked_token(self.token_id) in found,
            link=take(keys.link(self.link_hash) if self.link_hash else None, LinkItem),
            group=take(keys.group(account_id, group_id) if account_id and group_id else None, GroupItem),
            support_session=take(self.support_key, SupportSessionItem),
            session=take(self.session_key, SessionItem),
            login_state=_login_state(found, login_email) if login_email is not None else None,
            ahead=ahead,
        )


def context_keys(asking: Asking, counts: bool, login_email: str | None) -> list[Key]:
    """Every key `auth_context` reads but the operator's count and the route's keys read ahead."""
    wanted = _caller_keys(
        asking.user_id,
        asking.token_id,
        asking.account_id,
        asking.link_hash,
        asking.group_id,
        asking.support_key,
        asking.session_key,
    )
    if counts and asking.account_id is not None:
        wanted += keys.account_counts(asking.account_id)  # the member counts accepts added (models `fold`)
    if login_email is not None:
        wanted += [keys.login(login_email), keys.login_failures(login_email)]
    return wanted


def _login_state(found: dict[Key, Item], email: str) -> tuple[LoginItem | None, FailureWindow | None]:
    login = found.get(keys.login(email))
    return login if isinstance(login, LoginItem) else None, failure_window(found, email)


def _counted(account: AccountItem | None, found: dict[Key, Item]) -> AccountItem | None:
    """The account with what its counter shards hold (read in the same BatchGetItem) added to its counts."""
    return None if account is None else fold(account, found.values())
