"""Sub-accounts, scopes of access to them, and the /authorize question."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, PlainValidator, WithJsonSchema

from chalicelib.domain.access import MAX_SCOPE, Reason
from chalicelib.domain.permissions import Role
from chalicelib.schemas.common import Input, ListQuery, Output, PermissionKey, Text, Timestamp

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.store.models import SubAccountItem

SubAccountName = Annotated[Text, Field(min_length=1, max_length=200)]
MAX_ID_LENGTH = 64


def _scope(value: Any) -> Literal["all"] | list[str]:
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


# "all", or the ids of the sub-accounts a member may reach ([] reaches none).
ScopeIn = Annotated[
    Literal["all"] | list[str],
    PlainValidator(_scope),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "enum": ["all"]},
                {
                    "type": "array",
                    "items": {"type": "string", "minLength": 1, "maxLength": MAX_ID_LENGTH},
                    "maxItems": MAX_SCOPE,
                },
            ]
        }
    ),
]
ScopeOut = Literal["all"] | list[str]


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
    reason: Reason | None = None
