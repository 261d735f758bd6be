"""User groups: the built-in default group and custom ones (user_management), and what a group manager may
do to the members of their own group."""

from __future__ import annotations

from chalicelib.deps import Deps
from chalicelib.domain.audit import EventType, Target, changed
from chalicelib.domain.caller import Caller
from chalicelib.domain.groups import DEFAULT_GROUP_ID, MAX_GROUPS, is_custom, manager_may_act_on
from chalicelib.domain.paging import as_sort_text, page
from chalicelib.errors import AppError, limit_reached, not_found, validation_error
from chalicelib.ids import new_id
from chalicelib.msgids import N_
from chalicelib.schemas.groups import Group, GroupIn, GroupListQuery, GroupPage, GroupUpdateIn
from chalicelib.services.audit_record import record
from chalicelib.services.authentication import live_sub_accounts
from chalicelib.services.sub_accounts import checked_scope
from chalicelib.store import keys
from chalicelib.store.groups import new_group_item
from chalicelib.store.models import AccountItem, AuditEventItem, GroupItem, InvitationItem, MembershipItem


def managed_group(caller: Caller) -> str | None:
    """The group a caller acts in as its manager: None for the operator and user_management holders, who
    act on the whole account."""
    if caller.manages_users() or caller.grant is None:
        return None
    return caller.grant.manages_group


def check_manager_reach(
    caller: Caller, item: MembershipItem | InvitationItem, *, writes: bool, what: str
) -> None:
    """A group manager sees only their group (anything else is 404, as if absent) and changes none of its
    other managers (403)."""
    group = managed_group(caller)
    if group is None:
        return
    is_manager = writes and isinstance(item, MembershipItem) and bool(item.group_manager)
    verdict = manager_may_act_on(group, item.group_id, is_manager)
    if verdict == "not_found":
        raise not_found(what)
    if verdict == "forbidden":
        raise AppError("forbidden", "A group manager cannot change another manager of the group.")


def existing_group(
    deps: Deps, account: AccountItem, group_id: str, field: str = "group_id"
) -> GroupItem | None:
    """The custom group named in a request (None for the default group); 400 if it is not this account's."""
    if not is_custom(group_id):
        return None
    found = deps.store.groups.get_group(account.account_id, group_id) if keys.is_valid_id(group_id) else None
    if found is None:
        raise validation_error(field, "is not a group of this account")
    return found


def _default(deps: Deps, account: AccountItem, groups: list[GroupItem]) -> Group:
    in_custom = sum(int(g.member_count) for g in groups)
    return Group.default(max(0, int(account.member_count) - in_custom))


def list_groups(deps: Deps, caller: Caller, account: AccountItem, query: GroupListQuery) -> GroupPage:
    """The default group first, then the custom ones by name; a group manager sees only their own."""
    groups = deps.store.groups.groups_of(account.account_id)
    live = live_sub_accounts(account)
    mine = managed_group(caller)
    listed = [Group.of(g, live) for g in sorted(groups, key=lambda g: (as_sort_text(g.name), g.group_id))]
    if mine is not None:
        listed = [g for g in listed if g.group_id == mine]
    else:
        listed.insert(0, _default(deps, account, groups))
    ordered = {g.group_id: str(index).zfill(4) for index, g in enumerate(listed)}
    items, cursor = page(
        listed,
        lambda g: (ordered[g.group_id], g.group_id),
        limit=query.limit,
        cursor=query.cursor,
        scope=f"groups:{account.account_id}:{mine}",
        secret=deps.settings.token_secret,
    )
    return GroupPage(items=items, next_cursor=cursor)


def _find(deps: Deps, caller: Caller, account: AccountItem, group_id: str) -> GroupItem:
    mine = managed_group(caller)
    if mine is not None and group_id != mine:
        raise not_found("group")
    found = deps.store.groups.get_group(account.account_id, group_id) if keys.is_valid_id(group_id) else None
    if found is None:
        raise not_found("group")
    return found


def get_group(deps: Deps, caller: Caller, account: AccountItem, group_id: str) -> Group:
    if group_id == DEFAULT_GROUP_ID and managed_group(caller) is None:
        return _default(deps, account, deps.store.groups.groups_of(account.account_id))
    return Group.of(_find(deps, caller, account, group_id), live_sub_accounts(account))


# `conflict` for these two, not a code of their own: the contract names it for them (API.md, groups).
def _default_is_fixed() -> AppError:
    return AppError("conflict", "The Default User Group cannot be changed or deleted.")


def _name_taken() -> AppError:
    return AppError("conflict", "Another group of this account has that name.")


RECORDED_FIELDS = ("name", "description", "permissions", "sub_accounts")


def _recorded(group: GroupItem) -> dict[str, object]:
    return {name: getattr(group, name) for name in RECORDED_FIELDS}


def _event(
    deps: Deps,
    kind: EventType,
    caller: Caller,
    group: GroupItem,
    before: dict[str, object],
    after: dict[str, object],
) -> AuditEventItem:
    target = Target("group", group.group_id)
    return record(deps, kind, caller, group.account_id, target, changed(before, after))


def create_group(deps: Deps, caller: Caller, account: AccountItem, body: GroupIn) -> Group:
    group = new_group_item(
        account.account_id,
        new_id("grp"),
        body.name,
        body.description,
        list(body.permissions),
        checked_scope(body.sub_accounts, account),
        deps.now(),
    )
    event = _event(deps, "group.created", caller, group, {}, _recorded(group))
    outcome = deps.store.groups.create(group, event)
    if "full" in outcome.failed:
        raise limit_reached(N_("An account has at most $max groups."), max=str(MAX_GROUPS))
    if not outcome:
        raise _name_taken()
    return Group.of(group, live_sub_accounts(account))


def update_group(
    deps: Deps, caller: Caller, account: AccountItem, group_id: str, body: GroupUpdateIn
) -> Group:
    """Permissions and scope apply to every member on their next request: members hold no copy of them."""
    if group_id == DEFAULT_GROUP_ID:
        raise _default_is_fixed()
    group = _find(deps, caller, account, group_id)
    changes: dict[str, object] = {}
    if body.name is not None:
        changes["name"] = body.name
    if "description" in body.model_fields_set:
        changes["description"] = body.description
    if body.permissions is not None:
        changes["permissions"] = list(body.permissions)
    if body.sub_accounts is not None:
        changes["sub_accounts"] = checked_scope(body.sub_accounts, account)
    changes = {name: value for name, value in changes.items() if getattr(group, name) != value}
    if changes:  # only what differs is written and recorded
        previous_name, before = group.name, _recorded(group)
        event = _event(deps, "group.updated", caller, group, before, {**before, **changes})
        outcome = deps.store.groups.update(group, previous_name, event, **changes)
        if "name_taken" in outcome.failed:
            raise _name_taken()
        if not outcome:
            raise not_found("group")
        for field, value in changes.items():
            setattr(group, field, value)
    return Group.of(group, live_sub_accounts(account))


def delete_group(deps: Deps, caller: Caller, account: AccountItem, group_id: str) -> None:
    if group_id == DEFAULT_GROUP_ID:
        raise _default_is_fixed()
    group = _find(deps, caller, account, group_id)
    outcome = deps.store.groups.delete(
        group, _event(deps, "group.deleted", caller, group, {"name": group.name}, {})
    )
    if "not_empty" in outcome.failed:
        raise AppError(
            "group_not_empty", "Move or remove the group's members and revoke its invitations first."
        )
    if not outcome:
        raise not_found("group")
