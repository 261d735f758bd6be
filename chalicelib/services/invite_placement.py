"""Where an invitation goes: the request's group checked before anything is written (a support session grants
no more than it may, a group manager invites into their own group only, an admin carries no grant of its own),
and the profile fields that go with a single email only."""

from __future__ import annotations

from chalicelib.deps import Deps
from chalicelib.domain.caller import Caller
from chalicelib.domain.groups import Placement, placement_problem
from chalicelib.domain.profile import PROFILE_FIELDS
from chalicelib.domain.support import support_grant_problem
from chalicelib.errors import AppError, validation_error
from chalicelib.schemas.invitations import InviteIn
from chalicelib.services.groups import existing_group, managed_group
from chalicelib.store.models import AccountItem, GroupItem


def checked_group(deps: Deps, caller: Caller, account: AccountItem, body: InviteIn) -> GroupItem | None:
    """The custom group the invitations are for (None: the default group), once the request may be made:
    a support session grants no more than it may, a group manager stays in their group, and an admin is
    given no permissions or scope of its own."""
    check_profile(body)
    refused = support_grant_problem(caller, body.role, body.permissions)
    if refused is not None:
        raise AppError("forbidden", refused)
    group_id = _placement(caller, body)
    group = existing_group(deps, account, group_id)
    if body.role == "admin" and body.permissions:
        raise validation_error("permissions", "an admin holds every permission: leave permissions out")
    if body.role == "admin" and body.sub_accounts != "all":
        raise validation_error(
            "sub_accounts", "an admin reaches every sub-account: leave it out or send 'all'"
        )
    return group


def check_profile(body: InviteIn) -> None:
    profile_given = [name for name in PROFILE_FIELDS if getattr(body, name) is not None]
    if profile_given and len(body.emails) > 1:
        raise validation_error(profile_given[0], "profile fields go with a single email only")


def _placement(caller: Caller, body: InviteIn) -> str:
    """The group the invitation is for. A group manager invites into their own group only, as plain
    members: any other group, role, permissions, scope or manager flag of their choosing is 403."""
    mine = managed_group(caller)
    given = body.model_fields_set
    if mine is not None:
        if "group_id" in given and body.group_id != mine:
            raise AppError("forbidden", "A group manager invites into their own group only.")
        if given & {"role", "permissions", "sub_accounts"} or body.group_manager:
            raise AppError("forbidden", "A group manager's invitations take the group's permissions.")
        return mine
    problem = placement_problem(
        Placement(
            body.group_id,
            body.group_manager,
            body.role if "role" in given else None,
            "permissions" in given,
            "sub_accounts" in given,
        )
    )
    if problem is not None:
        raise validation_error(*problem)
    return body.group_id
