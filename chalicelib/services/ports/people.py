"""Who belongs where: accounts, memberships, the email claims that guard them, and contacts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from datetime import datetime

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
        MembershipItem,
        UserItem,
    )
    from chalicelib.store.seats import Released, SeatsRead
    from chalicelib.store.tx import Outcome


class AccountRepository(Protocol):
    def get_account(self, account_id: str) -> AccountItem | None: ...
    def get_accounts(self, account_ids: Iterable[str]) -> list[AccountItem]: ...
    def create_account(
        self, account: AccountItem, owner_invitation: NewInvitation, event: AuditEventItem | None = None
    ) -> Outcome: ...
    def rename_account(
        self,
        account: AccountItem,
        name: str,
        event: AuditEventItem | None = None,
        now: datetime | None = None,
    ) -> Outcome: ...
    def update_account(
        self,
        account: AccountItem,
        changes: Mapping[str, object],
        event: AuditEventItem | None = None,
        now: datetime | None = None,
    ) -> Outcome: ...
    def set_security(
        self, account: AccountItem, policy: tuple[str, int, datetime | None], event: AuditEventItem
    ) -> Outcome: ...
    def named(
        self,
        account_ids: Iterable[str],
        sub_accounts: Iterable[Key] = (),
        groups: Iterable[Key] = (),
        user_id: str | None = None,
    ) -> Named: ...
    def transfer_ownership(
        self,
        account: AccountItem,
        old_owner: MembershipItem | None,
        new_owner: MembershipItem,
        event: AuditEventItem | None = None,
    ) -> Outcome: ...
    def set_seat_limit(
        self, account: AccountItem, limit: int | None, event: AuditEventItem | None = None
    ) -> Outcome: ...
    def expired_seats(self, account_id: str, now: datetime) -> int: ...
    def release_expired_seats(self, account_id: str, now: datetime) -> Released: ...
    def memberships(self, account_id: str, user_ids: list[str]) -> dict[str, MembershipItem]: ...


class MemberRepository(Protocol):
    """Memberships, as the User Management screen reads and changes them."""

    def ordered_page(
        self,
        account_id: str,
        sort: str,
        status: str | None,
        group_id: str | None,
        *,
        limit: int,
        after: str | None,
        descending: bool,
        known: Sequence[Item] = (),
    ) -> tuple[list[MembershipItem], dict[str, GroupItem], str | None]: ...
    def read_page(
        self, account_id: str, found: IndexPage, known: Sequence[Item] = ()
    ) -> tuple[list[MembershipItem], dict[str, GroupItem]]: ...
    def member(self, account_id: str, user_id: str) -> tuple[MembershipItem | None, UserItem | None]: ...
    def get_membership(self, account_id: str, user_id: str) -> MembershipItem | None: ...
    def members_of(self, account_id: str) -> list[MembershipItem]: ...
    def update_member(
        self,
        membership: MembershipItem,
        in_group: str | None = None,
        guard_owner: bool = True,
        event: AuditEventItem | None = None,
        seats: SeatsRead | None = None,
        **changes: object,
    ) -> Outcome: ...
    def remove_member(
        self,
        membership: MembershipItem,
        email: str,
        in_group: str | None = None,
        event: AuditEventItem | None = None,
    ) -> Outcome: ...


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
        self,
        contact: ContactItem,
        previous_email: str,
        event: AuditEventItem | None = None,
        previous_categories: list[str] | None = None,
    ) -> Outcome: ...
    def delete_contact(self, contact: ContactItem, event: AuditEventItem | None = None) -> Outcome: ...
    def people_for(
        self,
        account: AccountItem,
        category: str,
        opener: str | None,
        *,
        members: bool,
        after: str | None = None,
        limit: int = 50,
    ) -> AccountPeople: ...
