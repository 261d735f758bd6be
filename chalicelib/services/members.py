"""The User Management screen: list, read, change, deactivate, reactivate, remove, reset passwords."""

from __future__ import annotations

from chalicelib.deps import Deps
from chalicelib.domain.caller import Caller
from chalicelib.domain.paging import as_sort_text, page
from chalicelib.domain.permissions import stored_grant
from chalicelib.errors import AppError, not_found, validation_error
from chalicelib.schemas.members import Member, MemberListQuery, MemberPage, MemberUpdateIn
from chalicelib.services.auth import live_sub_accounts
from chalicelib.services.password_reset import send_reset_link
from chalicelib.services.sub_accounts import checked_scope
from chalicelib.store import keys
from chalicelib.store.models import AccountItem, MembershipItem, UserItem, format_time


def owner_immutable() -> AppError:
    return AppError("owner_immutable", "The owner cannot be changed, deactivated or removed.")


def _sort_value(member: Member, column: str) -> str:
    value = getattr(member, column)
    return format_time(value) if hasattr(value, "strftime") else as_sort_text(value)


def list_members(deps: Deps, account: AccountItem, query: MemberListQuery) -> MemberPage:
    """Every member read and sorted in memory (one Query and one BatchGetItem per 100 members), so any
    column sorts and the keyset cursor stays stable across pages."""
    stored = deps.store.members.members_of(account.account_id)
    memberships = [m for m in stored if query.status in (None, m.status)]
    users = deps.store.users.users(m.user_id for m in memberships)
    live = live_sub_accounts(account)
    members = [Member.of_pair(users[m.user_id], m, live) for m in memberships if m.user_id in users]
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


def get_member(deps: Deps, account: AccountItem, user_id: str) -> Member:
    membership, user = _find(deps, account.account_id, user_id)
    return Member.of_pair(user, membership, live_sub_accounts(account))


def update_member(deps: Deps, account: AccountItem, user_id: str, body: MemberUpdateIn) -> Member:
    """Role, grant and scope. A member's scope is kept while they are admin (admins reach every
    sub-account), so it applies again if they become a member again."""
    membership, user = _find(deps, account.account_id, user_id)
    if membership.role == "owner":
        raise owner_immutable()
    role = body.role or membership.role
    if body.permissions is not None:
        granted = body.permissions
    else:
        granted = membership.permissions if membership.role == "member" else []
    changes: dict[str, object] = {"role": role, "permissions": stored_grant(role, granted)}
    if body.sub_accounts is not None:
        if role == "admin" and body.sub_accounts != "all":
            raise validation_error(
                "sub_accounts", "an admin reaches every sub-account: leave it out or send 'all'"
            )
        changes["sub_accounts"] = checked_scope(body.sub_accounts, account)
    _save(deps, membership, **changes)
    return Member.of_pair(user, membership, live_sub_accounts(account))


def set_status(deps: Deps, caller: Caller, account: AccountItem, user_id: str, status: str) -> Member:
    membership, user = _find(deps, account.account_id, user_id)
    if membership.role == "owner":
        raise owner_immutable()
    if status == "deactivated" and user_id == caller.user_id:
        raise AppError("conflict", "You cannot deactivate yourself; ask another admin, or leave the account.")
    _save(deps, membership, status=status)
    return Member.of_pair(user, membership, live_sub_accounts(account))


def _save(deps: Deps, membership: MembershipItem, **changes: object) -> None:
    if not deps.store.members.update_member(membership, **changes):
        # It became the owner (ownership transfer) or was removed between our read and write.
        current = deps.store.members.get_membership(membership.account_id, membership.user_id)
        raise owner_immutable() if current is not None and current.role == "owner" else not_found("member")
    for name, value in changes.items():  # as stored (a removed attribute reads None)
        setattr(membership, name, value)


def remove_member(deps: Deps, account_id: str, user_id: str) -> None:
    membership, user = _find(deps, account_id, user_id)
    if membership.role == "owner":
        raise owner_immutable()
    if not deps.store.members.remove_member(membership, user.email):
        raise not_found("member")


def send_password_reset(deps: Deps, account_id: str, user_id: str) -> None:
    _, user = _find(deps, account_id, user_id)
    send_reset_link(deps, user.user_id, user.email)
