"""The User Management screen: list, read, change, deactivate, reactivate, remove, reset passwords."""

from __future__ import annotations

from chalicelib.deps import Deps
from chalicelib.domain.audit import EventType, Target, changed
from chalicelib.domain.caller import Caller
from chalicelib.domain.groups import Placement, group_of, is_custom, placement_problem
from chalicelib.domain.locales import reader_locale
from chalicelib.domain.paging import decode_cursor, encode_cursor
from chalicelib.domain.permissions import MemberStatus, Role, as_role, stored_grant
from chalicelib.domain.support import support_grant_problem
from chalicelib.domain.wording import reset_requester
from chalicelib.errors import AppError, forbidden, not_found, validation_error
from chalicelib.i18n.text import words_for
from chalicelib.schemas.members import Member, MemberListQuery, MemberPage, MemberUpdateIn
from chalicelib.services.audit_record import record
from chalicelib.services.authentication import Session, live_sub_accounts
from chalicelib.services.groups import check_manager_reach, existing_group, managed_group
from chalicelib.services.password_reset import send_reset_link
from chalicelib.services.seats import take_one
from chalicelib.services.sub_accounts import checked_scope
from chalicelib.store import keys
from chalicelib.store.members import user_of
from chalicelib.store.models import (
    AccountItem,
    AuditEventItem,
    GroupItem,
    Item,
    MembershipItem,
    UserItem,
)
from chalicelib.store.seats import SeatsRead
from chalicelib.store.tx import Outcome


def owner_immutable() -> AppError:
    return AppError("owner_immutable", "The owner cannot be changed, deactivated or removed.")


def list_members(
    deps: Deps, caller: Caller, account: AccountItem, query: MemberListQuery, session: Session | None = None
) -> MemberPage:
    """Every sort, order and status filter, of the account or of one group (a group manager lists their
    own), is read in index order: a Query of limit + 1 keys per status range, then the page by key,
    strongly consistent from the table (store/members.py `ordered_page`): O(page) at any size. What
    authorization read (the caller's membership and group, `session`) is not read again.

    `mfa` filters the page read (by the memberships' copies of the users' factors): one page of `limit`
    examined, its matches answered with the page's cursor, so a filtered page costs what an unfiltered one
    does and may hold fewer than `limit` (the audit's filtered reads do the same)."""
    wanted_group = managed_group(caller) or query.group_id
    scope = f"members:{account.account_id}:{query.sort}:{query.order}:{query.status}:{wanted_group}"
    scope += f":{query.mfa}"
    secret = deps.settings.token_secret
    after = decode_cursor(query.cursor, scope, secret)[0] if query.cursor else None
    memberships, groups, last = deps.store.members.ordered_page(
        account.account_id,
        query.sort,
        query.status,
        wanted_group,
        limit=query.limit,
        after=after,
        descending=query.order == "desc",
        known=_known(session),
    )
    cursor = encode_cursor(scope, (last,), secret) if last is not None else None
    if query.mfa is not None:
        memberships = [m for m in memberships if bool(m.factors) == query.mfa]
    return MemberPage(items=_members(deps, account, memberships, groups), next_cursor=cursor)


def _known(session: Session | None) -> list[Item]:
    if session is None:
        return []
    return [item for item in (session.membership, session.group) if item is not None]


def _members(
    deps: Deps, account: AccountItem, memberships: list[MembershipItem], groups: dict[str, GroupItem]
) -> list[Member]:
    """From the memberships' copies of their users' fields."""
    live = live_sub_accounts(account)
    return [Member.of_pair(user_of(m), m, live, groups) for m in memberships]


def _find(deps: Deps, account_id: str, user_id: str) -> tuple[MembershipItem, UserItem]:
    membership, user = (
        deps.store.members.member(account_id, user_id) if keys.is_valid_id(user_id) else (None, None)
    )
    if membership is None or user is None:
        raise not_found("member")
    return membership, user


