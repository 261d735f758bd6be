"""SCIM Users changed and removed (issue 31): PUT replaces (Okta), PATCH applies its operations to the
User as shown (domain/scim_patch.py) and is then read as a PUT is. What changes goes through the member
use cases (services/members.py) with the SCIM caller, so each change commits its audit event in its own
transaction exactly as the JSON API's does. userName and emails are the login's (400 mutability to change
them; the same value in any case is accepted); the owner cannot be deactivated, re-roled (400 mutability)
or removed (409). `active: false` deactivates in this account; DELETE removes from this account only."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Final, NamedTuple

from pydantic import ValidationError

from chalicelib.deps import Deps
from chalicelib.domain.caller import Caller
from chalicelib.domain.emails import normalize_email
from chalicelib.domain.scim_discovery import EXTENSION
from chalicelib.domain.scim_errors import ScimError, invalid_value, mutability
from chalicelib.domain.scim_patch import apply_patch
from chalicelib.domain.scim_users import (
    MemberView,
    Said,
    UserWish,
    held_after,
    patched_wish,
    resource,
    said_of,
    wish,
)
from chalicelib.errors import RiderRefusedError
from chalicelib.schemas.members import MemberUpdateIn
from chalicelib.services import members as member_cases
from chalicelib.services.scim_users import (
    checked_grant,
    get_user,
    member_view,
    unique_external_id,
)
from chalicelib.services.sessions import update_me
from chalicelib.services.sub_accounts import checked_scope
from chalicelib.store.models import AccountItem, ScimUserItem
from chalicelib.store.scim_users import new_record

STALE: Final = "The user changed since that version was read."


def replace_user(
    deps: Deps, caller: Caller, account: AccountItem, user_id: str, body: Any, base: str, if_match: str | None
) -> dict[str, Any]:
    shown = _current(deps, caller, account, user_id, base, if_match)
    return _apply(deps, caller, account, shown, wish(body), base)


def patch_user(
    deps: Deps, caller: Caller, account: AccountItem, user_id: str, body: Any, base: str, if_match: str | None
) -> dict[str, Any]:
    shown = _current(deps, caller, account, user_id, base, if_match)
    asked = patched_wish(shown.current, apply_patch(shown.current, body), body)
    return _apply(deps, caller, account, shown, asked, base)


def delete_user(deps: Deps, caller: Caller, account: AccountItem, user_id: str, if_match: str | None) -> None:
    shown = _current(deps, caller, account, user_id, "", if_match)
    if shown.held.role == "owner":
        raise ScimError(409, "The owner cannot be removed; transfer the ownership first.")
    with _conditioned(deps, shown):  # If-Match: a condition of the removal's transaction
        member_cases.remove_member(deps, caller, account, user_id)
    deps.store.scim_users.forget(account.account_id, user_id)


class Shown(NamedTuple):
    """The User as shown, the member it shows (what they hold now), SCIM's record of them, and its version
    when If-Match named the User's (then each write of the change holds only while it is still that one)."""

    current: dict[str, Any]
    held: MemberView
    record: ScimUserItem
    read: int | None


def _current(
    deps: Deps, caller: Caller, account: AccountItem, user_id: str, base: str, if_match: str | None
) -> Shown:
    member_cases.get_member(deps, caller, account, user_id)  # 404 for a stranger, before any write
    # the version before the User it goes with: a change landing between the two reads makes this one
    # 412 at its write, never passes unseen (one the JSON API added has no record yet: made empty here)
    record = deps.store.scim_users.ensure_record(account.account_id, user_id)
    held = member_view(deps, caller, account, user_id)
    current = resource(held, base)
    if if_match is None or if_match.strip() == "*":
        return Shown(current, held, record, None)
    if current["meta"]["version"] not in _tags(if_match):
        raise ScimError(412, STALE)
    return Shown(current, held, record, int(record.version or 0))


@contextmanager
def _conditioned(deps: Deps, shown: Shown, record: ScimUserItem | None = None) -> Iterator[str]:
    """Every transaction of the change also writes SCIM's record (`record`: as it is to be; by default as
    it is) and, under If-Match, holds only while the record is at the version read: a concurrent change
    through SCIM moved it on, and this one is 412 with nothing of it written. Yields the request's writer
    id (the record may move on in each of its own transactions)."""
    writer = secrets.token_hex(8)
    try:
        with deps.store.scim_users.changing(record or shown.record, shown.read, writer):
            yield writer
    except RiderRefusedError:
        raise ScimError(412, STALE) from None


def _tags(header: str) -> set[str]:
    """If-Match's entity tags, each with and without W/ (a client may echo either form)."""
    tags = {part.strip() for part in header.split(",") if part.strip()}
    return tags | {f"W/{tag}" for tag in tags if not tag.startswith("W/")}


def _extension(found: dict[str, Any]) -> dict[str, Any]:
    value = found.get(EXTENSION)
    return value if isinstance(value, dict) else {}


def _apply(
    deps: Deps, caller: Caller, account: AccountItem, shown: Shown, asked: UserWish, base: str
) -> dict[str, Any]:
    current, held = shown.current, shown.held
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
    said, said_for = _said(account, shown, asked)
    record = new_record(account.account_id, user_id, asked.external_id, bool(shown.record.made_login))
    record.said, record.said_for = (json.dumps(said), said_for) if said is not None else (None, None)
    update = _member_update(shown, asked, owner)
    with _conditioned(deps, shown, record) as writer:
        if update is not None:
            member_cases.update_member(deps, caller, account, user_id, update)
        if asked.active is not None and asked.active != current["active"]:
            member_cases.set_status(
                deps, caller, account, user_id, "active" if asked.active else "deactivated"
            )
        if record.made_login:
            _name(deps, user_id, asked)
    # the record alone when nothing else was written (an externalId only); else it is already saved
    if "changed" in deps.store.scim_users.save_changed(record, shown.read, writer).failed:
        raise ScimError(412, STALE)
    return get_user(deps, caller, account, user_id, base)


def _member_update(shown: Shown, asked: UserWish, owner: bool) -> MemberUpdateIn | None:
    update = _update(shown.current, shown.held, asked, owner)
    if not update:
        return None
    try:
        return MemberUpdateIn.model_validate(update)
    except ValidationError as error:
        raise invalid_value(
            "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        ) from None


def _said(account: AccountItem, shown: Shown, asked: UserWish) -> tuple[Said | None, str | None]:
    """The access to keep beside the membership after this change (domain/scim_users.py said_of), checked
    as a member's grant: what is not said stays as shown (a role left unassigned too); and what the member
    holds after it, which the kept access goes with."""
    current, held = shown.current, shown.held
    extension = _extension(current)
    if held.role == "owner" or current.get("groups"):
        return None, None
    unset = asked.role_unset or (asked.role is None and "role" not in extension)
    scope = _scope(asked, extension)
    listed = list(extension["subAccounts"]) if isinstance(asked.sub_accounts, bool) else asked.listed
    permissions = _or(asked.permissions, extension["permissions"])
    role = "member" if unset else asked.role or held.role
    _, granted, _ = checked_grant(replace(asked, role=role, permissions=permissions), account)
    checked = checked_scope(scope, account) if scope is not None else None
    said = said_of(None if unset else role.lower(), granted, checked, checked_scope(listed or [], account))
    return said, held_after(role.lower(), granted, checked)


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
