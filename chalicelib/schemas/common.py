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
from typing_extensions import TypeAliasType

from chalicelib.domain.emails import MAX_EMAIL_LENGTH, email_problem, normalize_email
from chalicelib.domain.names import INVISIBLE_BMP, name_problem
from chalicelib.domain.permissions import ADMIN_ONLY, ALL_KEYS

# C0 controls and DEL, NEL and the Unicode line and paragraph separators (line breaks in disguise), and the
# bidirectional overrides and isolates (which make "evil.com/moc.example" read as something else).
_FORBIDDEN = "\\x00-\\x1f\\x7f\\x85\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069"
_CONTROL = re.compile(f"[{_FORBIDDEN}]")
# ... and, in a name, the invisible characters domain/names.py refuses: said in the schema too (those of the
# Basic Multilingual Plane; the few above it are left to the validator, as a JSON Schema pattern without the
# `u` flag cannot range over them), so a fuzzer's schema-valid name is one the API takes.
_NAME_FORBIDDEN = _FORBIDDEN + "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in INVISIBLE_BMP)


# defer_build: a model's validator is compiled on its first use, not at import, so a cold Lambda pays only
# for the models of the route it serves.
class Input(BaseModel):
    # No blanket whitespace stripping: passwords and tokens are taken exactly as sent; text fields strip.
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)


class Output(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters, line breaks or text-direction overrides")
    return value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _grantable(value: str) -> str:
    if value in ADMIN_ONLY:
        raise ValueError(f"'{value}' is admin-only: it comes with the admin role and cannot be granted")
    if value not in ALL_KEYS:
        raise ValueError(f"'{value}' is not a permission key")
    return value


def _valid_email(value: str) -> str:
    problem = email_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _visible(value: str) -> str:
    problem = name_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _normalized(value: Any) -> Any:
    return normalize_email(value) if isinstance(value, str) else value


def integral(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


# JSON Schema counts 3.0 as an integer, so the API takes it as 3 (a fraction stays refused).
WholeNumber = Annotated[int, BeforeValidator(integral)]

# A bounded one for an optional field (`DaysValid | None`): the bounds come before the validator, or pydantic
# writes them into the JSON Schema as raw `ge`/`le` that no client reads.
DaysValid = Annotated[int, Field(ge=1, le=30), BeforeValidator(integral)]

NO_CONTROL = f"^[^{_FORBIDDEN}]*$"
# The schema says what the validators enforce, so generated clients and fuzzers agree with the API.
Text = Annotated[
    str,
    BeforeValidator(_strip),
    AfterValidator(_no_control_characters),
    Field(json_schema_extra={"pattern": NO_CONTROL}),
]
Name = Annotated[
    str,
    BeforeValidator(_strip),
    AfterValidator(_no_control_characters),
    AfterValidator(_visible),
    Field(
        min_length=1,
        max_length=100,
        json_schema_extra={
            "pattern": f"^[^{_NAME_FORBIDDEN}]*[^{_NAME_FORBIDDEN}\\x20][^{_NAME_FORBIDDEN}]*$"
        },
    ),
]
# An account's, group's or sub-account's name: text a reader can see (domain/names.py).
VisibleName = Annotated[
    Text, AfterValidator(_visible), Field(json_schema_extra={"pattern": f"^[^{_NAME_FORBIDDEN}]*$"})
]
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
# Named (TypeAliasType): one schema in the document, one enum type in a generated client.
PermissionKey = TypeAliasType("PermissionKey", Literal[ALL_KEYS])  # type: ignore[valid-type]
# The languages of the pages and emails (domain/locales.py): anything else is a 400 validation_error.
# (spelled out for the type checker; tests/unit/test_catalogs.py checks it is LOCALES)
LocaleCode = TypeAliasType("LocaleCode", Literal["en", "de", "fr", "es", "nl"])
# What can be granted: admin-only keys come only with the admin role, whatever the role asked for (400).
# In the document it is PermissionKey, so that a generated client has one permission enum for every route.
GrantableKey = Annotated[PermissionKey, AfterValidator(_grantable)]
Timestamp = Annotated[
    datetime,
    PlainSerializer(lambda value: value.strftime("%Y-%m-%dT%H:%M:%SZ"), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]


class Query(BaseModel):
    """A query string. It is text, so numbers are parsed leniently here."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, defer_build=True)


class ListQuery(Query):
    """?limit=&cursor= of every list (and only of lists)."""

    limit: int = Field(default=50, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=2048)
