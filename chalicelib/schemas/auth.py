"""Sessions, the signed-in user, passwords."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from chalicelib.schemas.common import (
    AnyPassword,
    Email,
    Extension,
    Input,
    LinkToken,
    LoginEmail,
    Name,
    NewPassword,
    OptionalText,
    Output,
    Phone,
    Timestamp,
)

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.store.models import MembershipItem, UserItem


class User(Output):
    user_id: str
    email: str
    first_name: str | None
    last_name: str | None
    title: str | None
    cell_phone: str | None
    office_phone: str | None
    extension: str | None
    created_at: Timestamp
    last_login_at: Timestamp | None

    @classmethod
    def of(cls, user: UserItem) -> User:
        return cls(
            user_id=user.user_id,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            title=user.title,
            cell_phone=user.cell_phone,
            office_phone=user.office_phone,
            extension=user.extension,
            created_at=user.created_at,
            last_login_at=user.last_login_at,
        )


class AccountRef(Output):
    account_id: str
    name: str
    role: Literal["owner", "admin", "member"]

    @classmethod
    def of(cls, membership: MembershipItem) -> AccountRef:
        return cls(account_id=membership.account_id, name=membership.account_name, role=membership.role)


def account_refs(memberships: list[MembershipItem]) -> list[AccountRef]:
    """Active memberships only, by account name: what a "Choose account" page lists."""
    active = [m for m in memberships if m.status == "active"]
    return [AccountRef.of(m) for m in sorted(active, key=lambda m: (m.account_name.lower(), m.account_id))]


class LoginIn(Input):
    email: LoginEmail
    password: AnyPassword


class LoginOut(Output):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_at: Timestamp
    user: User
    accounts: list[AccountRef]


class MeOut(Output):
    user: User
    accounts: list[AccountRef]


class ProfileIn(Input):
    """Names can be changed but not cleared; the other fields are cleared with null."""

    first_name: Name = Field(default=None)  # type: ignore[assignment]
    last_name: Name = Field(default=None)  # type: ignore[assignment]
    title: OptionalText | None = None
    cell_phone: Phone | None = None
    office_phone: Phone | None = None
    extension: Extension | None = None


class PasswordChangeIn(Input):
    current_password: AnyPassword
    new_password: NewPassword


class TokenOut(Output):
    access_token: str
    expires_at: Timestamp


class PasswordResetIn(Input):
    email: Email


class PasswordResetConfirmIn(Input):
    token: LinkToken
    new_password: NewPassword
