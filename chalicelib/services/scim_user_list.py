"""SCIM's list of Users (issue 31) without reading every member: a filter on userName is the login's key
(one read of the email's login, one of the membership), one on externalId SCIM's records (one Query of
the account's SCIM-managed users, then the one membership); a page without a filter is read from the
account's member list in email order, only as far as the page (startIndex + count), its total the
account's member count. A filter on displayName alone has no index: every member is read and compared."""

from __future__ import annotations

from typing import Any, Final

from chalicelib.deps import Deps
from chalicelib.domain.caller import Caller
from chalicelib.domain.emails import normalize_email
from chalicelib.domain.scim_discovery import list_response, projected
from chalicelib.domain.scim_filter import matches, parse_filter
from chalicelib.domain.scim_users import resource
from chalicelib.schemas.members import Member, MemberListQuery
from chalicelib.services import members as member_cases
from chalicelib.services.scim_users import all_members, paging, view
from chalicelib.store.models import AccountItem

FILTERABLE: Final = ("userName", "externalId", "displayName")
PAGE: Final = 100  # the member list's page, as read to reach startIndex


def list_users(
    deps: Deps, caller: Caller, account: AccountItem, query: dict[str, str], base: str
) -> dict[str, Any]:
    start, count = paging(query)
    terms = parse_filter(query["filter"], FILTERABLE) if query.get("filter") else []
    if not terms:
        members = _page(deps, caller, account, start, count)
        users = _users(deps, account, members, base)
        return list_response([projected(user, query) for user in users], int(account.member_count), start)
    keyed = _by_key(deps, caller, account, terms)
    found = _users(deps, account, all_members(deps, caller, account) if keyed is None else keyed, base)
    users = [user for user in found if all(matches(user.get(name), value) for name, value in terms)]
    page = [projected(user, query) for user in users[start - 1 : start - 1 + count]]
    return list_response(page, len(users), start)


def _by_key(
    deps: Deps, caller: Caller, account: AccountItem, terms: list[tuple[str, object]]
) -> list[Member] | None:
    """The one member a userName or externalId term can name (none: []); None when no term is a key. The
    terms are all compared afterwards (list_users): this only narrows what is read."""
    named = {name: str(value) for name, value in terms}
    user_id: str | None = None
    if "userName" in named:
        login = deps.store.users.login_state(normalize_email(named["userName"]))[0]
        user_id = login.user_id if login is not None else None
    elif "externalId" in named:
        records = deps.store.scim_users.records_of(account.account_id).values()
        wanted = named["externalId"]
        user_id = next(
            (r.user_id for r in records if r.external_id == wanted and r.user_id[:4] == "usr_"), None
        )
    else:
        return None
    if user_id is None or deps.store.members.get_membership(account.account_id, user_id) is None:
        return []
    return [member_cases.get_member(deps, caller, account, user_id)]


def _page(deps: Deps, caller: Caller, account: AccountItem, start: int, count: int) -> list[Member]:
    """Members start to start + count - 1 (1-based) in email order, reading pages only up to them."""
    found: list[Member] = []
    cursor: str | None = None
    while len(found) < start - 1 + count:
        query = MemberListQuery(limit=PAGE, cursor=cursor)
        page = member_cases.list_members(deps, caller, account, query)
        found += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    return found[start - 1 : start - 1 + count]


def _users(deps: Deps, account: AccountItem, members: list[Member], base: str) -> list[dict[str, Any]]:
    if not members:
        return []
    records = deps.store.scim_users.records_of(account.account_id)  # one Query: every SCIM record
    return [resource(view(member, records.get(member.user_id)), base) for member in members]
