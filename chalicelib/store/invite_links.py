"""Invite links (issue 29): made under the account's cap of 10 live ones, found by their token's hash,
revoked, and used. Each use is one transaction: the link's `uses` ADD under `uses < max_uses` (and not
revoked, not expired), the link's hour count under its cap of 10, and what the use makes (a member with
their seat, or a join request), so neither cap is passed by any number of joins at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final, Literal, cast

from chalicelib.domain.outbox import Window
from chalicelib.store import keys
from chalicelib.store.counts import add_within
from chalicelib.store.invitation_items import NewInvitation, add_invitation, count_invitations
from chalicelib.store.join_requests import JoinRequestStore, join_writes
from chalicelib.store.models import (
    AuditEventItem,
    CounterItem,
    InvitationItem,
    InviteLinkItem,
    InviteLinkRosterItem,
    InviteTokenItem,
    JoinRequestItem,
    MailItem,
    MembershipItem,
)
from chalicelib.store.outbox import count_account_invitations, count_email_to, queue
from chalicelib.store.seats import SeatsRead, take_seats
from chalicelib.store.table import get_item, get_items
from chalicelib.store.tx import Outcome, Tx

if TYPE_CHECKING:
    from pynamodb.expressions.condition import Condition

MAX_LIVE_LINKS: Final = 10
HOURLY_USES: Final = 10  # uses and emails of one link in an hour
GIVE_BACK: Final[Literal["give_back"]] = (
    "give_back"  # a link that was to get a use back was revoked (or changed) meanwhile
)


def is_live(link: InviteLinkItem, now: datetime) -> bool:
    return is_open(link, now) and int(link.uses) < int(link.max_uses)


def is_open(link: InviteLinkItem, now: datetime) -> bool:
    """Neither revoked nor expired (used up or not): what the worker needs of a link whose use the
    request already took."""
    return link.revoked_at is None and link.expires_at > now


def _hour_count(tx: Tx, link: InviteLinkItem, now: datetime) -> None:
    hour = now.strftime("%Y-%m-%dT%H")
    counter = CounterItem(*keys.invite_link_hour(link.invite_link_id, hour))
    ends = now + timedelta(hours=2)  # the hour is over: the count goes
    add_within(tx, counter, CounterItem.total, 1, HOURLY_USES, "full", also=[CounterItem.ttl.set(ends)])


def _usable(link: InviteLinkItem, now: datetime) -> Condition:
    """Not revoked, not expired, not used up: each use's and each request's condition."""
    return cast("Condition", _open(now) & (InviteLinkItem.uses < int(link.max_uses)))


def _open(now: datetime) -> Condition:
    """Not revoked, not expired: the worker's condition for what a no-login request's use makes."""
    unrevoked: Condition = InviteLinkItem.revoked_at.does_not_exist() & (InviteLinkItem.expires_at > now)
    exists: Condition = InviteLinkItem.pk.exists()
    return cast("Condition", exists & unrevoked)  # PynamoDB's `&` is unannotated


class InviteLinkStore:
    def links_of(self, account_id: str) -> list[InviteLinkItem]:
        pk, prefix = keys.invite_links_of(account_id)
        found = InviteLinkItem.query(pk, InviteLinkItem.sk.startswith(prefix), consistent_read=True)
        return [item for item in found if isinstance(item, InviteLinkItem)]

    def get_link(self, account_id: str, link_id: str) -> InviteLinkItem | None:
        return get_item(InviteLinkItem, keys.invite_link(account_id, link_id))

    def by_token(self, token_hash: str) -> InviteLinkItem | None:
        """The link a token opens: the pointer, then the link (two GetItems)."""
        pointer = get_item(InviteTokenItem, keys.invite_token(token_hash))
        if pointer is None:
            return None
        link = self.get_link(pointer.account_id, pointer.invite_link_id)
        return link if link is not None and link.token_hash == token_hash else None

    def create(self, link: InviteLinkItem, now: datetime, event: AuditEventItem) -> Outcome:
        """Fails "full" with 10 live links, "changed" when another create rewrote the roster meanwhile."""
        roster = get_item(InviteLinkRosterItem, keys.invite_link_roster(link.account_id))
        version = int(roster.version) if roster is not None else 0
        listed = list(roster.live or []) if roster is not None else []
        found = get_items([keys.invite_link(link.account_id, one) for one in listed])
        live = [
            item.invite_link_id
            for item in found.values()
            if isinstance(item, InviteLinkItem) and is_live(item, now)
        ]
        if len(live) >= MAX_LIVE_LINKS:
            return Outcome(frozenset({"full"}))
        same = InviteLinkRosterItem.version == version if roster is not None else None
        unchanged = InviteLinkRosterItem.pk.does_not_exist() if same is None else same
        updated = InviteLinkRosterItem(
            *keys.invite_link_roster(link.account_id), live=[*live, link.invite_link_id], version=version + 1
        )
        tx = Tx().record(event).put(updated, condition=unchanged, label="changed")
        tx.put(link, condition=InviteLinkItem.pk.does_not_exist(), label="exists")
        pointer = InviteTokenItem(
            *keys.invite_token(link.token_hash),
            account_id=link.account_id,
            invite_link_id=link.invite_link_id,
        )
        tx.put(pointer, condition=InviteTokenItem.pk.does_not_exist(), label="exists")
        return tx.commit()

    def revoke(self, link: InviteLinkItem, now: datetime, event: AuditEventItem) -> Outcome:
        unrevoked = InviteLinkItem.pk.exists() & InviteLinkItem.revoked_at.does_not_exist()
        tx = Tx().record(event)
        tx.update(link, [InviteLinkItem.revoked_at.set(now)], condition=unrevoked, label="gone")
        return tx.commit()

    def use(
        self,
        link: InviteLinkItem,
        membership: MembershipItem,
        seats: SeatsRead,
        now: datetime,
        events: Sequence[AuditEventItem],
    ) -> Outcome:
        """A confirmed join through the link: one use ("used" when used up, revoked or expired meanwhile),
        one of the hour's ("full"), the member with their seat (SEATS, "already_member")."""
        tx = _recorded(events)
        tx.update(link, [InviteLinkItem.uses.add(1)], condition=_usable(link, now), label="used")
        _hour_count(tx, link, now)
        join_writes(tx, membership, seats)
        return tx.commit()

    def request(
        self, link: InviteLinkItem, request: JoinRequestItem, now: datetime, event: AuditEventItem
    ) -> Outcome:
        """A join request through the link (it requires approval): counted in the hour's ("full"), while
        the link is usable ("used"), asked once ("exists", as JoinRequestStore.create_request)."""
        tx = JoinRequestStore.request_writes(request, now, event)
        tx.check(link, _usable(link, now), label="used")
        _hour_count(tx, link, now)
        return tx.commit()

    def queue_email(
        self,
        link: InviteLinkItem,
        mail: MailItem,
        counted_as: str,
        window: Window,
        now: datetime,
        asked: tuple[JoinRequestItem, AuditEventItem] | None = None,
    ) -> Outcome:
        """A no-login use, one transaction whatever the address: one use of the link under `uses <
        max_uses` ("used"), its email (`link_join`, sorted out by the worker) counted on the window of
        `counted_as`, the mailbox it reaches (its limit label), in the link's hour ("full"). With `asked`
        (a link that requires approval), the request under the address is made in it too ("exists" as
        JoinRequestStore.create_request). The use is taken for every address, a member's and an invited
        one's too: were only new addresses to take one, whoever drains a link to its last use could tell
        from it whether an address belongs to the account."""
        tx = JoinRequestStore.request_writes(asked[0], now, asked[1]) if asked else Tx()
        queue(tx, mail)
        count_email_to(tx, counted_as, [window])
        tx.update(link, [InviteLinkItem.uses.add(1)], condition=_usable(link, now), label="used")
        _hour_count(tx, link, now)
        return tx.commit()

    def invite(
        self,
        link: InviteLinkItem,
        entry: NewInvitation,
        now: datetime,
        seats: SeatsRead,
        day: Window,
        event: AuditEventItem,
    ) -> Outcome:
        """A personal invitation made from the link by the worker, on the use its request took, while the
        link is neither revoked nor expired ("used"): the invitation with its claim ("claimed", as any
        invitation) and its seat (SEATS), counted in the account's day (ACCOUNT_LIMIT) and its group's
        count, in one transaction."""
        tx = Tx().record(event)
        tx.check(link, _open(now), label="used")
        add_invitation(tx, entry, now)
        count_invitations(tx, [entry], +1)
        count_account_invitations(tx, link.account_id, day, 1)
        take_seats(tx, link.account_id, seats, 1, expires=entry.invitation.expires_at)
        return tx.commit()

    def email_request(
        self, link: InviteLinkItem, request: JoinRequestItem, now: datetime, event: AuditEventItem
    ) -> Outcome:
        """A join request made by email through a link that requires approval, by the worker on the use
        its request took, while the link is neither revoked nor expired ("used"): the request with its
        requester's pointer ("exists", as JoinRequestStore.create_request)."""
        tx = JoinRequestStore.request_writes(request, now, event)
        tx.check(link, _open(now), label="used")
        return tx.commit()