def _reachable(
    deps: Deps, caller: Caller, account: AccountItem, user_id: str, *, writes: bool
) -> tuple[MembershipItem, UserItem]:
    """The member, if the caller may see them (a group manager: their group only) and, for a change, may
    change them (not the owner; for a group manager, not another manager)."""
    membership, user = _find(deps, account.account_id, user_id)
    if user_id != caller.user_id:
        check_manager_reach(caller, membership, writes=writes, what="member")
    if writes and membership.role == "owner":
        raise owner_immutable()
    return membership, user


def _member(
    deps: Deps, caller: Caller, account: AccountItem, user: UserItem, membership: MembershipItem
) -> Member:
    """The member as the API shows them, with what their custom group grants (one read)."""
    groups: dict[str, GroupItem] = {}
    if membership.group_id:
        group = deps.store.groups.get_group(account.account_id, membership.group_id)
        if group is not None:
            groups[group.group_id] = group
    return Member.of_pair(user, membership, live_sub_accounts(account), groups)


def get_member(
    deps: Deps, caller: Caller, account: AccountItem, user_id: str, session: Session | None = None
) -> Member:
    """Reading oneself answers from what authorization read (membership, user, group): no second read."""
    if session is not None and user_id == caller.user_id and session.membership and session.user:
        group = session.group
        groups = {group.group_id: group} if group is not None else {}
        return Member.of_pair(session.user, session.membership, live_sub_accounts(account), groups)
    membership, user = _reachable(deps, caller, account, user_id, writes=False)
    return _member(deps, caller, account, user, membership)


def update_member(
    deps: Deps, caller: Caller, account: AccountItem, user_id: str, body: MemberUpdateIn
) -> Member:
    """Access (user_management only) and contact details at the account (also the member themself, and
    the owner's too: only the owner's access is immutable)."""
    membership, user = _find(deps, account.account_id, user_id)
    changes: dict[str, object] = {}
    if body.changes_access():
        if not caller.manages_users():  # a member editing their own details asked for more
            raise forbidden("user_management")
        refused = support_grant_problem(caller, body.role, body.permissions or ())
        if refused is not None:
            raise AppError("forbidden", refused)
        changes = _access_changes(deps, account, membership, body)
    changes |= body.contact_changes()
    # only what differs: a PATCH that changes nothing (a client's retry of one whose answer it lost) writes
    # nothing and records no member.updated, so webhook receivers get no duplicate under a new id
    changes = {name: value for name, value in changes.items() if getattr(membership, name) != value}
    if changes:
        event = _event(deps, "member.updated", caller, membership, user, changes)
        _save(deps, membership, None, event, guard_owner=body.changes_access(), **changes)
    return _member(deps, caller, account, user, membership)


def _event(
    deps: Deps,
    kind: EventType,
    caller: Caller,
    membership: MembershipItem,
    user: UserItem,
    changes: dict[str, object] | None = None,
) -> AuditEventItem:
    """The event of a change to a member; `changes`: the attributes about to be stored."""
    before = {name: getattr(membership, name) for name in changes or {}}
    target = Target("member", membership.user_id, user.email)
    return record(deps, kind, caller, membership.account_id, target, changed(before, changes or {}))


def _access_changes(
    deps: Deps, account: AccountItem, membership: MembershipItem, body: MemberUpdateIn
) -> dict[str, object]:
    """Role, grant, scope and group as they will be stored. A member's own grant and scope are kept while
    they are admin or in a custom group, so they apply again when they come back to the default group."""
    if membership.role == "owner":
        raise owner_immutable()
    target_group = body.group_id or group_of(membership.group_id)
    moving_to_custom = is_custom(target_group)
    manager = bool(body.group_manager) if body.group_manager is not None else bool(membership.group_manager)
    problem = placement_problem(
        Placement(
            target_group,
            manager and moving_to_custom if body.group_manager is None else manager,
            body.role,
            body.permissions is not None,
            body.sub_accounts is not None,
        )
    )
    if problem is not None:
        raise validation_error(*problem)
    existing_group(deps, account, target_group)
    role: Role = "member" if moving_to_custom else (body.role or as_role(membership.role))
    if role == "admin" and body.permissions:
        raise validation_error("permissions", "an admin holds every permission: leave permissions out")
    changes: dict[str, object] = {"role": role}
    if body.permissions is not None:  # else the member's own grant is kept, to apply again as a member
        changes["permissions"] = stored_grant("member", body.permissions)
    if body.sub_accounts is not None:
        if role == "admin" and body.sub_accounts != "all":
            raise validation_error(
                "sub_accounts", "an admin reaches every sub-account: leave it out or send 'all'"
            )
        changes["sub_accounts"] = checked_scope(body.sub_accounts, account)
    if body.group_id is not None:
        changes["group_id"] = target_group if moving_to_custom else None
    changes["group_manager"] = True if (moving_to_custom and manager) else None
    return changes


