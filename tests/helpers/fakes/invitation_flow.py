"""What happens to an invitation after it is written, in memory: listed, opened (its context), accepted,
resent, and purged once expired, under the conditions store/invitations.py and store/invitation_accept.py
write with (the same labels). FakeInvitations (tests/helpers/fakes/invitations.py) answers with these."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

from chalicelib.domain.outbox import Window
from chalicelib.store import keys
from chalicelib.store.groups import GROUP_GONE
from chalicelib.store.invitation_items import set_expiry_keys
from chalicelib.store.invitations import PURGED_PER_TRANSACTION, InvitationContext, ended_link
from chalicelib.store.joining import joining
from chalicelib.store.models import (
    AccountItem,
    AuditEventItem,
    EmailClaimItem,
    GroupItem,
    InvitationItem,
    Item,
    LinkItem,
    LoginItem,
    MailItem,
    MembershipItem,
    UserItem,
    format_time,
)
from chalicelib.store.outbox import limit_label
from chalicelib.store.outcomes import Failure
from chalicelib.store.seats import SEATS, SeatsRead
from chalicelib.store.tx import DEFAULT_LABEL, Outcome
from tests.helpers.fakes.lockouts import failure_window
from tests.helpers.fakes.seats import free, seats_hold, take
from tests.helpers.fakes.table import Table, key_of


def listed(
    t: Table,
    account_id: str,
    group_id: str | None,
    pending: bool,
    now: datetime,
    limit: int,
    after: str | None,
) -> tuple[list[InvitationItem], str | None]:
    """gsi3 (gsi4 for a group): latest expiry first, strictly between the bound and the cursor."""
    partition = keys.invitations_index_partition(account_id, group_id)
    bound = keys.invitation_index_bound(format_time(now))
    upper = after if after is not None else (None if pending else bound)
    lower = bound if pending else None

    rows: list[tuple[str, InvitationItem]] = []
    for i in t.of(InvitationItem):
        pk, sk = (i.gsi4pk, i.gsi4sk) if group_id else (i.gsi3pk, i.gsi3sk)
        if pk == partition and sk and (lower is None or sk > lower) and (upper is None or sk < upper):
            rows.append((sk, i))
    rows.sort(key=lambda r: r[0], reverse=True)
    page = [copy.deepcopy(i) for _, i in rows[:limit]]
    return page, rows[limit - 1][0] if len(rows) > limit and page else None


def invitation_context(t: Table, link: LinkItem) -> InvitationContext:
    account_id, invitation_id = link.account_id or "", link.invitation_id or ""
    login = t.get(keys.login(link.email), LoginItem)
    user = t.get(keys.user(link.user_id), UserItem) if link.user_id else None
    return copy.deepcopy(
        InvitationContext(
            invitation=t.get(keys.invitation(account_id, invitation_id), InvitationItem),
            login=login,
            account=t.get(keys.account(account_id), AccountItem),
            group=t.get(keys.group(account_id, link.group_id), GroupItem) if link.group_id else None,
            failures=failure_window(t, link.email),
            user=user if user is not None and login is not None and user.user_id == login.user_id else None,
        )
    )


def _accept_fails(
    t: Table,
    invitation: InvitationItem,
    membership: MembershipItem,
    now: datetime,
    new_user: tuple[UserItem, LoginItem] | None,
    existing_user_id: str | None,
) -> set[Failure]:
    """store/invitation_accept.py accept's conditions: every label that fails."""
    stored = t.get(key_of(invitation), InvitationItem)
    link = t.get(keys.link(invitation.token_hash), LinkItem)
    claim = t.get(keys.email_claim(invitation.account_id, invitation.email), EmailClaimItem)
    account = t.get(keys.account(invitation.account_id), AccountItem)
    labels: set[Failure] = set()
    if stored is None or stored.token_hash != invitation.token_hash or not stored.expires_at > now:
        labels.add("used")
    if (
        (link is not None and link.ended is not None)
        or claim is None
        or claim.ref_id != invitation.invitation_id
    ):
        labels.add("used")
    if t.get(key_of(membership), MembershipItem) is not None:
        labels.add("already_member")
    if account is None or (membership.role == "owner" and account.owner_user_id is not None):
        labels.add("owner_taken")
    if not t.add_to_groups(invitation.account_id, _group_counts(invitation, membership), check=True):
        labels.add(GROUP_GONE)
    if new_user is not None:
        user, login = new_user
        if t.get(key_of(login), LoginItem) is not None or t.get(key_of(user), UserItem) is not None:
            labels.add("email_taken")
    elif existing_user_id is not None:
        if t.login_of(invitation.email, existing_user_id) is None:
            labels.add(DEFAULT_LABEL)  # listing the account on the login: only on this user's login
        existing = t.get(keys.user(existing_user_id), UserItem)
        copied = ("email", "first_name", "last_name")
        if existing is None or any(getattr(existing, n) != getattr(membership, n) for n in copied):
            labels.add("renamed")
    return labels


