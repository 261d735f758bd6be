"""SCIM Groups ↔ the account's custom user groups (issue 31, API.md "SCIM 2.0"): `displayName` is the
group's name, `members` its members. Adding a member moves them from their current group; removing one
who is not in it is a no-op; a removed member goes to the default group with no permissions and no
sub-accounts; DELETE of a group moves its members to the default group first; an admin (or the owner)
cannot be added (400 invalidValue). Each move is the member use case's (services/members.py), audited in
its own transaction."""

from __future__ import annotations

from typing import Any, Final

from chalicelib.deps import Deps
from chalicelib.domain.caller import Caller
from chalicelib.domain.scim_discovery import GROUP_SCHEMA, list_response, projected
from chalicelib.domain.scim_errors import ScimError, invalid_value
from chalicelib.domain.scim_filter import matches, parse_filter
from chalicelib.domain.scim_patch import apply_patch
from chalicelib.domain.scim_users import etag
from chalicelib.errors import AppError
from chalicelib.schemas.groups import Group, GroupIn, GroupListQuery, GroupUpdateIn
from chalicelib.schemas.members import Member, MemberListQuery, MemberUpdateIn
from chalicelib.services import groups as group_cases
from chalicelib.services import members as member_cases
from chalicelib.services.scim_users import all_members, paging, unique_external_id
from chalicelib.store.models import AccountItem, ScimUserItem
from chalicelib.store.scim_users import new_record

DEFAULT: Final = "default"
# a member removed from a group: back in the default group with no permissions and no sub-accounts
TO_DEFAULT: Final = MemberUpdateIn(group_id=DEFAULT, permissions=[], sub_accounts=[])


def resource(
    group: Group, members: list[Member], base: str, external_id: str | None = None
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "schemas": [GROUP_SCHEMA],
        "id": group.group_id,
        "displayName": group.name,
        "members": [
            # value, type and $ref: the sub-attributes of RFC 7643 §8.7.1's Group schema (what was sent)
            {"value": m.user_id, "type": "User", "$ref": f"{base}/Users/{m.user_id}"}
            for m in members
        ],
    }
    if external_id is not None:
        found["externalId"] = external_id
    created = group.created_at.strftime("%Y-%m-%dT%H:%M:%SZ") if group.created_at else None
    found["meta"] = {
        "resourceType": "Group", "created": created, "lastModified": created,
        "location": f"{base}/Groups/{group.group_id}", "version": etag(found),
    }  # fmt: skip
    return found


def _custom_groups(deps: Deps, caller: Caller, account: AccountItem) -> list[Group]:
    page = group_cases.list_groups(deps, caller, account, GroupListQuery(limit=100))
    return [group for group in page.items if group.group_id != DEFAULT]


def list_groups(
    deps: Deps, caller: Caller, account: AccountItem, query: dict[str, str], base: str
) -> dict[str, Any]:
    groups = _custom_groups(deps, caller, account)
    if query.get("filter"):
        terms = parse_filter(query["filter"], ("displayName",))
        groups = [g for g in groups if all(matches(g.name, value) for _, value in terms)]
    members = (
        all_members(deps, caller, account) if "members" not in query.get("excludedAttributes", "") else []
    )
    records = deps.store.scim_users.records_of(account.account_id)
    found = [
        projected(
            resource(
                g, [m for m in members if m.group_id == g.group_id], base, _external(records.get(g.group_id))
            ),
            query,
        )
        for g in groups
    ]
    start, count = paging(query)
    return list_response(found[start - 1 : start - 1 + count], len(found), start)


def _group(deps: Deps, caller: Caller, account: AccountItem, group_id: str) -> Group:
    if group_id == DEFAULT:
        raise ScimError(404, "The group does not exist.")  # the default group is no SCIM group
    return group_cases.get_group(deps, caller, account, group_id)


def _members_of(deps: Deps, caller: Caller, account: AccountItem, group_id: str) -> list[Member]:
    query = MemberListQuery(limit=100, group_id=group_id)
    found: list[Member] = []
    while True:
        page = member_cases.list_members(deps, caller, account, query)
        found += page.items
        if page.next_cursor is None:
            return found
        query = MemberListQuery(limit=100, group_id=group_id, cursor=page.next_cursor)


def get_group(
    deps: Deps, caller: Caller, account: AccountItem, group_id: str, base: str, query: dict[str, str]
) -> dict[str, Any]:
    group = _group(deps, caller, account, group_id)
    record = deps.store.scim_users.get_record(account.account_id, group_id)
    found = resource(group, _members_of(deps, caller, account, group_id), base, _external(record))
    return projected(found, query)


