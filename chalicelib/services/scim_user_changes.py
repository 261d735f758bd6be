"""SCIM Users changed and removed (issue 31): PUT replaces (Okta), PATCH applies its operations to the
User as shown (domain/scim_patch.py) and is then read as a PUT is. What changes goes through the member
use cases (services/members.py) with the SCIM caller, so each change commits its audit event in its own
transaction exactly as the JSON API's does. userName and emails are the login's (400 mutability to change
them; the same value in any case is accepted); the owner cannot be deactivated, re-roled (400 mutability)
or removed (409). `active: false` deactivates in this account; DELETE removes from this account only."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from chalicelib.deps import Deps
from chalicelib.domain.caller import Caller
from chalicelib.domain.emails import normalize_email
from chalicelib.domain.scim_discovery import EXTENSION
from chalicelib.domain.scim_errors import ScimError, invalid_value, mutability
from chalicelib.domain.scim_patch import apply_patch
from chalicelib.domain.scim_users import MemberView, Said, UserWish, patched_wish, resource, said_of, wish
from chalicelib.schemas.members import MemberUpdateIn
from chalicelib.services import members as member_cases
from chalicelib.services.scim_users import (
    checked_grant,
    get_user,
    member_view,
    remember,
    unique_external_id,
)
from chalicelib.services.sessions import update_me
from chalicelib.services.sub_accounts import checked_scope
from chalicelib.store.models import AccountItem
from chalicelib.store.scim_users import new_record


def replace_user(
    deps: Deps, caller: Caller, account: AccountItem, user_id: str, body: Any, base: str, if_match: str | None
) -> dict[str, Any]:
    current, held = _current(deps, caller, account, user_id, base, if_match)
    return _apply(deps, caller, account, (current, held), wish(body), base)


def patch_user(
    deps: Deps, caller: Caller, account: AccountItem, user_id: str, body: Any, base: str, if_match: str | None
) -> dict[str, Any]:
    current, held = _current(deps, caller, account, user_id, base, if_match)
    asked = patched_wish(current, apply_patch(current, body), body)
    return _apply(deps, caller, account, (current, held), asked, base)


def delete_user(deps: Deps, caller: Caller, account: AccountItem, user_id: str, if_match: str | None) -> None:
    current, _ = _current(deps, caller, account, user_id, "", if_match)
    if _extension(current).get("role") == "owner":
        raise ScimError(409, "The owner cannot be removed; transfer the ownership first.")
    member_cases.remove_member(deps, caller, account, user_id)
    deps.store.scim_users.forget(account.account_id, user_id)


def _current(
    deps: Deps, caller: Caller, account: AccountItem, user_id: str, base: str, if_match: str | None
) -> tuple[dict[str, Any], MemberView]:
    """The User as shown, and the member it shows (what they hold now)."""
    held = member_view(deps, caller, account, user_id)
    current = resource(held, base)
    if if_match is not None and if_match.strip() != "*" and current["meta"]["version"] not in _tags(if_match):
        raise ScimError(412, "The user changed since that version was read.")
    return current, held


def _tags(header: str) -> set[str]:
    """If-Match's entity tags, each with and without W/ (a client may echo either form)."""
    tags = {part.strip() for part in header.split(",") if part.strip()}
    return tags | {f"W/{tag}" for tag in tags if not tag.startswith("W/")}


def _extension(found: dict[str, Any]) -> dict[str, Any]:
    value = found.get(EXTENSION)
    return value if isinstance(value, dict) else {}