def taking_back(invitations: Sequence[InvitationItem]) -> dict[str, InviteLinkItem]:
    """The links that get a use back when these invitations end unaccepted (revoked or purged): those
    they were made from by the no-login path, read in one BatchGetItem (none when no invitation was made
    from a link), and only the ones not revoked: a revoked link stays as it was when it stopped."""
    wanted = {(i.account_id, i.invite_link_id) for i in invitations if i.invite_link_id}
    if not wanted:
        return {}
    found = get_items([keys.invite_link(account_id, link_id) for account_id, link_id in wanted])
    links = [item for item in found.values() if isinstance(item, InviteLinkItem)]
    return {link.invite_link_id: link for link in links if link.revoked_at is None}


def give_back(tx: Tx, link: InviteLinkItem, uses: int) -> None:
    """`uses` given back to `link`, never below zero and not once it is revoked (GIVE_BACK: the caller
    commits again without it)."""
    still = InviteLinkItem.pk.exists() & InviteLinkItem.revoked_at.does_not_exist()
    still &= InviteLinkItem.uses >= uses
    tx.update(link, [InviteLinkItem.uses.add(-uses)], condition=still, label=GIVE_BACK)


def _recorded(events: Sequence[AuditEventItem]) -> Tx:
    tx = Tx()
    for event in events:
        tx.record(event)
    return tx
