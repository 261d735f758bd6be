"""Invitations, the claims on emails and the email outbox in memory: what inviting writes, under the
conditions the real repositories write with."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime

from chalicelib.domain.outbox import Window
from chalicelib.services.ports import ClaimRepository, InvitationRepository, OutboxRepository
from chalicelib.store import keys
from chalicelib.store.due import fair_pick
from chalicelib.store.groups import GROUP_GONE
from chalicelib.store.invitations import (
    InvitationContext,
    NewInvitation,
    Written,
    ended_link,
)
from chalicelib.store.models import (
    AuditEventItem,
    EmailClaimItem,
    InvitationItem,
    Item,
    LinkItem,
    LoginItem,
    MailItem,
    MembershipItem,
    UserItem,
    format_time,
)
from chalicelib.store.outbox import MAIL_DUE, set_mail_due
from chalicelib.store.outcomes import Failure
from chalicelib.store.seats import SeatsRead
from chalicelib.store.tx import DEFAULT_LABEL, Outcome
from tests.helpers.fakes import invitation_flow as flow
from tests.helpers.fakes.invitation_writes import add_invitation as add_invitation  # where it was
from tests.helpers.fakes.invitation_writes import free_to_take, full_window, write_invitation
from tests.helpers.fakes.seats import free, seats_hold, take
from tests.helpers.fakes.table import Table, key_of


class FakeInvitations(InvitationRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def claims(self, account_id: str, emails: list[str]) -> dict[str, EmailClaimItem]:
        return self.claims_and_logins(account_id, emails, with_logins=False)[0]

    def claims_and_logins(
        self, account_id: str, emails: list[str], *, with_logins: bool = True
    ) -> tuple[dict[str, EmailClaimItem], dict[str, str]]:
        claims = (self.t.get(keys.email_claim(account_id, e), EmailClaimItem) for e in emails)
        logins = (self.t.get(keys.login(e), LoginItem) for e in (emails if with_logins else []))
        return (
            {c.email: copy.deepcopy(c) for c in claims if c is not None},
            {login.email: login.user_id for login in logins if login is not None},
        )

    def create_invitations(
        self,
        new: list[NewInvitation],
        now: datetime,
        account_day: Window | None = None,
        seats: SeatsRead | None = None,
    ) -> Written:
        """As one transaction (the real one writes up to ~20 invitations in each): a full account day holds
        them all back; else each email lost to a claim, or whose address is full, is left out."""
        if not new:
            return Written(set())
        account_id = new[0].invitation.account_id
        if account_day is not None and self.t.counts.get((account_id, account_day.name), 0) + len(new) > (
            account_day.limit
        ):
            return Written(set(), False, {}, {entry.invitation.email for entry in new})
        lost = {e.invitation.email for e in new if not free_to_take(self.t, e, now)}
        limited = {
            e.invitation.email: full
            for e in new
            if e.invitation.email not in lost and (full := full_window(self.t, e)) is not None
        }
        written = [e for e in new if e.invitation.email not in lost | set(limited)]
        groups: list[tuple[str | None, str, int]] = [
            (e.invitation.group_id, "invitation_count", 1) for e in written
        ]
        groups += [(e.replaces.group_id, "invitation_count", -1) for e in written if e.replaces]
        if not self.t.add_to_groups(account_id, groups, check=True):
            return Written(lost, True, limited)
        if written and not seats_hold(self.t, account_id, seats, len(written)):
            return Written(set(), False, {}, seats_changed=[e.invitation.email for e in new])
        self.t.add_to_groups(account_id, groups)
        if written:
            take(self.t, account_id, seats, len(written))
        for entry in written:
            write_invitation(self.t, entry, account_day, now)
        return Written(lost, False, limited)

    def invitations_of(self, account_id: str) -> list[InvitationItem]:
        return copy.deepcopy(self.t.of(InvitationItem, keys.invitations_of(account_id)[0]))

    def get_invitation(self, account_id: str, invitation_id: str) -> InvitationItem | None:
        return copy.deepcopy(self.t.get(keys.invitation(account_id, invitation_id), InvitationItem))

    def revoke(self, invitation: InvitationItem, event: AuditEventItem | None = None) -> Outcome:
        """The invitation and its claim go, its link is left ended as "revoked", its group counts one less."""
        inv = invitation
        claim = self.t.get(keys.email_claim(inv.account_id, inv.email), EmailClaimItem)
        stored = self.t.get(key_of(inv), InvitationItem)
        held = stored is not None and bool(stored.holds_seat) == bool(inv.holds_seat)
        labels: set[Failure] = set() if held else {DEFAULT_LABEL}
        if claim is None or claim.ref_id != inv.invitation_id:
            labels.add(DEFAULT_LABEL)
        if not self.t.add_to_groups(inv.account_id, [(inv.group_id, "invitation_count", -1)], check=True):
            labels.add(GROUP_GONE)
        if labels:
            return Outcome(frozenset(labels))
        self.t.add_to_groups(inv.account_id, [(inv.group_id, "invitation_count", -1)])
        self.t.delete(key_of(inv))
        self.t.delete(keys.email_claim(inv.account_id, inv.email))
        free(self.t, inv.account_id, 1 if inv.holds_seat else 0)
        self.t.put(ended_link(inv.token_hash, inv, "revoked"))
        if inv.reminder_token_hash:
            self.t.put(ended_link(inv.reminder_token_hash, inv, "revoked"))
        return self.t.record(event)

    # Listing, opening, accepting, resending and purging: tests/helpers/fakes/invitation_flow.py.
    def listed(
        self,
        account_id: str,
        group_id: str | None,
        pending: bool,
        now: datetime,
        *,
        limit: int,
        after: str | None,
    ) -> tuple[list[InvitationItem], str | None]:
        return flow.listed(self.t, account_id, group_id, pending, now, limit, after)

    def invitation_context(self, link: LinkItem) -> InvitationContext:
        return flow.invitation_context(self.t, link)

    def accept(
        self,
        invitation: InvitationItem,
        membership: MembershipItem,
        now: datetime,
        new_user: tuple[UserItem, LoginItem] | None,
        existing_user_id: str | None,
        event: AuditEventItem | None = None,
        writes: Sequence[Item] = (),
    ) -> Outcome:
        return flow.accept(self.t, invitation, membership, now, new_user, existing_user_id, event, writes)

    def resend(
        self,
        invitation: InvitationItem,
        old_hash: str,
        links: tuple[LinkItem, LinkItem],
        not_sent_since: datetime,
        event: AuditEventItem | None = None,
        mail: MailItem | None = None,
        windows: tuple[Window, ...] = (),
        reminder_link: LinkItem | None = None,
        seats: SeatsRead | None = None,
    ) -> Outcome:
        return flow.resend(
            self.t, invitation, old_hash, links, not_sent_since, event, mail, windows, reminder_link, seats
        )

    def expired_pages(self, now: datetime, size: int = 100) -> Iterator[list[InvitationItem]]:
        return flow.expired_pages(self.t, now, size)

    def delete_expired(
        self,
        invitations: list[InvitationItem],
        now: datetime,
        event_of: Callable[[InvitationItem], AuditEventItem] | None = None,
    ) -> int:
        return flow.delete_expired(self.t, invitations, now, event_of)


class FakeClaims(ClaimRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def holders(
        self, account_id: str, claims: Iterable[EmailClaimItem]
    ) -> dict[str, MembershipItem | InvitationItem]:
        found: dict[str, MembershipItem | InvitationItem] = {}
        for claim in claims:
            holder: MembershipItem | InvitationItem | None = (
                self.t.get(keys.membership(account_id, claim.ref_id), MembershipItem)
                if claim.holder == "member"
                else self.t.get(keys.invitation(account_id, claim.ref_id), InvitationItem)
            )
            if holder is not None:
                found[claim.email] = copy.deepcopy(holder)
        return found


class FakeOutbox(OutboxRepository):
    """The emails a change commits with, the worker's reads of those due, its leases and its records; the
    due read follows store/due.py's steps (each shard's oldest, then its own fair pick)."""

    def __init__(self, table: Table) -> None:
        self.t = table

    def queue(self, mail: MailItem, windows: Sequence[Window] = ()) -> bool:
        if self.t.get(key_of(mail), MailItem) is not None:
            return False
        if any(not self.t.counts_room(mail.to, window) for window in windows):
            return False
        for window in windows:
            self.t.count(mail.to, window)
        self.t.put(copy.deepcopy(mail))
        return True

    def account_invitations(self, account_id: str, window: Window) -> int:
        return self.t.counts.get((account_id, window.name), 0)

    def due(self, now: datetime, limit: int = 200, share: int = 50) -> list[MailItem]:
        bound = keys.expiry_upper_bound(format_time(now))
        entries: list[Item] = []
        for partition in keys.due_partitions(MAIL_DUE):
            waiting = [m for m in self.t.of(MailItem) if m.gsi2pk == partition and (m.gsi2sk or "") <= bound]
            entries += sorted(waiting, key=lambda m: m.gsi2sk or "")[:limit]
        picked = fair_pick(entries, limit, share)
        mails = [copy.deepcopy(m) for m in picked if isinstance(m, MailItem) and m.status == "pending"]
        return sorted(mails, key=lambda m: m.gsi2sk or "")

    def lease(self, mail: MailItem, until: datetime) -> bool:
        seen = mail.next_attempt_at
        set_mail_due(mail, until)  # on the item given, as the real one
        stored = self.t.get(key_of(mail), MailItem)
        if stored is None or stored.status != "pending" or stored.next_attempt_at != seen:
            return False
        self.t.put(copy.deepcopy(mail))
        return True

    def record(
        self, mails: Sequence[tuple[MailItem, str | None, str | None]], users: Mapping[str, str] | None = None
    ) -> None:
        for mail, delivery, token_hash in mails:
            if self.t.get(key_of(mail), MailItem) is None:  # its condition: the email was queued
                continue
            self.t.put(copy.deepcopy(mail))
            key = keys.invitation(mail.account_id or "", mail.invitation_id or "")
            stored = self.t.get(key, InvitationItem)
            if delivery is not None and stored is not None and stored.token_hash == token_hash:
                stored.delivery = delivery
                link = self.t.get(keys.link(token_hash or ""), LinkItem)
                user_id = (users or {}).get(token_hash or "")
                if link is not None and user_id is not None:  # a link gone is not made again
                    link.user_id = user_id
