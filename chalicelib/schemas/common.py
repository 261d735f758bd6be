"""Field types and base classes shared by every resource's models."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from chalicelib.domain.emails import MAX_EMAIL_LENGTH, is_valid_email, normalize_email
from chalicelib.domain.permissions import ALL_KEYS

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class Output(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters or line breaks")
    return value


def _valid_email(value: str) -> str:
    if not is_valid_email(value):
        raise ValueError("is not a valid email address")
    return value


def _normalized(value: Any) -> Any:
    return normalize_email(value) if isinstance(value, str) else value


Text = Annotated[str, AfterValidator(_no_control_characters)]
Name = Annotated[Text, Field(min_length=1, max_length=100)]
OptionalText = Annotated[Text, Field(max_length=100)]
Phone = Annotated[Text, Field(max_length=40)]
Extension = Annotated[Text, Field(max_length=20)]
# Trimmed and lower-cased before validation: the one form the API stores and compares.
Email = Annotated[
    str,
    BeforeValidator(_normalized),
    Field(min_length=3, max_length=MAX_EMAIL_LENGTH, json_schema_extra={"format": "email"}),
    AfterValidator(_valid_email),
]
LoginEmail = Annotated[str, BeforeValidator(_normalized), Field(min_length=1, max_length=MAX_EMAIL_LENGTH)]
NewPassword = Annotated[str, Field(min_length=10, max_length=256)]
AnyPassword = Annotated[str, Field(min_length=1, max_length=256)]
LinkToken = Annotated[str, Field(min_length=1, max_length=512)]
PermissionKey = Literal[ALL_KEYS]  # type: ignore[valid-type]
Timestamp = Annotated[
    datetime,
    PlainSerializer(lambda value: value.strftime("%Y-%m-%dT%H:%M:%SZ"), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]


class ListQuery(BaseModel):
    """?limit=&cursor= of every list. Query strings are text, so numbers are parsed leniently here."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    limit: int = Field(default=50, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=2048)
