"""A member as a SCIM User (RFC 7643 §4.1 with the portal-access extension), and what a POST, PUT or
patched body asks of one (`UserWish`). Unknown attributes and schemas (Entra's enterprise extension) are
ignored; booleans are taken as JSON booleans or as "True"/"False" in any case (Entra). Pure."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.scim_discovery import EXTENSION, USER_SCHEMA
from chalicelib.domain.scim_errors import ScimError, invalid_value

ScopeWish = list[str] | None  # None: every sub-account


@dataclass(frozen=True)
class MemberView:
    """What a User shows of a member (services/scim_users.py reads it from the Member output)."""

    user_id: str
    email: str
    first_name: str | None
    last_name: str | None
    title: str | None
    office_phone: str | None
    cell_phone: str | None
    active: bool
    role: str
    permissions: list[str]
    sub_accounts: ScopeWish
    group_id: str
    created: str
    external_id: str | None


@dataclass(frozen=True)
class UserWish:
    """What a body asks; None where it does not say (a PUT's missing attribute clears what can be
    cleared: services/scim_users.py)."""

    user_name: str | None
    emails: list[str]
    external_id: str | None
    active: bool | None
    title: str | None
    office_phone: str | None
    cell_phone: str | None
    given_name: str | None
    family_name: str | None
    role: str | None
    permissions: list[str] | None
    sub_accounts: ScopeWish | bool  # False: the body does not say


def resource(member: MemberView, base: str) -> dict[str, Any]:
    name = {"givenName": member.first_name, "familyName": member.last_name}
    phones = [
        {"value": value, "type": kind}
        for value, kind in ((member.office_phone, "work"), (member.cell_phone, "mobile"))
        if value
    ]
    found: dict[str, Any] = {
        "schemas": [USER_SCHEMA, EXTENSION],
        "id": member.user_id,
        "userName": member.email,
        "displayName": " ".join(part for part in (member.first_name, member.last_name) if part)
        or member.email,
        "active": member.active,
        "emails": [{"value": member.email, "type": "work", "primary": True}],
        "phoneNumbers": phones,
        "groups": [] if member.group_id == "default" else [{"value": member.group_id}],
        EXTENSION: {
            "role": member.role,
            "permissions": list(member.permissions),
            "allSubAccounts": member.sub_accounts is None,
            "subAccounts": list(member.sub_accounts or []),
        },
    }
    if any(name.values()):  # no name: unassigned, not an empty object
        found["name"] = {key: value for key, value in name.items() if value}
    if member.title:
        found["title"] = member.title
    if member.external_id is not None:
        found["externalId"] = member.external_id
    found["meta"] = {
        "resourceType": "User",
        "created": member.created,
        "lastModified": member.created,
        "location": f"{base}/Users/{member.user_id}",
        "version": etag(found),
    }
    return found


def etag(found: dict[str, Any]) -> str:
    """A weak ETag of what the resource shows (its meta aside): any change shows as another version."""
    shown = {key: value for key, value in found.items() if key != "meta"}
    digest = hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()[:20]
    return f'W/"{digest}"'


def _get(body: dict[str, Any], name: str) -> Any:
    return next((value for key, value in body.items() if key.lower() == name.lower()), None)


def as_bool(value: Any, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise invalid_value(f"{name} is true or false.")


def _text(value: Any, name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value.strip() if isinstance(value, str) and value.strip() else None
    raise invalid_value(f"{name} is a string.")


def as_list(value: Any, name: str) -> list[str] | None:
    """A list of strings, or one comma-separated string (what some directories can only send)."""
    if value is None:
        return None
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        items = [_value(item) for item in value]
        if all(isinstance(item, str) for item in items):
            return [str(item) for item in items]
    raise invalid_value(f"{name} is a list of strings or one comma-separated string.")


def _value(item: Any) -> Any:
    return item.get("value") if isinstance(item, dict) else item


def _typed(entries: Any, kind: str) -> str | None:
    if not isinstance(entries, list):
        return None
    for entry in entries:
        if isinstance(entry, dict) and str(_get(entry, "type") or "").lower() == kind:
            return _text(_get(entry, "value"), f"phoneNumbers[type eq {kind!r}]")
    return None


def wish(body: Any) -> UserWish:
    if not isinstance(body, dict):
        raise ScimError(400, "The body is a User object.", "invalidSyntax")
    name = _get(body, "name") if isinstance(_get(body, "name"), dict) else {}
    extension = next((value for key, value in body.items() if key.lower() == EXTENSION.lower()), None) or {}
    if not isinstance(extension, dict):
        raise invalid_value(f"{EXTENSION} is an object.")
    emails = _get(body, "emails")
    scope = _get(extension, "subAccounts")
    every = as_bool(_get(extension, "allSubAccounts"), "allSubAccounts")
    listed = as_list(scope, "subAccounts")
    sub_accounts: ScopeWish | bool = False  # a non-empty list wins over allSubAccounts: true
    if listed:
        sub_accounts = listed
    elif every is True:
        sub_accounts = None
    elif every is False or scope is not None:
        sub_accounts = []
    return UserWish(
        user_name=_text(_get(body, "userName"), "userName"),
        emails=[str(_value(e)).strip() for e in emails if _value(e)] if isinstance(emails, list) else [],
        external_id=_text(_get(body, "externalId"), "externalId"),
        active=as_bool(_get(body, "active"), "active"),
        title=_text(_get(body, "title"), "title"),
        office_phone=_typed(_get(body, "phoneNumbers"), "work"),
        cell_phone=_typed(_get(body, "phoneNumbers"), "mobile"),
        given_name=_text(_get(name, "givenName"), "name.givenName"),
        family_name=_text(_get(name, "familyName"), "name.familyName"),
        role=_text(_get(extension, "role"), "role"),
        permissions=as_list(_get(extension, "permissions"), "permissions"),
        sub_accounts=sub_accounts,
    )
