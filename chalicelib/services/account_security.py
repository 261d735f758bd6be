"""Each account's security: its second-factor policy (GET/PUT .../security) and an admin's "sign this user
out of our account" (POST .../members/{user_id}/sign-out). Their rules are domain/security_policy.py's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.audit import Target, changed
from chalicelib.domain.security_policy import changed as changed_policy
from chalicelib.domain.security_policy import mfa_refuses
from chalicelib.errors import AppError, not_found
from chalicelib.schemas.security import SecurityPolicyIn, SecurityPolicyOut
from chalicelib.services.audit_record import record
from chalicelib.services.authentication import policy_of
from chalicelib.services.groups import check_manager_reach, managed_group
from chalicelib.store import keys

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.deps import Deps
    from chalicelib.domain.caller import Caller
    from chalicelib.schemas.sessions import AccountRef
    from chalicelib.store.models import AccountItem, MembershipItem


def flag_mfa(
    refs: list[AccountRef],
    memberships: list[MembershipItem],
    accounts: dict[str, AccountItem],
    via: str | None,
    now: datetime,
) -> list[AccountRef]:
    """The login's and /me's list of accounts, each saying `mfa_required: true` exactly when its routes
    would refuse this session for want of a second factor (from the accounts already read for their
    names: no read of its own)."""
    by_account = {m.account_id: m for m in memberships}
    for ref in refs:
        membership = by_account.get(ref.account_id)
        policy = policy_of(accounts.get(ref.account_id))
        joined = membership.joined_at if membership is not None else None
        support = via == "support"
        ref.mfa_required = mfa_refuses(policy, ref.role, joined, via, now, support=support)
    return refs


def get_policy(account: AccountItem) -> SecurityPolicyOut:
    return SecurityPolicyOut.of(policy_of(account))


def put_policy(deps: Deps, caller: Caller, account: AccountItem, body: SecurityPolicyIn) -> SecurityPolicyOut:
    """A new level counts its grace from now; the same level with other grace days keeps its start. A PUT
    that changes nothing writes nothing and records nothing."""
    current = policy_of(account)
    wanted = changed_policy(current, body.mfa_required, body.grace_days, deps.now())
    if wanted == current:
        return SecurityPolicyOut.of(current)
    before = {"mfa_required": current.level, "grace_days": current.grace_days}
    after = {"mfa_required": wanted.level, "grace_days": wanted.grace_days}
    target = Target("account", account.account_id)
    event = record(
        deps, "account.security_updated", caller, account.account_id, target, changed(before, after)
    )
    stored = (wanted.level, wanted.grace_days, wanted.level_changed_at)
    if not deps.store.accounts.set_security(account, stored, event):
        raise not_found("account")
    return SecurityPolicyOut.of(wanted)


def sign_out_member(deps: Deps, caller: Caller, account: AccountItem, user_id: str) -> None:
    """The user's tokens issued up to now stop working at this account (401 there), their other accounts
    untouched. A group manager: their group's members who are not managers. The owner: only by themselves
    or the operator (409 otherwise)."""
    membership, user = (
        deps.store.members.member(account.account_id, user_id) if keys.is_valid_id(user_id) else (None, None)
    )
    if membership is None or user is None:
        raise not_found("member")
    if user_id != caller.user_id:
        check_manager_reach(caller, membership, writes=True, what="member")
    owner = membership.role == "owner"
    if owner and not (caller.is_operator or user_id == caller.user_id):
        raise AppError("owner_immutable", "Only the owner, or the operator, can sign the owner out.")
    target = Target("member", user_id, user.email)
    event = record(deps, "member.signed_out", caller, account.account_id, target)
    outcome = deps.store.members.update_member(
        membership, managed_group(caller), guard_owner=not owner, event=event, signed_out_at=deps.now()
    )
    if not outcome:  # removed, moved out of the manager's group, or made the owner meanwhile
        raise not_found("member")
