"""The User Management screen: list, read, change, deactivate, reactivate, remove, reset passwords."""

from __future__ import annotations

from chalicelib.deps import Deps
from chalicelib.domain.caller import Caller
from chalicelib.domain.paging import as_sort_text, page
from chalicelib.domain.permissions import stored_grant
from chalicelib.errors import AppError, not_found
from chalicelib.schemas.members import Member, MemberListQuery, MemberPage, MemberUpdateIn
from chalicelib.services.password_reset import send_reset_link
from chalicelib.store import keys
from chalicelib.store.models import MembershipItem, UserItem, format_time


def owner_immutable() -> AppError:
    return AppError("owner_immutable", "The owner cannot be changed, deactivated or removed.")


def _sort_value(member: Member, column: str) -> str:
    value = getattr(member, column)
    return format_time(value) if hasattr(value, "strftime") else as_sort_text(value)


def list_members(deps: Deps, account_id: str, query: MemberListQuery) -> MemberPage:
    """Every member read and sorted in memory (one Query and one BatchGetItem per 100 members), so any
    column sorts and the keyset cursor stays stable across pages."""
    memberships = [m for m in deps.store.members.members_of(account_id) if query.status in (None, m.status)]
    users = deps.store.users.users(m.user_id for m in memberships)
    members = [Member.of_pair(users[m.user_id], m) for m in memberships if m.user_id in users]
    items, cursor = page(
        members,
        lambda member: (_sort_value(member, query.sort), member.user_id),
        limit=query.limit,
        cursor=query.cursor,
        descending=query.order == "desc",
        scope=f"members:{query.sort}:{query.order}:{query.status}",
    )
    return MemberPage(items=items, next_cursor=cursor)


def _find(deps: Deps, account_id: str, user_id: str) -> tuple[MembershipItem, UserItem]:
    membership, user = (
        deps.store.members.member(account_id, user_id) if keys.is_valid_id(user_id) else (None, None)
    )
    if membership is None or user is None:
        raise not_found("member")
    return membership, user


def get_member(deps: Deps, account_id: str, user_id: str) -> Member:
    membership, user = _find(deps, account_id, user_id)
    return Member.of_pair(user, membership)


def update_member(deps: Deps, account_id: str, user_id: str, body: MemberUpdateIn) -> Member:
    membership, user = _find(deps, account_id, user_id)
    if membership.role == "owner":
        raise owner_immutable()
    role = body.role or membership.role
    if body.permissions is not None:
        granted = body.permissions
    else:
        granted = membership.permissions if membership.role == "member" else []
    _save(deps, membership, role=role, permissions=stored_grant(role, granted))
    return Member.of_pair(user, membership)


def set_status(deps: Deps, caller: Caller, account_id: str, user_id: str, status: str) -> Member:
    membership, user = _find(deps, account_id, user_id)
    if membership.role == "owner":
        raise owner_immutable()
    if status == "deactivated" and user_id == caller.user_id:
        raise AppError("conflict", "You cannot deactivate yourself; ask another admin, or leave the account.")
    _save(deps, membership, status=status)
    return Member.of_pair(user, membership)


def _save(deps: Deps, membership: MembershipItem, **changes: object) -> None:
    if not deps.store.members.update_member(membership, **changes):
        # It became the owner (ownership transfer) or was removed between our read and write.
        current = deps.store.members.get_membership(membership.account_id, membership.user_id)
        raise owner_immutable() if current is not None and current.role == "owner" else not_found("member")


def remove_member(deps: Deps, account_id: str, user_id: str) -> None:
    membership, user = _find(deps, account_id, user_id)
    if membership.role == "owner":
        raise owner_immutable()
    if not deps.store.members.remove_member(membership, user.email):
        raise not_found("member")


def send_password_reset(deps: Deps, account_id: str, user_id: str) -> None:
    _, user = _find(deps, account_id, user_id)
    send_reset_link(deps, user.user_id, user.email)
