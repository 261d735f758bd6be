"""Who is who: logins and users, accounts, memberships, the email claims that guard them, and contacts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from chalicelib.domain.lockout import FailureWindow
    from chalicelib.domain.outbox import Window
    from chalicelib.domain.recipients import AccountPeople
    from chalicelib.store.accounts import Named
    from chalicelib.store.invitations import NewInvitation
    from chalicelib.store.keys import Key
    from chalicelib.store.lists import IndexPage
    from chalicelib.store.models import (
        AccountItem,
        AuditEventItem,
        ContactItem,
        EmailClaimItem,
        GroupItem,
        InvitationItem,
        Item,
        LinkItem,
        LoginItem,
        MailItem,
        MembershipItem,
        UserItem,
    )
    from chalicelib.store.tx import Outcome
    from chalicelib.store.users import AuthContext


class UserRepository(Protocol):
    """Logins, users, their sign-in failures, revoked tokens and one-time links."""

    def login_state(self, email: str) -> tuple[LoginItem | None, FailureWindow | None]: ...
    def reserve_login_attempt(self, email: str, now: datetime, known: FailureWindow | None) -> bool: ...
    def clear_login_failures(self, email: str) -> None: ...
    def get_user(self, user_id: str) -> UserItem | None: ...
    def users(self, user_ids: Iterable[str]) -> dict[str, UserItem]: ...
    def user_with_memberships(self, user_id: str) -> tuple[UserItem | None, list[MembershipItem]]: ...
    def user_and_accounts(
        self, user_id: str, account_ids: Iterable[str]
    ) -> tuple[UserItem | None, list[MembershipItem], dict[str, AccountItem]]: ...
    def memberships_of_user(self, user_id: str) -> list[MembershipItem]: ...
    def auth_context(
        self, user_id: str, token_id: str, account_id: str | None = None, link_hash: str | None = None,
        group_id: str | None = None, support_session_id: str | None = None,
    ) -> AuthContext: ...  # fmt: skip
    def revoke_token(self, token_id: str, expires_at: datetime) -> None: ...
    def record_login(
        self, user_id: str, now: datetime, email: str | None = None, listing: list[str] | None = None,
        user: UserItem | None = None, memberships: Iterable[MembershipItem] = (),
    ) -> None: ...  # fmt: skip
    def update_profile(
        self, user_id: str, changes: dict[str, Any], current: UserItem | None = None
    ) -> UserItem: ...
    def change_password(self, user: UserItem, password_hash: str) -> Outcome: ...
    def save_link(
        self, link: LinkItem, event: Item | None = None, mail: MailItem | None = None,
        windows: Sequence[Window] = (),
    ) -> Outcome: ...  # fmt: skip
    def get_link(self, token_hash: str) -> LinkItem | None: ...
    def open_counted_link(self, token_hash: str, now: datetime) -> LinkItem | None: ...
    def reset_password(self, link: LinkItem, password_hash: str, now: datetime) -> Outcome: ...


class AccountRepository(Protocol):
    def get_account(self, account_id: str) -> AccountItem | None: ...
    def get_accounts(self, account_ids: Iterable[str]) -> list[AccountItem]: ...
    def create_account(
        self, account: AccountItem, owner_invitation: NewInvitation, event: AuditEventItem | None = None
    ) -> Outcome: ...
    def rename_account(
        self, account: AccountItem, name: str, event: AuditEventItem | None = None
    ) -> Outcome: ...
    def named(
        self, account_ids: Iterable[str], sub_accounts: Iterable[Key] = (), groups: Iterable[Key] = ()
    ) -> Named: ...
    def transfer_ownership(
        self, account: AccountItem, old_owner: MembershipItem | None, new_owner: MembershipItem,
        event: AuditEventItem | None = None,
    ) -> Outcome: ...  # fmt: skip
    def memberships(self, account_id: str, user_ids: list[str]) -> dict[str, MembershipItem]: ...


class MemberRepository(Protocol):
    """Memberships, as the User Management screen reads and changes them."""

    def ordered_page(
        self, account_id: str, sort: str, status: str | None, *, limit: int, after: str | None,
        descending: bool,
    ) -> tuple[list[MembershipItem], dict[str, GroupItem], str | None]: ...  # fmt: skip
    def read_page(
        self, account_id: str, found: IndexPage | list[dict[str, str]]
    ) -> tuple[list[MembershipItem], dict[str, GroupItem]]: ...
    def cards(self, account_id: str) -> list[tuple[str, str, dict[str, str]]]: ...
    def member(self, account_id: str, user_id: str) -> tuple[MembershipItem | None, UserItem | None]: ...
    def get_membership(self, account_id: str, user_id: str) -> MembershipItem | None: ...
    def update_member(
        self, membership: MembershipItem, in_group: str | None = None, guard_owner: bool = True,
        event: AuditEventItem | None = None, **changes: object,
    ) -> Outcome: ...  # fmt: skip
    def remove_member(
        self, membership: MembershipItem, email: str, in_group: str | None = None,
        event: AuditEventItem | None = None,
    ) -> Outcome: ...  # fmt: skip


class ClaimRepository(Protocol):
    def holders(
        self, account_id: str, claims: Iterable[EmailClaimItem]
    ) -> dict[str, MembershipItem | InvitationItem]: ...


class ContactRepository(Protocol):
    def contacts_page(
        self, account_id: str, *, limit: int, after: str | None
    ) -> tuple[list[ContactItem], str | None]: ...
    def get_contact(self, account_id: str, contact_id: str) -> ContactItem | None: ...
    def create_contact(self, contact: ContactItem, event: AuditEventItem | None = None) -> Outcome: ...
    def save_contact(
        self, contact: ContactItem, previous_email: str, event: AuditEventItem | None = None,
        previous_categories: list[str] | None = None,
    ) -> Outcome: ...  # fmt: skip
    def delete_contact(self, contact: ContactItem, event: AuditEventItem | None = None) -> Outcome: ...
    def people_for(
        self, account: AccountItem, category: str, opener: str | None, *, members: bool
    ) -> AccountPeople | None: ...
