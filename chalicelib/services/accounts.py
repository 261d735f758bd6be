"""Accounts: read, renamed, handed to a new owner. Creating one (with its owner's invitation) and inviting an
owner for an account left without one are in services/owner_invitations.py, so that a read of an account
does not load the invitation machinery on a cold start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.deps import Deps
from chalicelib.domain.caller import Caller
from chalicelib.domain.locales import as_locale
from chalicelib.errors import AppError, changed_meanwhile, not_found
from chalicelib.schemas.accounts import Account
from chalicelib.services.brands import brand_of_account
from chalicelib.services.seats import show
from chalicelib.store import keys
from chalicelib.store.models import AccountItem, MembershipItem

if TYPE_CHECKING:
    from chalicelib.domain.audit import Target

# The audit vocabulary and its recorder (domain/audit.py, services/audit_record.py, store/audit.py) are
# imported by the changes below, not here: a cold read of an account paid about 5 ms of CPU for them.


def account_target(account: AccountItem) -> Target:
    from chalicelib.domain.audit import Target

    return Target("account", account.account_id)


def get_account(deps: Deps, account: AccountItem) -> Account:
    return show(deps, account)


def rename_account(deps: Deps, caller: Caller, account: AccountItem, name: str) -> Account:
    """One conditional write with its event: every list reads the name from the account, so it shows
    everywhere at once; the members' account lists reorder by the copies job's next run
    (store/account_names.py)."""
    return update_account(deps, caller, account, {"name": name})


def update_account(
    deps: Deps,
    caller: Caller,
    account: AccountItem,
    changes: dict[str, object],
    brand: tuple[bool, str | None] = (False, None),
) -> Account:
    """PATCH /accounts: the settings named (name, invitation_reminders, invite_domains, default_locale) in
    one write, recorded as account.updated with what changed (nothing changed: no event, as a rename to the
    same name).
    `invite_domains` is the owner's or the operator's, `brand` (whether the body named `brand_id`, and its
    value) the operator's: anyone else is refused before anything is written."""
    brand_named, brand_id = brand
    if "invite_domains" in changes and not (caller.is_owner or caller.is_operator):
        raise AppError("forbidden", "Only the account owner can choose which domains may be invited.")
    if brand_named:
        from chalicelib.services.brands import set_account_brand  # a write's: not loaded by a cold read

        set_account_brand(deps, caller, account, brand_id)
    before = {
        "name": account.name,
        "invitation_reminders": account.invitation_reminders is not False,
        "invite_domains": account.invite_domains or "any",
        "default_locale": as_locale(account.default_locale),
    }
    from chalicelib.domain.audit import changed
    from chalicelib.services.audit_record import record

    moved = changed({k: before[k] for k in changes}, changes)
    if not changes:
        return Account.of(account, brand_of_account(deps, account))
    event = record(deps, "account.updated", caller, account.account_id, account_target(account), moved)
    if not deps.store.accounts.update_account(account, changes, event if moved else None, deps.now()):
        raise not_found("account")
    return show(deps, account)


def transfer_ownership(
    deps: Deps, caller: Caller, account: AccountItem, new_owner_id: str, own: MembershipItem | None = None
) -> Account:
    """The target must be an active member; the old owner stays on as admin. An account without an owner
    (its owner invitation revoked or lapsed) is given to the member by the operator, the only caller who
    reaches it (issue 25, item 2). Authorizing read the account and (the owner calling) the owner's
    membership (`own`): only what is not in hand is read, in one BatchGetItem; the transaction's conditions
    catch anything that changed since."""
    if not keys.is_valid_id(new_owner_id):
        raise not_found("member")
    if new_owner_id == account.owner_user_id:
        return Account.of(account, brand_of_account(deps, account))
    owner_id = account.owner_user_id or ""
    known = {own.user_id: own} if own is not None and caller.is_owner and own.user_id == owner_id else {}
    wanted = [uid for uid in (new_owner_id, owner_id) if uid and uid not in known]
    memberships = known | deps.store.accounts.memberships(account.account_id, wanted)
    target, current = memberships.get(new_owner_id), memberships.get(owner_id)
    if target is None:
        raise not_found("member")
    if target.status != "active":
        raise AppError(
            "member_deactivated", "A deactivated member cannot become the owner; reactivate them first."
        )
    from chalicelib.domain.audit import changed
    from chalicelib.services.audit_record import record

    moved = changed({"owner_user_id": account.owner_user_id}, {"owner_user_id": new_owner_id})
    event = record(
        deps, "account.ownership_transferred", caller, account.account_id, account_target(account), moved
    )
    if current is None and owner_id:  # the owner named is not a member: the account changed meanwhile
        raise changed_meanwhile("The account's owner or the target member changed meanwhile; try again.")
    if not deps.store.accounts.transfer_ownership(account, current, target, event):
        raise changed_meanwhile("The account's owner or the target member changed meanwhile; try again.")
    # The item authorization read is left as read (a concurrent transfer may hold the same one).
    return show(deps, account).model_copy(update={"owner_user_id": new_owner_id})
