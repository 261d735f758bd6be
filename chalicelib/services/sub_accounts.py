"""Sub-accounts: parts of an account that members may be limited to; and the scopes that name them."""

from __future__ import annotations

from typing import Literal

from chalicelib.deps import Deps
from chalicelib.domain.audit import EventType, Target, changed
from chalicelib.domain.authorization import MAX_SUB_ACCOUNTS, reaches
from chalicelib.domain.caller import Caller
from chalicelib.domain.paging import as_sort_text, page
from chalicelib.errors import AppError, limit_reached, not_found
from chalicelib.ids import new_id
from chalicelib.msgids import N_
from chalicelib.schemas.common import ListQuery
from chalicelib.schemas.sub_accounts import SubAccount, SubAccountIn, SubAccountPage
from chalicelib.services.audit_record import record
from chalicelib.services.authentication import live_sub_accounts
from chalicelib.store import keys
from chalicelib.store.models import AccountItem, AuditEventItem, SubAccountItem
from chalicelib.store.sub_accounts import new_sub_account_item

NOT_HERE = "is not a sub-account of this account"


def checked_scope(scope: Literal["all"] | list[str], account: AccountItem) -> list[str] | None:
    """A scope to store (None: every sub-account). Each id must be a sub-account of this account; an id
    of another account's is answered exactly as one that never existed."""
    if scope == "all":
        return None
    live = live_sub_accounts(account)
    bad = [index for index, sub_account_id in enumerate(scope) if sub_account_id not in live]
    if bad:
        details = [{"field": f"sub_accounts.{index}", "message": NOT_HERE} for index in bad]
        raise AppError("validation_error", "The request is not valid.", details=details)
    return sorted(set(scope))


def list_sub_accounts(deps: Deps, caller: Caller, account: AccountItem, query: ListQuery) -> SubAccountPage:
    """Only what the caller reaches: every one for the operator, the owner and user_management holders."""
    scope = None if caller.manages_users() or caller.grant is None else caller.grant.sub_accounts
    found = deps.store.sub_accounts.sub_accounts_of(account.account_id)
    visible = [s for s in found if reaches(scope, s.sub_account_id)]
    items, cursor = page(
        visible,
        lambda s: (as_sort_text(s.name), s.sub_account_id),
        limit=query.limit,
        cursor=query.cursor,
        scope=f"sub-accounts:{account.account_id}:{scope}",
        secret=deps.settings.token_secret,
    )
    return SubAccountPage(items=[SubAccount.of(s) for s in items], next_cursor=cursor)


def _recorded(
    deps: Deps, kind: EventType, caller: Caller, sub_account: SubAccountItem, old: str | None, new: str | None
) -> AuditEventItem:
    target = Target("sub_account", sub_account.sub_account_id)
    return record(deps, kind, caller, sub_account.account_id, target, changed({"name": old}, {"name": new}))


def create_sub_account(deps: Deps, caller: Caller, account: AccountItem, body: SubAccountIn) -> SubAccount:
    sub_account = new_sub_account_item(account.account_id, new_id("sub"), body.name, deps.now())
    event = _recorded(deps, "sub_account.created", caller, sub_account, None, body.name)
    outcome = deps.store.sub_accounts.create(sub_account, event)
    if not outcome:
        raise limit_reached(N_("An account has at most $max sub-accounts."), max=str(MAX_SUB_ACCOUNTS))
    return SubAccount.of(sub_account)


def _find(deps: Deps, account: AccountItem, sub_account_id: str) -> SubAccountItem:
    valid = keys.is_valid_id(sub_account_id)
    found = deps.store.sub_accounts.get_sub_account(account.account_id, sub_account_id) if valid else None
    if found is None:
        raise not_found("sub-account")
    return found


def rename_sub_account(
    deps: Deps, caller: Caller, account: AccountItem, sub_account_id: str, body: SubAccountIn
) -> SubAccount:
    sub_account = _find(deps, account, sub_account_id)
    if body.name == sub_account.name:  # renamed to its own name: nothing to write or record
        return SubAccount.of(sub_account)
    event = _recorded(deps, "sub_account.updated", caller, sub_account, sub_account.name, body.name)
    if not deps.store.sub_accounts.rename(sub_account, body.name, event):
        raise not_found("sub-account")
    return SubAccount.of(sub_account)


def delete_sub_account(deps: Deps, caller: Caller, account: AccountItem, sub_account_id: str) -> None:
    """Every scope that named it stops reaching it at once; a scope left with none reaches none."""
    sub_account = _find(deps, account, sub_account_id)
    event = _recorded(deps, "sub_account.deleted", caller, sub_account, sub_account.name, None)
    if not deps.store.sub_accounts.delete(sub_account, event):
        raise not_found("sub-account")
