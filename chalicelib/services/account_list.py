"""A user's accounts as login, GET /me and GET /me/accounts list them: ACCOUNTS_PAGE at a time, by account
name (case-insensitive), then account id, whatever the number of accounts.

A page is one Query of the user's memberships in gsi1, whose keys carry the account's name
(keys_accounts.membership_gsi1), then the page's accounts (their names as they are now), sub-accounts and
groups by key in one BatchGetItem. After a rename the name shows at once and the account moves to its new
place once the copies job has rewritten its memberships' keys (within a minute or two, as docs/api.md
says).

A user with a membership stored before the keys carried names (store/backfill.py names them) is listed
the way every user was before: all of their memberships read and ordered here. The first page's Query
finds such a membership (it sorts before the named ones), and the cursor says which way its list is
paged, so every membership is listed either way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from chalicelib.deps import Deps
from chalicelib.domain.paging import decode_cursor, encode_cursor
from chalicelib.errors import validation_error
from chalicelib.schemas.sessions import ACCOUNTS_PAGE, AccountRef, account_refs, is_unlimited
from chalicelib.services.account_security import flag_mfa
from chalicelib.store import keys
from chalicelib.store.accounts import Named
from chalicelib.store.member_copies import Page
from chalicelib.store.models import (
    AccountItem,
    GroupItem,
    LoginItem,
    MembershipItem,
    SubAccountItem,
    UserItem,
)
from chalicelib.store.read_ahead import NOTHING_AHEAD, ReadAhead
from chalicelib.store.scope_hints import NO_SCOPE, Pair, ScopeHint

_INDEX, _ALL = "index", "all"  # how a cursor's list is paged: the index's order, or all read and ordered
# A login in this many accounts or fewer reads them by key: the user, 49 memberships and 49 accounts are 99
# keys, one BatchGetItem (and one round trip fewer than the index's Query and the names' BatchGetItem).
BY_KEY = 49
# A second step reads the page with its factor: its three keys and the login's leave room for 47 accounts.
BY_KEY_WITH_FACTOR = 47
# A login's page read already, and the accounts it was read for (store/member_copies.py `page_of`).
PageRead = tuple[set[str], Page]


@dataclass
class Listed:
    refs: list[AccountRef]
    cursor: str | None
    memberships: list[MembershipItem] = field(default_factory=list)  # the page's (login's group hints)
    user: UserItem | None = None  # read with the names when asked for
    scope: ScopeHint = NO_SCOPE  # the scope items a login's page needed (login_page's)


def listed(
    deps: Deps, user_id: str, cursor: str | None = None, *, with_user: bool = False, via: str | None = None
) -> Listed:
    """The page of the user's accounts after `cursor` (sealed for this user's list alone), and with
    `with_user` the user, read in the same BatchGetItem as the page's accounts. `via`: how the asking
    session started (each account says `mfa_required` when its policy would refuse it)."""
    way, after = _opened(deps, user_id, cursor)
    if way == _INDEX:
        page = deps.store.member_copies.accounts_page(user_id, after, ACCOUNTS_PAGE)
        if not page.unnamed:
            refs, user = account_refs_of(deps, page.memberships, user_id if with_user else None, via=via)
            refs = _in_key_order(refs, page.memberships)
            last = page.memberships[-1] if page.more else None
            at = (_INDEX, last.account_sort or "", last.account_id) if last else None
            following = _sealed(deps, user_id, at) if at else None
            return Listed(refs, following, page.memberships, user)
    return _all_read(deps, user_id, after, with_user, via)


def login_page(
    deps: Deps,
    login: LoginItem,
    via: str = "password",
    read: PageRead | None = None,
    ahead: ReadAhead | None = None,
) -> Listed:
    """Login's first page with its user. A login in at most BY_KEY accounts (as it lists them) reads them
    by key with the user in one BatchGetItem, strongly consistent, and orders them here: its whole list
    is one page. More: the first page by the index, and the user with its account names (`listed`).
    `read`: the page read already (with a second step's factor), used when read for the accounts the
    login lists now; `ahead`: scope items read with it (`refs_and_scope`)."""
    ids = login.account_ids or set()
    if not 0 < len(ids) <= BY_KEY:
        return listed(deps, login.user_id, with_user=True, via=via)
    if read is not None and read[0] == set(ids):
        user, memberships, accounts = read[1]
    else:
        user, memberships, accounts = deps.store.member_copies.user_and_accounts(login.user_id, ids)
    refs, _, scope = refs_and_scope(deps, memberships, accounts=accounts, via=via, ahead=ahead)
    return Listed(refs, None, memberships, user, scope)


def _all_read(
    deps: Deps, user_id: str, after: tuple[str, str] | None, with_user: bool, via: str | None
) -> Listed:
    """The user's list as it was before the keys were named: every membership, ordered here."""
    memberships = deps.store.member_copies.memberships_of_user(user_id)
    refs, user = account_refs_of(deps, memberships, user_id if with_user else None, via=via)
    ordered = [ref for ref in refs if after is None or _position(ref) > after]
    chosen = ordered[:ACCOUNTS_PAGE]
    last = chosen[-1] if len(ordered) > ACCOUNTS_PAGE else None
    following = _sealed(deps, user_id, (_ALL, *_position(last))) if last else None
    shown = {ref.account_id for ref in chosen}
    return Listed(chosen, following, [m for m in memberships if m.account_id in shown], user)


def _in_key_order(refs: list[AccountRef], memberships: list[MembershipItem]) -> list[AccountRef]:
    """The page in its keys' order: an account renamed since its keys were last written shows its new name
    in its old place (pages stay contiguous) until the copies job moves it."""
    by_id = {ref.account_id: ref for ref in refs}
    return [by_id[m.account_id] for m in memberships if m.account_id in by_id]


def _position(ref: AccountRef) -> tuple[str, str]:
    return ref.name.lower(), ref.account_id


def _scope(user_id: str) -> str:
    return f"me-accounts:{user_id}"


def _sealed(deps: Deps, user_id: str, key: tuple[str, str, str]) -> str:
    return encode_cursor(_scope(user_id), key, deps.settings.token_secret)


def _opened(deps: Deps, user_id: str, cursor: str | None) -> tuple[str, tuple[str, str] | None]:
    """Which way the list is paged and the last (name, account id) listed; a first page: the index's."""
    if not cursor:
        return _INDEX, None
    key = decode_cursor(cursor, _scope(user_id), deps.settings.token_secret)
    if len(key) == 2:  # sealed before the index ordered the list: (name, account id), all read
        return _ALL, (key[0], key[1])
    if len(key) != 3 or key[0] not in (_INDEX, _ALL):
        raise validation_error("cursor", "is not a cursor of this list and order")
    return key[0], (key[1], key[2])


def account_refs_of(
    deps: Deps,
    memberships: list[MembershipItem],
    user_id: str | None = None,
    accounts: dict[str, AccountItem] | None = None,
    via: str | None = None,
) -> tuple[list[AccountRef], UserItem | None]:
    """The accounts to choose from, named as their account items name them now (`accounts`, when read
    already), with the sub-accounts each reaches, as /authorize decides it: a custom group's member reaches
    the group's sub-accounts (none once the group is gone), anyone else their membership's. What is missing
    is read in one BatchGetItem (with the user `user_id`), and a group's list of sub-accounts, once known,
    in a second one. An account, group or sub-account deleted meanwhile is not found."""
    refs, user, _ = refs_and_scope(deps, memberships, user_id, accounts, via)
    return refs, user


def refs_and_scope(
    deps: Deps,
    memberships: list[MembershipItem],
    user_id: str | None = None,
    accounts: dict[str, AccountItem] | None = None,
    via: str | None = None,
    ahead: ReadAhead | None = None,
) -> tuple[list[AccountRef], UserItem | None, ScopeHint]:
    """account_refs_of, using the scope items read `ahead` (with a login's page: an item asked for and not
    found is gone) and reading only those it did not ask for; with the scope items needed (the next login
    reads them ahead). Which are needed, the memberships and groups read decide, never what was asked."""
    ahead = ahead or NOTHING_AHEAD
    active = [m for m in memberships if m.status == "active"]
    in_group = [m for m in active if m.group_id and m.role == "member"]
    own = [m for m in active if m not in in_group and not is_unlimited(m)]
    wanted = [(m.account_id, sid) for m in own for sid in m.sub_accounts or []]
    groups = [(m.account_id, m.group_id or "") for m in in_group]
    unnamed = [m.account_id for m in active] if accounts is None else []
    read = _missing(deps, ahead, unnamed, wanted, groups, user_id)
    known = {**(accounts or {}), **read.accounts}
    scopes: dict[str, list[str]] = {m.account_id: list(m.sub_accounts or []) for m in own}
    for m in in_group:
        pair = (m.account_id, m.group_id or "")
        group = read.groups.get(pair) or ahead.item(keys.group(*pair), GroupItem)
        if group is None or group.sub_accounts is not None:
            scopes[m.account_id] = list(group.sub_accounts or []) if group else []
    more = [(m.account_id, sid) for m in in_group for sid in scopes.get(m.account_id, [])]
    found = [
        *_sub_accounts(ahead, wanted + more),
        *read.sub_accounts,
        *_missing(deps, ahead, [], more).sub_accounts,
    ]
    reachable: dict[str, list[SubAccountItem]] = {account_id: [] for account_id in scopes}
    for item in found:
        if item.sub_account_id in scopes.get(item.account_id, []):
            reachable[item.account_id].append(item)
    names = {account_id: account.name for account_id, account in known.items()}
    refs = flag_mfa(account_refs(active, names, reachable), active, known, via, deps.now())
    return refs, read.user, ScopeHint(frozenset(wanted + more), frozenset(groups))


def _sub_accounts(ahead: ReadAhead, pairs: Sequence[Pair]) -> list[SubAccountItem]:
    """The sub-accounts among `pairs` that were read ahead and found."""
    items = (ahead.item(keys.sub_account(*pair), SubAccountItem) for pair in dict.fromkeys(pairs))
    return [item for item in items if item is not None]


def _missing(
    deps: Deps,
    ahead: ReadAhead,
    account_ids: list[str],
    sub_accounts: list[Pair],
    groups: Sequence[Pair] = (),
    user_id: str | None = None,
) -> Named:
    """What is wanted and was not asked for ahead, in one BatchGetItem (none when nothing is)."""
    subs = [key for key in (keys.sub_account(*pair) for pair in sub_accounts) if not ahead.knows(key)]
    unread = [key for key in (keys.group(*pair) for pair in groups) if not ahead.knows(key)]
    if not (account_ids or subs or unread or user_id):
        return Named({}, [], {})
    return deps.store.accounts.named(account_ids, subs, unread, user_id)
