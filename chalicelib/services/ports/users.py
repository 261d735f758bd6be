"""Users and what hangs off them, one repository each as the store holds them: users and logins, lockout
windows, revoked tokens, one-time links, and the memberships' copies of a user."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from chalicelib.domain.lockout import FailureWindow
    from chalicelib.domain.outbox import Window
    from chalicelib.store.keys import Key
    from chalicelib.store.lockouts import CodeCheck, LoginCheck
    from chalicelib.store.member_copies import AccountsPage, Page
    from chalicelib.store.models import (
        AccountItem,
        Item,
        LinkItem,
        LoginItem,
        MailItem,
        MembershipItem,
        SecurityEventItem,
        SessionItem,
        UserItem,
    )
    from chalicelib.store.read_ahead import ReadAhead
    from chalicelib.store.scope_hints import ScopeHint
    from chalicelib.store.tx import Outcome
    from chalicelib.store.users import AuthContext


class UserRepository(Protocol):
    def login_state(self, email: str) -> tuple[LoginItem | None, FailureWindow | None]: ...
    def get_user(self, user_id: str) -> UserItem | None: ...
    def create_user(self, user: UserItem, login: LoginItem) -> Outcome: ...
    def users(self, user_ids: Iterable[str]) -> dict[str, UserItem]: ...
    def login_users(self, emails: Iterable[str]) -> dict[str, str]: ...
    def change_password(
        self,
        user: UserItem,
        password_hash: str,
        session: tuple[str, datetime] | None = None,
        writes: Sequence[Item] = (),
    ) -> Outcome: ...
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
    ) -> AuthContext: ...


class LockoutRepository(Protocol):
    """The sign-in failure windows of an email address, and of a user's second-factor codes."""

    def reserve_login_attempt(self, email: str, now: datetime, known: FailureWindow | None) -> bool: ...
    def count_login_check(self, email: str, now: datetime) -> LoginCheck: ...
    def clear_login_failures(self, email: str) -> None: ...
    def reserve_code_attempt(self, user_id: str, now: datetime, known: FailureWindow | None) -> bool: ...
    def give_back_code_attempt(self, user_id: str, now: datetime) -> None: ...
    def count_code_check(self, user_id: str, now: datetime) -> CodeCheck: ...


class RevokedTokenRepository(Protocol):
    def revoke_token(self, token_id: str, expires_at: datetime) -> None: ...


class SessionRepository(Protocol):
    """A user's sign-in sessions and security events."""

    def sessions_of(self, user_id: str) -> list[SessionItem]: ...
    def end_sessions(self, user_id: str, session_ids: Sequence[str], event: SecurityEventItem) -> Outcome: ...
    def touch(self, session: SessionItem, now: datetime, seen_before: datetime) -> None: ...
    def security_events(
        self, user_id: str, since: datetime, limit: int, before_sk: str | None
    ) -> tuple[list[SecurityEventItem], str | None]: ...


class LinkRepository(Protocol):
    """One-time links: invitation and password reset."""

    def save_link(
        self,
        link: LinkItem,
        event: Item | None = None,
        mail: MailItem | None = None,
        windows: Sequence[Window] = (),
    ) -> Outcome: ...
    def get_link(self, token_hash: str) -> LinkItem | None: ...
    def open_counted_link(self, token_hash: str, now: datetime) -> LinkItem | None: ...
    def reset_password(self, link: LinkItem, password_hash: str, now: datetime) -> Outcome: ...


class MemberCopyRepository(Protocol):
    """A user with their memberships, which copy the user's fields: sign-in and profile changes."""

    def user_and_accounts(
        self, user_id: str, account_ids: Iterable[str]
    ) -> tuple[UserItem | None, list[MembershipItem], dict[str, AccountItem]]: ...
    def memberships_of_user(self, user_id: str) -> list[MembershipItem]: ...
    def accounts_page(self, user_id: str, after: tuple[str, str] | None, limit: int) -> AccountsPage: ...
    def accounts_renamed(self, now: datetime, limit: int) -> list[AccountItem]: ...
    def rewrite_names(self, account: AccountItem, now: datetime) -> int: ...
    def record_login(
        self, user_id: str, now: datetime, email: str | None = None, writes: Sequence[Item] = ()
    ) -> None: ...
    def login_and_page(
        self, email: str, hint: tuple[str, Iterable[str]] | None, scope: ScopeHint = ...
    ) -> tuple[LoginItem | None, Page | None, ReadAhead]: ...
    def record_password_sign_in(
        self,
        user_id: str,
        now: datetime,
        email: str,
        alone: bool,
        account_ids: Iterable[str],
        writes: Sequence[Item] = (),
        scope: ScopeHint = ...,
    ) -> None: ...
    def update_profile(
        self,
        user_id: str,
        changes: dict[str, Any],
        current: UserItem | None = None,
        now: datetime | None = None,
    ) -> UserItem: ...
    def users_due(self, now: datetime, limit: int) -> list[UserItem]: ...
    def rewrite_copies(self, user: UserItem) -> int: ...
