"""SCIM Users ↔ the account's members (issue 31, API.md "SCIM 2.0"): read and create (the list and its
filters: services/scim_user_list.py). A create makes the person a member at once when their email's
domain is verified for the account (a new login gets a "set your password" email; an existing login is
simply added), under the account's seats, with the member.provisioned event, SCIM's record (the
externalId) and a login SCIM makes all in the membership's transaction: a create refused for seats leaves
nothing behind. Changes and removal: services/scim_user_changes.py."""

from __future__ import annotations

import json
from typing import Any, Final

from chalicelib.deps import Deps
from chalicelib.domain.audit import Target, changed
from chalicelib.domain.caller import Caller
from chalicelib.domain.email_domains import email_domain_of
from chalicelib.domain.emails import email_problem, normalize_email
from chalicelib.domain.permissions import ADMIN_ONLY, ALL_KEYS, stored_grant
from chalicelib.domain.scim_discovery import MAX_RESULTS, projected
from chalicelib.domain.scim_errors import ScimError, invalid_value, mutability
from chalicelib.domain.scim_users import MemberView, UserWish, held_after, held_key, resource, said_of, wish
from chalicelib.ids import new_id
from chalicelib.schemas.members import Member, MemberListQuery
from chalicelib.services import members as member_cases
from chalicelib.services.audit_record import record
from chalicelib.services.joining import settle
from chalicelib.services.scim_login import NO_PASSWORD, send_set_password
from chalicelib.services.seats import take_one
from chalicelib.services.sub_accounts import checked_scope
from chalicelib.store.members import new_membership_item
from chalicelib.store.models import AccountItem, LoginItem, ScimUserItem, UserItem
from chalicelib.store.scim_users import new_record
from chalicelib.store.seats import SeatsRead
from chalicelib.store.tx import Outcome
from chalicelib.store.users import new_user_items

NOT_VERIFIED: Final = "The email's domain is not verified for this account."


def view(member: Member, record: ScimUserItem | None) -> MemberView:
    scope = None if member.sub_accounts == "all" else list(member.sub_accounts)
    held = held_key(member.role, list(member.permissions), scope)
    kept = record is not None and record.said is not None and record.said_for == held
    return MemberView(
        member.user_id, member.email, member.first_name, member.last_name, member.title,
        member.office_phone, member.cell_phone, member.status == "active", member.role,
        list(member.permissions), scope, member.group_id, member.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        record.external_id if record else None, json.loads(record.said) if kept and record else None,
    )  # fmt: skip


def all_members(deps: Deps, caller: Caller, account: AccountItem) -> list[Member]:
    """Every member, in email order (a page of the member list at a time)."""
    found: list[Member] = []
    cursor: str | None = None
    while True:
        page = member_cases.list_members(deps, caller, account, MemberListQuery(limit=100, cursor=cursor))
        found += page.items
        cursor = page.next_cursor
        if cursor is None:
            return found


def paging(query: dict[str, str]) -> tuple[int, int]:
    """startIndex (1-based; below 1 is 1) and count (0 to 100: more is clamped)."""
    try:
        start = int(query.get("startIndex", "1"))
        count = int(query.get("count", str(MAX_RESULTS)))
    except ValueError:
        raise invalid_value("startIndex and count are integers.") from None
    return max(start, 1), min(max(count, 0), MAX_RESULTS)


def get_user(deps: Deps, caller: Caller, account: AccountItem, user_id: str, base: str) -> dict[str, Any]:
    return resource(member_view(deps, caller, account, user_id), base)


def member_view(deps: Deps, caller: Caller, account: AccountItem, user_id: str) -> MemberView:
    member = member_cases.get_member(deps, caller, account, user_id)
    return view(member, deps.store.scim_users.get_record(account.account_id, user_id))


def read_user(
    deps: Deps, caller: Caller, account: AccountItem, user_id: str, base: str, query: dict[str, str]
) -> dict[str, Any]:
    """GET /Users/{id}: the User with attributes/excludedAttributes applied."""
    return projected(get_user(deps, caller, account, user_id, base), query)


def checked_email(user_wish: UserWish) -> str:
    raw = user_wish.user_name or next(iter(user_wish.emails), None)
    if raw is None:
        raise invalid_value("userName is required: the person's email.")
    email = normalize_email(raw)
    problem = email_problem(email)
    if problem is not None:
        raise invalid_value(f"userName: {problem}")
    if any(normalize_email(other) != email for other in user_wish.emails):
        raise mutability("emails is the login's email: the same as userName.")
    return email


