"""Opening an invitation link: what accepting or looking it up reads with it (`invitation_context`), and the
one transaction that accepts it (`accept`). InvitationStore answers both."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pynamodb.expressions.condition import Condition

from chalicelib.domain.lockout import FailureWindow
from chalicelib.store import keys
from chalicelib.store.invitation_items import end_reminder_link, ended_link
from chalicelib.store.joining import joining, write_joining
from chalicelib.store.keys import Key
from chalicelib.store.lockouts import failure_window, listed_actions
from chalicelib.store.models import (
    AccountItem,
    AuditEventItem,
    GroupItem,
    InvitationItem,
    Item,
    LinkItem,
    LoginFailuresItem,
    LoginItem,
    MembershipItem,
    UserItem,
    fold,
)
from chalicelib.store.table import T, get_items
from chalicelib.store.tx import CONFLICT_TRIES, Outcome, Tx, holding

# Sends of an accept while it only meets other transactions: under bulk onboarding it must end in its own
# success (never a 404 for an invitation that is there), so it keeps trying past the store's usual budget.
ACCEPT_CONFLICT_TRIES = 3 * CONFLICT_TRIES


@dataclass(frozen=True)
class InvitationContext:
    """What opening an invitation link reads with it: the invitation, its account and custom group, the
    email's login and failed logins, and the user the link names as a hint (None unless that is the user
    the login names now)."""

    invitation: InvitationItem | None
    login: LoginItem | None
    account: AccountItem | None
    group: GroupItem | None
    failures: FailureWindow | None
    user: UserItem | None


def _context_keys(link: LinkItem) -> list[Key]:
    account_id, invitation_id = link.account_id or "", link.invitation_id or ""
    wanted = [
        keys.invitation(account_id, invitation_id),
        keys.login(link.email),
        keys.login_failures(link.email),
        keys.account(account_id),
        *keys.account_counts(account_id),
    ]
    if link.group_id:
        wanted.append(keys.group(account_id, link.group_id))
    if link.user_id:
        wanted.append(keys.user(link.user_id))
    return wanted


def invitation_context(link: LinkItem) -> InvitationContext:
    """What accepting or looking up a link needs, in one BatchGetItem: with the invitation's custom group,
    which its link names, and for accepting with a password the email's failed logins and the user the
    link names (a hint taken when it was sent: the login read here decides)."""
    account_id, invitation_id = link.account_id or "", link.invitation_id or ""
    found = get_items(_context_keys(link))

    def take(key: Key | None, kind: type[T]) -> T | None:
        item = found.get(key) if key is not None else None
        return item if isinstance(item, kind) else None

    login = take(keys.login(link.email), LoginItem)
    user = take(keys.user(link.user_id) if link.user_id else None, UserItem)
    account = take(keys.account(account_id), AccountItem)  # with its counter shards' deltas: `fold`
    return InvitationContext(
        invitation=take(keys.invitation(account_id, invitation_id), InvitationItem),
        login=login,
        account=account if account is None else fold(account, found.values()),
        group=take(keys.group(account_id, link.group_id) if link.group_id else None, GroupItem),
        failures=failure_window(found, link.email),
        user=user if user is not None and login is not None and user.user_id == login.user_id else None,
    )


def accept(
    invitation: InvitationItem,
    membership: MembershipItem,
    now: datetime,
    new_user: tuple[UserItem, LoginItem] | None,
    existing_user_id: str | None,
    event: AuditEventItem | None = None,
    writes: Sequence[Item] = (),
) -> Outcome:
    """Uses the invitation exactly once, leaving its link ended as "accepted" (`ended_link`; never over an
    ended one). Failure labels: "used" (accepted, revoked, resent or expired meanwhile), "already_member",
    "owner_taken", "email_taken" (a login was created meanwhile), "renamed" (the existing user changed
    their name since it was read, or is gone: read it again). Writes no item that accepts of other users
    into the account write too (the counts go on a shard, `write_joining`), except an owner's: it sets the
    account's owner."""
    tx = _used(Tx().record(event), invitation, now)
    for item in writes:  # the sign-in's session and its security event (services/sign_in.py)
        tx.put(item)
    write_joining(
        tx,
        joining(membership, invitation.email),
        claim_of=invitation.invitation_id,
        list_login=new_user is None and existing_user_id is not None,
        counts=[(invitation.group_id, "invitation_count", -1)],
    )
    if new_user is not None:
        user, login = new_user
        login.account_ids = {invitation.account_id}
        tx.put(login, condition=LoginItem.pk.does_not_exist(), label="email_taken")
        pointer = LoginFailuresItem(*keys.login_failures(login.email))  # login's one read finds the page
        tx.update(pointer, listed_actions(user.user_id, invitation.account_id))
        tx.put(user, condition=UserItem.pk.does_not_exist(), label="email_taken")
    elif existing_user_id is not None:
        # The membership copies the user's email and names: a rename committed since they were read
        # would find no membership to rewrite (the login did not list this account yet). write_joining lists
        # the account on the login. A right password leaves the email's window as it is: it reserved no
        # check there, and clearing it would let a burst of wrong ones at login start again from zero.
        last_login = [UserItem.last_login_at.set(now)]
        user_item = UserItem(*keys.user(existing_user_id))
        tx.update(user_item, last_login, condition=_copied_from(membership), label="renamed")
    return tx.commit(conflict_tries=ACCEPT_CONFLICT_TRIES)


def _used(tx: Tx, invitation: InvitationItem, now: datetime) -> Tx:
    """The invitation deleted while unexpired and as read, its link ended (its claim goes to the member with
    the membership: store/joining.py)."""
    unused = (InvitationItem.token_hash == invitation.token_hash) & (InvitationItem.expires_at > now)
    tx.delete(invitation, condition=unused, label="used")
    link = ended_link(invitation.token_hash, invitation, "accepted")
    tx.put(link, condition=LinkItem.ended.does_not_exist(), label="used")
    end_reminder_link(tx, invitation, "accepted")
    return tx


def _copied_from(membership: MembershipItem) -> Condition:
    """The user exists with the fields the membership copied from them, as they are now."""
    return holding(
        UserItem, {name: getattr(membership, name) for name in ("email", "first_name", "last_name")}
    )