def _apply(
    deps: Deps,
    caller: Caller,
    account: AccountItem,
    shown: tuple[dict[str, Any], MemberView],
    asked: UserWish,
    base: str,
) -> dict[str, Any]:
    current, held = shown
    user_id, email = current["id"], current["userName"]
    if asked.user_name is not None and normalize_email(asked.user_name) != email:
        raise mutability("userName is the login's email and cannot be changed through SCIM.")
    if any(normalize_email(other) != email for other in asked.emails):
        raise mutability("emails is the login's email and cannot be changed through SCIM.")
    owner = held.role == "owner"
    if owner and (asked.active is False or asked.role_unset or (asked.role or "owner").lower() != "owner"):
        raise mutability("The owner cannot be deactivated or have their role changed through SCIM.")
    if not owner and (asked.role or "").lower() == "owner":
        raise mutability("The owner is made by an ownership transfer, never through SCIM.")
    unique_external_id(deps, account.account_id, asked.external_id, user_id)
    said = _said(account, shown, asked)
    update = _update(current, held, asked, owner)
    if update:
        try:
            body = MemberUpdateIn.model_validate(update)
        except ValidationError as error:
            raise invalid_value(
                "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
            ) from None
        member_cases.update_member(deps, caller, account, user_id, body)
    if asked.active is not None and asked.active != current["active"]:
        member_cases.set_status(deps, caller, account, user_id, "active" if asked.active else "deactivated")
    record = deps.store.scim_users.get_record(account.account_id, user_id)
    made = bool(record.made_login) if record is not None else False
    remember(
        deps, caller, account, user_id, new_record(account.account_id, user_id, asked.external_id, made), said
    )
    if made:
        _name(deps, user_id, asked)
    return get_user(deps, caller, account, user_id, base)


def _said(account: AccountItem, shown: tuple[dict[str, Any], MemberView], asked: UserWish) -> Said | None:
    """The access to keep beside the membership after this change (domain/scim_users.py said_of), checked
    as a member's grant: what is not said stays as shown (a role left unassigned too)."""
    current, held = shown
    extension = _extension(current)
    if held.role == "owner" or current.get("groups"):
        return None
    unset = asked.role_unset or (asked.role is None and "role" not in extension)
    scope = _scope(asked, extension)
    listed = list(extension["subAccounts"]) if isinstance(asked.sub_accounts, bool) else asked.listed
    permissions = _or(asked.permissions, extension["permissions"])
    role = "member" if unset else asked.role or held.role
    _, granted, _ = checked_grant(replace(asked, role=role, permissions=permissions), account)
    checked = checked_scope(scope, account) if scope is not None else None
    return said_of(None if unset else role.lower(), granted, checked, checked_scope(listed or [], account))


def _scope(asked: UserWish, extension: dict[str, Any]) -> list[str] | None:
    """The reach asked (None: every sub-account); not said: as shown."""
    if isinstance(asked.sub_accounts, bool):
        return None if extension["allSubAccounts"] else list(extension["subAccounts"])
    return asked.sub_accounts


def _or(value: list[str] | None, shown: list[str]) -> list[str]:
    return list(shown) if value is None else value


def _name(deps: Deps, user_id: str, asked: UserWish) -> None:
    """The name of a login SCIM made, until its first sign-in (then it is the person's own): the
    directory's, so a name it no longer has (a PUT without it, a PATCH that removes it) is cleared."""
    user = deps.store.users.get_user(user_id)
    if user is None or user.last_login_at is not None:
        return
    wanted = {"first_name": asked.given_name, "last_name": asked.family_name}
    changes = {name: value for name, value in wanted.items() if getattr(user, name) != value}
    if changes:
        update_me(deps, user, changes)


def _update(current: dict[str, Any], held: MemberView, asked: UserWish, owner: bool) -> dict[str, Any]:
    """The member update body of what differs: contact details always (absent clears), access only for a
    member of the default group who is not the owner (a custom group's members hold its grant)."""
    phones = {p.get("type"): p.get("value") for p in current.get("phoneNumbers", [])}
    shown = {
        "title": current.get("title"),
        "office_phone": phones.get("work"),
        "cell_phone": phones.get("mobile"),
    }
    wanted = {"title": asked.title, "office_phone": asked.office_phone, "cell_phone": asked.cell_phone}
    update: dict[str, Any] = {name: value for name, value in wanted.items() if value != shown[name]}
    extension = _extension(current)
    if owner or current.get("groups"):
        return update
    was = held.role
    role = "member" if asked.role_unset else (asked.role or was).lower()
    if role != was:
        update["role"] = role
    if role != "member":  # an admin holds every permission and sub-account: what is said is kept beside
        return update
    permissions = _or(asked.permissions, extension["permissions"])
    if was != "member" or sorted(permissions) != sorted(held.permissions):
        update["permissions"] = permissions
    scope = _scope(asked, extension)
    reach = None if held.sub_accounts is None else sorted(held.sub_accounts)
    if was != "member" or (sorted(scope) if scope is not None else None) != reach:
        update["sub_accounts"] = "all" if scope is None else scope
    return update