def checked_grant(user_wish: UserWish, account: AccountItem) -> tuple[str, list[str], list[str] | None]:
    """(role, permissions, scope) as said, checked: member, none, all by default. An admin's are checked
    as a member's too: they are theirs if the directory makes them a member (domain/scim_users.py)."""
    role = (user_wish.role or "member").lower()
    if role == "owner":
        raise mutability("The owner is made by an ownership transfer, never through SCIM.")
    if role not in ("member", "admin"):
        raise invalid_value("role is member or admin.")
    wanted = user_wish.permissions or []
    unknown = [key for key in wanted if key not in ALL_KEYS]
    if unknown:
        raise invalid_value(f"Not permission keys: {', '.join(unknown)}.")
    if ADMIN_ONLY & set(wanted):
        raise invalid_value(
            f"Admin-only permissions cannot be granted: {', '.join(sorted(ADMIN_ONLY & set(wanted)))}."
        )
    scope = user_wish.sub_accounts
    stored_scope = checked_scope(scope if isinstance(scope, list) else "all", account)
    return role, stored_grant("member", wanted), stored_scope


def unique_external_id(deps: Deps, account_id: str, external_id: str | None, resource_id: str | None) -> None:
    """Unique among the account's resources of one type (a user's id starts usr_, a group's grp_)."""
    if external_id is None:
        return
    kind = (resource_id or "usr_")[:4]
    for other in deps.store.scim_users.records_of(account_id).values():
        if other.external_id == external_id and other.user_id != resource_id and other.user_id[:4] == kind:
            raise ScimError(409, "Another resource of this account has this externalId.", "uniqueness")


def create_user(deps: Deps, caller: Caller, account: AccountItem, body: Any, base: str) -> dict[str, Any]:
    user_wish = wish(body)
    email = checked_email(user_wish)
    domain = deps.store.email_domains.get_domain(account.account_id, email_domain_of(email))
    if domain is None or domain.status != "verified":
        raise ScimError(403, NOT_VERIFIED)  # whether or not a login exists: the same answer
    role, permissions, scope = checked_grant(user_wish, account)
    listed = checked_scope(user_wish.listed or [], account)
    unique_external_id(deps, account.account_id, user_wish.external_id, None)
    said = said_of(role, permissions, scope, listed)
    for _ in range(2):  # a login made meanwhile by someone else is joined on the second round
        user, login = _login_of(deps, email, user_wish)
        if deps.store.members.get_membership(account.account_id, user.user_id) is not None:
            raise ScimError(409, "This person is already a user of this account.", "uniqueness")
        record = new_record(account.account_id, user.user_id, user_wish.external_id, login is not None)
        if said is not None:
            record.said, record.said_for = json.dumps(said), held_after(role, permissions, scope)
        grant = (role, [] if role == "admin" else permissions, scope)
        if _join(deps, caller, account, (user, login), user_wish, grant, record):
            break
    else:
        raise ScimError(409, "The login for this email kept changing; try again.")
    if login is not None:
        send_set_password(deps, user, account)
    if user_wish.active is False:
        member_cases.set_status(deps, caller, account, user.user_id, "deactivated")
    return get_user(deps, caller, account, user.user_id, base)


def _login_of(deps: Deps, email: str, user_wish: UserWish) -> tuple[UserItem, LoginItem | None]:
    """The user with a login for `email`, or one SCIM makes (with its login, written with the join)."""
    login = deps.store.users.login_state(email)[0]
    user = deps.store.users.get_user(login.user_id) if login is not None else None
    if user is not None:
        return user, None
    profile = {"first_name": user_wish.given_name, "last_name": user_wish.family_name}
    return new_user_items(new_id("usr"), email, NO_PASSWORD, profile, deps.now())


def _join(
    deps: Deps,
    caller: Caller,
    account: AccountItem,
    person: tuple[UserItem, LoginItem | None],
    user_wish: UserWish,
    grant: tuple[str, list[str], list[str] | None],
    scim_record: ScimUserItem,
) -> bool:
    """The member made (store/scim_users.py provision); False: a login for the email appeared meanwhile."""
    (user, login), (role, permissions, scope) = person, grant
    contact = {
        "title": user_wish.title,
        "office_phone": user_wish.office_phone,
        "cell_phone": user_wish.cell_phone,
    }
    membership = new_membership_item(
        account.account_id, user.user_id, "admin" if role == "admin" else "member", permissions, deps.now(),
        user=user, account_name=account.name, sub_accounts=scope, contact=contact,
    )  # fmt: skip
    target = Target("member", user.user_id, user.email)
    made = changed({}, {"via": "scim", "role": role, "permissions": permissions})
    event = record(deps, "member.provisioned", caller, account.account_id, target, made)

    def write(seats: SeatsRead) -> Outcome:
        made = (user, login) if login is not None else None
        return deps.store.scim_users.provision(membership, seats, event, scim_record, made)

    outcome = take_one(deps, caller, account, write)
    if "email_taken" in outcome.failed:
        return False
    if "already_member" in outcome.failed:
        raise ScimError(409, "This person is already a user of this account.", "uniqueness")
    settle(deps, account, user, outcome)
    return True