def _group_counts(
    invitation: InvitationItem, membership: MembershipItem
) -> list[tuple[str | None, str, int]]:
    return [(membership.group_id, "member_count", 1), (invitation.group_id, "invitation_count", -1)]


def accept(
    t: Table,
    invitation: InvitationItem,
    membership: MembershipItem,
    now: datetime,
    new_user: tuple[UserItem, LoginItem] | None,
    existing_user_id: str | None,
    event: AuditEventItem | None,
    writes: Sequence[Item] = (),
) -> Outcome:
    labels = _accept_fails(t, invitation, membership, now, new_user, existing_user_id)
    if labels:
        return Outcome(frozenset(labels))
    for item in writes:
        t.put(copy.deepcopy(item))
    join = joining(membership, invitation.email)
    account = t.get(keys.account(invitation.account_id), AccountItem)
    assert account is not None
    t.delete(key_of(invitation))
    t.put(ended_link(invitation.token_hash, invitation, "accepted"))
    if invitation.reminder_token_hash:
        t.put(ended_link(invitation.reminder_token_hash, invitation, "accepted"))
    t.put(copy.deepcopy(join.claim))
    t.put(copy.deepcopy(membership))
    account.member_count = int(account.member_count) + 1
    if membership.status == "active":  # the invitation's seat becomes the member's: seats_held stays
        account.active_count = int(account.active_count or 0) + 1
    if join.owner is not None:
        account.owner_user_id = join.owner
    t.add_to_groups(invitation.account_id, _group_counts(invitation, membership))
    if new_user is not None:
        user, login = copy.deepcopy(new_user)
        login.account_ids = new_user[1].account_ids = {invitation.account_id}
        t.put(login)
        t.put(user)
    elif existing_user_id is not None:
        login_item = t.login_of(invitation.email, existing_user_id)
        user_item = t.get(keys.user(existing_user_id), UserItem)
        assert login_item is not None and user_item is not None
        t.list_account(login_item, invitation.account_id)
        user_item.last_login_at = now
    return t.record(event)


def resend(
    t: Table,
    invitation: InvitationItem,
    old_hash: str,
    links: tuple[LinkItem, LinkItem],
    not_sent_since: datetime,
    event: AuditEventItem | None,
    mail: MailItem | None,
    windows: tuple[Window, ...],
    reminder_link: LinkItem | None = None,
    seats: SeatsRead | None = None,
) -> Outcome:
    """Fails (the default label) if it was resent, revoked, accepted or released meanwhile; a full window
    of the address fails with its limit_label; with `seats`, it takes a seat again (SEATS)."""
    replaced, new_link = links
    set_expiry_keys(invitation)  # on the item given, as the real one
    stored = t.get(key_of(invitation), InvitationItem)
    claim = t.get(keys.email_claim(invitation.account_id, invitation.email), EmailClaimItem)
    labels = _resent_fails(t, stored, old_hash, not_sent_since, seats, invitation.account_id)
    if t.get(key_of(new_link), LinkItem) is not None or claim is None:
        labels.add(DEFAULT_LABEL)
    if claim is not None and claim.ref_id != invitation.invitation_id:
        labels.add(DEFAULT_LABEL)
    if mail is not None and t.get(key_of(mail), MailItem) is not None:
        labels.add(DEFAULT_LABEL)
    if mail is not None:
        labels |= {
            limit_label(w, invitation.email) for w in windows if not t.counts_room(invitation.email, w)
        }
    if labels:
        return Outcome(frozenset(labels))
    assert claim is not None
    if seats is not None:
        invitation.holds_seat = True
        take(t, invitation.account_id, seats, 1)
    for item in (invitation, replaced, new_link, mail, reminder_link):
        if item is not None:
            t.put(copy.deepcopy(item))
    claim.expires_at = invitation.expires_at
    for window in windows if mail is not None else ():
        t.count(invitation.email, window)
    return t.record(event)