def _external(record: ScimUserItem | None) -> str | None:
    return record.external_id if record is not None else None


def _save_external(deps: Deps, account: AccountItem, group_id: str, body: Any, current: str | None) -> None:
    """A group's externalId, kept in SCIM's record of the resource (unique among the account's groups)."""
    wanted = (
        next((v for k, v in body.items() if k.lower() == "externalid"), None)
        if isinstance(body, dict)
        else None
    )
    if wanted is not None and not isinstance(wanted, str):
        raise invalid_value("externalId is a string.")
    if wanted != current:
        unique_external_id(deps, account.account_id, wanted, group_id)
        deps.store.scim_users.save_record(new_record(account.account_id, group_id, wanted, False))


def _name(body: Any) -> str:
    name = (
        next((v for k, v in body.items() if k.lower() == "displayname"), None)
        if isinstance(body, dict)
        else None
    )
    if not isinstance(name, str) or not name.strip():
        raise invalid_value("displayName is required.")
    return name


def _member_ids(body: Any) -> list[str]:
    members = (
        next((v for k, v in body.items() if k.lower() == "members"), None) if isinstance(body, dict) else None
    )
    if members is None:
        return []
    if not isinstance(members, list) or not all(
        isinstance(m, dict) and isinstance(m.get("value"), str) for m in members
    ):
        raise invalid_value('members is a list of {"value": user id}.')
    return list(dict.fromkeys(m["value"] for m in members))


def create_group(deps: Deps, caller: Caller, account: AccountItem, body: Any, base: str) -> dict[str, Any]:
    wanted = _member_ids(body)
    try:
        made = group_cases.create_group(deps, caller, account, GroupIn(name=_name(body).strip()))
    except AppError as error:  # a name taken answers as SCIM's uniqueness
        if error.code == "conflict":
            raise ScimError(409, "A group of this account has this name.", "uniqueness") from None
        raise
    _set_members(deps, caller, account, made.group_id, [], wanted)
    _save_external(deps, account, made.group_id, body, None)
    return get_group(deps, caller, account, made.group_id, base, {})


def replace_group(
    deps: Deps, caller: Caller, account: AccountItem, group_id: str, body: Any, base: str
) -> dict[str, Any]:
    current = get_group(deps, caller, account, group_id, base, {})
    return _change(deps, caller, account, current, body, base)


def patch_group(
    deps: Deps, caller: Caller, account: AccountItem, group_id: str, body: Any, base: str
) -> dict[str, Any]:
    current = get_group(deps, caller, account, group_id, base, {})
    return _change(deps, caller, account, current, apply_patch(current, body), base)


def _change(
    deps: Deps, caller: Caller, account: AccountItem, current: dict[str, Any], wanted: Any, base: str
) -> dict[str, Any]:
    group_id, name = current["id"], _name(wanted).strip()
    if name != current["displayName"]:
        group_cases.update_group(deps, caller, account, group_id, GroupUpdateIn(name=name))
    _save_external(deps, account, group_id, wanted, current.get("externalId"))
    before = [m["value"] for m in current["members"]]
    _set_members(deps, caller, account, group_id, before, _member_ids(wanted))
    return get_group(deps, caller, account, group_id, base, {})


def _set_members(
    deps: Deps, caller: Caller, account: AccountItem, group_id: str, before: list[str], after: list[str]
) -> None:
    for user_id in after:
        if user_id not in before:
            _move_in(deps, caller, account, group_id, user_id)
    for user_id in before:
        if user_id not in after:
            member_cases.update_member(deps, caller, account, user_id, TO_DEFAULT)


def _move_in(deps: Deps, caller: Caller, account: AccountItem, group_id: str, user_id: str) -> None:
    member = member_cases.get_member(deps, caller, account, user_id)
    if member.role != "member":
        raise invalid_value(
            f"{user_id} is an {member.role}: only the default group holds admins and the owner."
        )
    member_cases.update_member(deps, caller, account, user_id, MemberUpdateIn(group_id=group_id))


def delete_group(deps: Deps, caller: Caller, account: AccountItem, group_id: str) -> None:
    """Its members go to the default group first (then the group is empty, unless it has pending
    invitations: 409)."""
    _group(deps, caller, account, group_id)
    for member in _members_of(deps, caller, account, group_id):
        member_cases.update_member(deps, caller, account, member.user_id, TO_DEFAULT)
    group_cases.delete_group(deps, caller, account, group_id)
    deps.store.scim_users.forget(account.account_id, group_id)
