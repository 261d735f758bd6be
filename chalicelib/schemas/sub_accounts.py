"""Sub-accounts, scopes of access to them, and the /authorize question."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, PlainValidator
from typing_extensions import TypeAliasType

from chalicelib.domain.authorization import MAX_SCOPE, DenyReason
from chalicelib.domain.permissions import Role
from chalicelib.schemas.common import Input, ListQuery, Output, PermissionKey, Timestamp, VisibleName

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.store.models import SubAccountItem

SubAccountName = Annotated[VisibleName, Field(min_length=1, max_length=200)]
MAX_ID_LENGTH = 64
# Named: a generated client gets one type for "every sub-account" rather than an enum per field.
AllSubAccounts = TypeAliasType("AllSubAccounts", Literal["all"])
_ScopeIds = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=MAX_ID_LENGTH)]], Field(max_length=MAX_SCOPE)
]


def _scope(value: Any) -> AllSubAccounts | list[str]:
    """One check with one message, rather than pydantic's one error per branch of the union."""
    if value == "all":
        return "all"
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("must be 'all' or a list of sub-account ids")
    if len(value) > MAX_SCOPE:
        raise ValueError(f"may name at most {MAX_SCOPE} sub-accounts, not {len(value)}")
    if any(not item or len(item) > MAX_ID_LENGTH for item in value):
        raise ValueError("names something that is not a sub-account id")
    return value


# "all", or the ids of the sub-accounts a member may reach ([] reaches none). The document states the shape;
# _scope checks it with one message.
ScopeIn = Annotated[
    AllSubAccounts | list[str], PlainValidator(_scope, json_schema_input_type=AllSubAccounts | _ScopeIds)
]
ScopeOut = AllSubAccounts | list[str]


class SubAccountIn(Input):
    name: SubAccountName


class SubAccount(Output):
    sub_account_id: str
    name: str
    created_at: Timestamp

    @classmethod
    def of(cls, item: SubAccountItem) -> SubAccount:
        return cls(sub_account_id=item.sub_account_id, name=item.name, created_at=item.created_at)


class SubAccountPage(Output):
    items: list[SubAccount]
    next_cursor: str | None


class SubAccountListQuery(ListQuery):
    pass


class AuthorizeIn(Input):
    account_id: str = Field(min_length=1, max_length=64)
    permission: PermissionKey
    sub_account_id: str | None = Field(default=None, min_length=1, max_length=64)


class AuthorizeOut(Output):
    allowed: bool
    role: Role | None
    reason: DenyReason | None = None