def _resent_fails(
    t: Table,
    stored: InvitationItem | None,
    old_hash: str,
    not_sent_since: datetime,
    seats: SeatsRead | None,
    account_id: str,
) -> set[Failure]:
    """store/invitations.py `_resent`'s conditions: as read (its link, its last send, its seat) and, with
    `seats`, the seat it takes again (SEATS)."""
    labels: set[Failure] = set()
    if stored is None or stored.token_hash != old_hash or not stored.last_sent_at <= not_sent_since:
        labels.add(DEFAULT_LABEL)
    if stored is not None and bool(stored.holds_seat) == (seats is not None):
        labels.add(DEFAULT_LABEL)
    if seats is not None and not seats_hold(t, account_id, seats, 1):
        labels.add(SEATS)
    return labels


def expired_pages(t: Table, now: datetime, size: int) -> Iterator[list[InvitationItem]]:
    """Each expiry shard of gsi2 in turn, in its sort-key order, up to `now`."""
    bound = keys.expiry_upper_bound(format_time(now))
    page: list[InvitationItem] = []
    for partition in keys.expiry_partitions():
        shard = [i for i in t.of(InvitationItem) if i.gsi2pk == partition and (i.gsi2sk or "") <= bound]
        for item in sorted(shard, key=lambda i: i.gsi2sk or ""):
            page.append(copy.deepcopy(item))
            if len(page) == size:
                yield page
                page = []
    if page:
        yield page


def _delete_chunk(
    t: Table,
    chunk: list[InvitationItem],
    now: datetime,
    event_of: Callable[[InvitationItem], AuditEventItem] | None,
) -> bool:
    for inv in chunk:
        stored = t.get(key_of(inv), InvitationItem)
        claim = t.get(keys.email_claim(inv.account_id, inv.email), EmailClaimItem)
        if stored is None or stored.expires_at > now or claim is None or claim.ref_id != inv.invitation_id:
            return False
        if bool(stored.holds_seat) != bool(inv.holds_seat):  # as read by key (store/invitation_writes.py)
            inv.holds_seat = stored.holds_seat
    counts = [(i.account_id, i.group_id) for i in chunk]
    if not all(t.add_to_groups(a, [(g, "invitation_count", -1)], check=True) for a, g in counts):
        return False
    for inv in chunk:
        t.delete(key_of(inv))
        t.delete(keys.link(inv.token_hash))
        t.delete(keys.email_claim(inv.account_id, inv.email))
        t.add_to_groups(inv.account_id, [(inv.group_id, "invitation_count", -1)])
        free(t, inv.account_id, 1 if inv.holds_seat else 0)
        t.record(event_of(inv) if event_of else None)
    return True


def delete_expired(
    t: Table,
    invitations: list[InvitationItem],
    now: datetime,
    event_of: Callable[[InvitationItem], AuditEventItem] | None,
) -> int:
    """20 to a transaction; a chunk one invitation cancels is retried one at a time."""
    deleted = 0
    for start in range(0, len(invitations), PURGED_PER_TRANSACTION):
        chunk = invitations[start : start + PURGED_PER_TRANSACTION]
        if _delete_chunk(t, chunk, now, event_of):
            deleted += len(chunk)
        elif len(chunk) > 1:
            deleted += sum(_delete_chunk(t, [one], now, event_of) for one in chunk)
    return deleted
