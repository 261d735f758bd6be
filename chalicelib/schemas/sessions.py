"""Sessions, the signed-in user, passwords."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from chalicelib.domain.locales import is_locale
from chalicelib.domain.permissions import Role, as_role
from chalicelib.domain.profile import profile_of
from chalicelib.schemas.common import (
    AnyPassword,
    Email,
    Extension,
    Input,
    LinkToken,
    LocaleCode,
    LoginEmail,
    Name,
    NewPassword,
    OptionalText,
    Output,
    Phone,
    Query,
    Timestamp,
)
from chalicelib.schemas.sub_accounts import AllSubAccounts

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.store.models import MembershipItem, SubAccountItem, UserItem


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
    second_factors: list[Literal["passkey", "totp"]] = Field(
        default_factory=list, description="the login's second factors (Your info shows them)"
    )
    locale: LocaleCode | None = Field(
        description="the language of the user's emails (null: not chosen; PATCH /me)"
    )

    @classmethod
    def of(cls, user: UserItem) -> User:
        known: tuple[Literal["passkey", "totp"], ...] = ("passkey", "totp")
        factors = [f for f in known if f in (user.factors or ())]
        return cls(
            user_id=user.user_id,
            email=user.email,
            **profile_of(user),
            created_at=user.created_at,
            last_login_at=user.last_login_at,
            second_factors=factors,
            locale=user.locale if is_locale(user.locale) else None,
        )


class SubAccountRef(Output):
    sub_account_id: str
    name: str


class AccountRef(Output):
    account_id: str
    name: str
    role: Role
    sub_accounts: AllSubAccounts | list[SubAccountRef]
    # Present (true) exactly when so: an account without a policy for this session lists as it always did.
    mfa_required: bool = Field(
        default=False,
        exclude_if=lambda required: not required,
        description="present, true, when this account's policy wants a session started with a second "
        "factor: its routes answer 403 mfa_required until you sign in with one (the /me routes still work)",
    )


def account_refs(
    memberships: list[MembershipItem], names: dict[str, str], reachable: dict[str, list[SubAccountItem]]
) -> list[AccountRef]:
    """Active memberships of accounts that exist (`names`, by account id), by account name: what a "Choose
    account" page lists, each with the sub-accounts its member reaches (`reachable`, by account id, for
    members whose scope is a list, their own or their group's; an account not in it: every one)."""
    active = sorted(
        (m for m in memberships if m.status == "active" and m.account_id in names),
        key=lambda m: (names[m.account_id].lower(), m.account_id),
    )
    return [
        AccountRef(
            account_id=m.account_id,
            name=names[m.account_id],
            role=as_role(m.role),
            sub_accounts=_refs(reachable[m.account_id]) if m.account_id in reachable else "all",
        )
        for m in active
    ]


def is_unlimited(membership: MembershipItem) -> bool:
    return membership.role in ("owner", "admin") or membership.sub_accounts is None


def _refs(items: list[SubAccountItem]) -> list[SubAccountRef]:
    ordered = sorted(items, key=lambda s: (s.name.lower(), s.sub_account_id))
    return [SubAccountRef(sub_account_id=s.sub_account_id, name=s.name) for s in ordered]


class LoginIn(Input):
    email: LoginEmail
    password: AnyPassword


# A login in more accounts than this lists the first of them, and pages on (GET /me/accounts).
ACCOUNTS_PAGE = 50


class LoginOut(Output):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_at: Timestamp
    user: User
    accounts: list[AccountRef]
    accounts_cursor: str | None = Field(default=None, description="the next page: GET /me/accounts?cursor=")


class MeOut(Output):
    user: User
    accounts: list[AccountRef]
    accounts_cursor: str | None = Field(default=None, description="the next page: GET /me/accounts?cursor=")


class AccountRefPage(Output):
    items: list[AccountRef]
    next_cursor: str | None


class AccountsQuery(Query):
    """?cursor= of GET /me/accounts (pages of ACCOUNTS_PAGE, by name case-insensitive, then account_id)."""

    cursor: str | None = Field(default=None, max_length=2048)


class Profile(Input):
    # The fields of domain/profile.py PROFILE_FIELDS as a request gives them: absent or null is none.
    first_name: Name | None = None
    last_name: Name | None = None
    title: OptionalText | None = None
    cell_phone: Phone | None = None
    office_phone: Phone | None = None
    extension: Extension | None = None


class ProfileIn(Profile):
    """Names can be changed but not cleared; the other fields are cleared with null."""

    # Absent means unchanged and null is refused (a name is not cleared): the document states no default.
    # Redeclared in place: the fields keep their order.
    first_name: Name = Field(default=None)  # type: ignore[assignment]
    last_name: Name = Field(default=None)  # type: ignore[assignment]
    # the language of your emails (null: none chosen, the account's default then)
    locale: LocaleCode | None = None


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
