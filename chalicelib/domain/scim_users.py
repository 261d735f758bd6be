"""A member as a SCIM User (RFC 7643 §4.1 with the portal-access extension), and what a POST, PUT or
patched body asks of one (`UserWish`). Unknown attributes and schemas (Entra's enterprise extension) are
ignored; booleans are taken as JSON booleans or as "True"/"False" in any case (Entra). Pure."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any, Final

from chalicelib.domain.permissions import ALL_KEYS
from chalicelib.domain.scim_discovery import EXTENSION, USER_SCHEMA
from chalicelib.domain.scim_errors import ScimError, invalid_value, mutability

ScopeWish = list[str] | None  # None: every sub-account
Said = dict[str, Any]  # the extension's permissions, allSubAccounts and subAccounts as a directory said them
REQUIRED: Final = ("userName", "active")  # and the extension's allSubAccounts (scim_discovery.py)
REQUIRED_EXTENSION: Final = ("allSubAccounts",)


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
    said: Said | None = None  # the access the directory said, where the membership cannot hold it


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
    listed: list[str] | None = None  # subAccounts as said (kept while allSubAccounts is true)
    role_unset: bool = False  # a PATCH left role unassigned: the member role, shown unassigned


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
            key: value
            for key, value in {"role": member.role, **granted(member)}.items()
            if key != "role" or value
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


def granted(member: MemberView) -> Said:
    """What the extension's writable access attributes show: what the directory said where the membership
    cannot hold it, else the membership's own (an admin's or the owner's: no grant, every sub-account)."""
    if member.said is not None:
        return member.said
    if member.role != "member":
        return {"permissions": [], "allSubAccounts": True, "subAccounts": []}
    scope = member.sub_accounts
    return {
        "permissions": list(member.permissions),
        "allSubAccounts": scope is None,
        "subAccounts": scope or [],
    }


def said_of(
    role: str | None, permissions: list[str], scope: ScopeWish, listed: list[str] | None
) -> Said | None:
    """The access to keep beside the membership, which holds only what takes effect: an admin's grant
    (theirs again as a member), sub-accounts listed with allSubAccounts true, and a role left unassigned
    (None: the member role, shown unassigned as the directory left it). None: nothing to keep."""
    if role == "member" and not (scope is None and listed):
        return None
    said: Said = {
        "permissions": permissions,
        "allSubAccounts": scope is None,
        "subAccounts": listed or scope or [],
    }
    return said if role is not None else {"role": None, **said}


def held_key(role: str, permissions: list[str], scope: ScopeWish) -> str:
    """What a member holds, as one string: what is kept beside it is shown only while it still holds this
    (a change through the JSON API makes the membership's own values shown again)."""
    return json.dumps([role, sorted(permissions), None if scope is None else sorted(scope)])


def held_after(role: str, granted: list[str], scope: ScopeWish) -> str:
    """held_key of a member once given `role`, `granted` (a member's grant) and `scope` (checked, live)."""
    if role == "admin":
        return held_key("admin", list(ALL_KEYS), None)
    return held_key("member", granted, scope)


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
    sub_accounts: ScopeWish | bool = False  # allSubAccounts: true wins; its list is kept (said_of)
    if every is True:
        sub_accounts = None
    elif listed:
        sub_accounts = listed
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
        listed=listed,
    )


def settled(before: dict[str, Any], after: dict[str, Any], body: Any) -> dict[str, Any]:
    """A User as the PATCH `body` left it (`after`, from `before`), checked and settled. A required
    attribute it removed or nulled is 400 mutability (RFC 7644 §3.5.2.2: a member has no unassigned status,
    role or reach, and a cleared mapping must neither strip nor widen access). allSubAccounts and
    subAccounts say one reach: a list given while allSubAccounts stays true and unsaid is the reach (a
    directory that maps only subAccounts); allSubAccounts said true keeps the list beside it, unused."""
    old, new = _extension_of(before), _extension_of(after)
    gone = [name for name in REQUIRED if _get(before, name) is not None and _get(after, name) is None]
    gone += [
        f"{EXTENSION}:{name}"
        for name in REQUIRED_EXTENSION
        if _get(old, name) is not None and _get(new, name) is None
    ]
    if gone:
        raise mutability(f"A member always has it, so it cannot be removed: {', '.join(gone)}.")
    every = as_bool(_get(new, "allSubAccounts"), "allSubAccounts")
    listed, was_listed = (as_list(_get(side, "subAccounts"), "subAccounts") for side in (new, old))
    if listed and listed != was_listed and every is True and not _names(body, "allSubAccounts"):
        return {**after, EXTENSION: {**new, "allSubAccounts": False}}
    return after


def _names(found: Any, name: str) -> bool:
    """Whether a PATCH body names the attribute anywhere: a path, or a key of a value (plain, URN-prefixed
    or inside the extension's object)."""
    if isinstance(found, list):
        return any(_names(item, name) for item in found)
    if not isinstance(found, dict):
        return False
    for key, value in found.items():
        named = str(value) if key.lower() == "path" else str(key)
        if named.lower().split(":")[-1].split(".")[-1] == name.lower() or _names(value, name):
            return True
    return False


def _extension_of(found: dict[str, Any]) -> dict[str, Any]:
    value = found.get(EXTENSION)
    return value if isinstance(value, dict) else {}


def patched_wish(before: dict[str, Any], after: dict[str, Any], body: Any) -> UserWish:
    """What a PATCH asks: the User it left (settled), with a role it left unassigned said as such (RFC 7644
    §3.5.2.2: a removed attribute is unassigned; for a role, that is the member role)."""
    found = settled(before, after, body)
    asked = wish(found)
    return replace(asked, role_unset=True) if _get(_extension_of(found), "role") is None else asked
