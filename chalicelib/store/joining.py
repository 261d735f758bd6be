"""A membership coming to exist, described once with everything written beside it: the email's claim (now
the member's, so the email cannot be invited again), one more on the account's and the group's member
counts, the account's owner when the role is owner, and the account listed on the login (so login finds it).

Accepting an invitation writes it (store/invitations.py `accept`, under its conditions), and so do the tests'
seeds (tests/helpers/seed.py on the table, the fast tier's fake in memory): a seeded member is what accepting
would have made, and a change here reaches all three."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pynamodb.expressions.update import Action

from chalicelib.store import keys
from chalicelib.store.groups import count_changes
from chalicelib.store.models import AccountItem, EmailClaimItem, MemberCountItem, MembershipItem
from chalicelib.store.seats import SeatsRead, take_seats
from chalicelib.store.tx import Tx
from chalicelib.store.users import list_account

MEMBER_COUNT = "member_count"


@dataclass(frozen=True)
class Joining:
    membership: MembershipItem
    claim: EmailClaimItem
    email: str

    @property
    def owner(self) -> str | None:
        """The user the account's owner becomes, when the membership is the owner's."""
        return self.membership.user_id if self.membership.role == "owner" else None

    @property
    def group_counts(self) -> list[tuple[str | None, str, int]]:
        return [(self.membership.group_id, MEMBER_COUNT, 1)]


def joining(membership: MembershipItem, email: str) -> Joining:
    # A deactivated member's claim says so: recipients read the claims alone (store/contacts.py).
    status = None if membership.status == "active" else membership.status
    claim = EmailClaimItem(
        *keys.email_claim(membership.account_id, email),
        email=email,
        holder="member",
        ref_id=membership.user_id,
        expires_at=None,
        member_status=status,
    )
    return Joining(membership, claim, email)


def write_joining(
    tx: Tx,
    join: Joining,
    *,
    claim_of: str | None,
    list_login: bool,
    counts: Iterable[tuple[str | None, str, int]] = (),
    seats: SeatsRead | None = None,
) -> Tx:
    """Adds the writes to `tx`. `claim_of`: the invitation whose claim this takes over (it must hold it still,
    else "used"); None for an email nobody claims. `list_login`: the login exists already (a new one is put
    with its account ids). `counts`: other changes to the same groups' counts (one update per group).

    An active membership counts among the account's active members. Its seat: an invitation's becomes the
    member's (accepting never touches `seats_held`, so it never fails for seats); a membership that no
    invitation held a seat for (`claim_of` None: a seeded member) takes one, unconditionally, or with
    `seats` (a join without an invitation) under the account's limit as read (store/seats.py take_seats,
    which makes the transaction's one write to the account). The counts go on the account item where it is
    written anyway (an owner, a seat taken), else on a counter shard."""
    account_id = join.membership.account_id
    claimed = EmailClaimItem.pk.does_not_exist() if claim_of is None else EmailClaimItem.ref_id == claim_of
    tx.put(join.claim, condition=claimed, label="used")
    tx.put(join.membership, condition=MembershipItem.pk.does_not_exist(), label="already_member")
    active = join.membership.status == "active"
    on: type[AccountItem | MemberCountItem] = (
        AccountItem if join.owner is not None or (claim_of is None and active) else MemberCountItem
    )
    actions: list[Action] = [on.member_count.add(1)]
    if active:
        actions.append(on.active_count.add(1))
    if on is MemberCountItem:
        # The account item stays out of the transaction: the many accepts of one account at once each add
        # to a shard (store/keys_accounts.py account_count), never to one item they would all conflict on.
        shard = MemberCountItem(*keys.account_count(account_id, join.membership.user_id))
        tx.update(shard, [*actions, MemberCountItem.entity.set(MemberCountItem)])
    else:
        _on_account(tx, join, claim_of, actions, seats)
    # An invitation's group counts go to the user's shard of the group, as the account's do (store/groups.py).
    by_invitation = claim_of is not None and join.owner is None
    shard_of = join.membership.user_id if by_invitation else None
    count_changes(tx, account_id, [*join.group_counts, *counts], shard_of=shard_of)
    if list_login:
        list_account(tx, join.email, join.membership.user_id, account_id)
    return tx


def _on_account(
    tx: Tx, join: Joining, claim_of: str | None, actions: list[Action], seats: SeatsRead | None = None
) -> None:
    """The counts on the account item itself, with the seat taken (no invitation held one: under `seats`
    when given) or the owner set (under the condition that the account has none yet)."""
    if seats is not None and join.owner is None and join.membership.status == "active":
        take_seats(tx, join.membership.account_id, seats, 1, also=actions)
        return
    if join.membership.status == "active" and claim_of is None:
        actions.append(AccountItem.seats_held.add(1))
    condition = AccountItem.pk.exists()
    if join.owner is not None:
        actions.append(AccountItem.owner_user_id.set(join.owner))
        condition &= AccountItem.owner_user_id.does_not_exist()
    account = AccountItem(*keys.account(join.membership.account_id))
    tx.update(account, actions, condition=condition, label="owner_taken")