def set_status(
    deps: Deps, caller: Caller, account: AccountItem, user_id: str, status: MemberStatus
) -> Member:
    membership, user = _reachable(deps, caller, account, user_id, writes=True)
    if status == "deactivated" and user_id == caller.user_id:
        raise AppError(
            "cannot_deactivate_self",
            "You cannot deactivate yourself; ask another admin, or leave the account.",
        )
    if membership.status == status:  # already so: nothing to write, nothing to record
        return _member(deps, caller, account, user, membership)
    kind: EventType = "member.deactivated" if status == "deactivated" else "member.reactivated"
    event = _event(deps, kind, caller, membership, user, {"status": status})
    if status == "active":  # a way in: takes a seat, under the account's limit (services/seats.py)
        _reactivate(deps, caller, account, membership, event)
    else:
        _save(deps, membership, managed_group(caller), event, status=status)
    return _member(deps, caller, account, user, membership)


def _reactivate(
    deps: Deps, caller: Caller, account: AccountItem, membership: MembershipItem, event: AuditEventItem
) -> None:
    in_group = managed_group(caller)

    def saved(seats: SeatsRead) -> Outcome:
        return deps.store.members.update_member(
            membership, in_group, event=event, seats=seats, status="active"
        )

    _answer(deps, membership, take_one(deps, caller, account, saved), {"status": "active"})


def _save(
    deps: Deps,
    membership: MembershipItem,
    in_group: str | None,
    event: AuditEventItem,
    guard_owner: bool = True,
    **changes: object,
) -> None:
    outcome = deps.store.members.update_member(
        membership, in_group, guard_owner=guard_owner, event=event, seats=None, **changes
    )
    _answer(deps, membership, outcome, changes)


def _answer(deps: Deps, membership: MembershipItem, outcome: Outcome, changes: dict[str, object]) -> None:
    """What a membership write's outcome means for the request; on success the item read shows the
    changes."""
    if "group_gone" in outcome.failed:
        raise validation_error("group_id", "is not a group of this account")
    if not outcome:
        # It became the owner (ownership transfer), was removed or moved between our read and write.
        current = deps.store.members.get_membership(membership.account_id, membership.user_id)
        raise owner_immutable() if current is not None and current.role == "owner" else not_found("member")
    for name, value in changes.items():  # as stored (a removed attribute reads None)
        setattr(membership, name, value)


def remove_member(deps: Deps, caller: Caller, account: AccountItem, user_id: str) -> None:
    membership, user = _reachable(deps, caller, account, user_id, writes=True)
    kind: EventType = "member.left" if user_id == caller.user_id else "member.removed"
    event = _event(deps, kind, caller, membership, user)
    removed = deps.store.members.remove_member(membership, user.email, managed_group(caller), event)
    if not removed:  # its status changed meanwhile (what its seat frees depends on it): once more as it is
        fresh = deps.store.members.get_membership(account.account_id, user_id)
        if fresh is not None and fresh.status != membership.status:
            removed = deps.store.members.remove_member(fresh, user.email, managed_group(caller), event)
    if not removed:
        raise not_found("member")


def send_password_reset(deps: Deps, caller: Caller, account: AccountItem, user_id: str) -> None:
    membership, user = _reachable(deps, caller, account, user_id, writes=True)
    event = _event(deps, "member.password_reset_sent", caller, membership, user)
    locale = reader_locale(user.locale, account.default_locale)
    send_reset_link(
        deps,
        user,
        reset_requester(caller, account.name, words_for(locale)),
        event,
        locale,
        account_id=account.account_id,
    )
