"""Invitation reminders in memory: the due ones by their gsi5 key (store/reminders.py's index), and the two
writes that take one out of it, under the real one's conditions and labels."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from datetime import datetime

from chalicelib.domain.outbox import Window
from chalicelib.services.ports import ReminderRepository
from chalicelib.store import keys
from chalicelib.store.models import InvitationItem, LinkItem, MailItem, format_time
from chalicelib.store.outbox import limit_label
from chalicelib.store.outcomes import Failure
from chalicelib.store.reminders import CHANGED
from chalicelib.store.tx import Outcome
from tests.helpers.fakes.table import Table, key_of


class FakeReminders(ReminderRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def due_pages(self, now: datetime, size: int = 100) -> Iterator[list[InvitationItem]]:
        bound = keys.expiry_upper_bound(format_time(now))
        found: list[InvitationItem] = []
        for partition in keys.reminder_partitions():
            shard = [
                i for i in self.t.of(InvitationItem) if i.gsi5pk == partition and (i.gsi5sk or "") <= bound
            ]
            found += sorted(shard, key=lambda i: i.gsi5sk or "")
        for start in range(0, len(found), size):
            yield copy.deepcopy(found[start : start + size])

    def remind(
        self,
        invitation: InvitationItem,
        link: LinkItem,
        mail: MailItem,
        windows: Sequence[Window],
        judged_at: datetime,
        now: datetime,
    ) -> Outcome:
        stored = self.t.get(key_of(invitation), InvitationItem)
        unchanged = (
            stored is not None
            and stored.token_hash == invitation.token_hash
            and stored.reminded_at is None
            and stored.expires_at > judged_at
        )
        labels: set[Failure] = (
            set() if unchanged and self.t.get(key_of(link), LinkItem) is None else {CHANGED}
        )
        labels |= {
            limit_label(w, invitation.email) for w in windows if not self.t.counts_room(invitation.email, w)
        }
        if labels or stored is None:
            return Outcome(frozenset(labels))
        stored.reminded_at = invitation.reminded_at = now
        stored.reminder_token_hash = invitation.reminder_token_hash
        stored.gsi5pk = stored.gsi5sk = invitation.gsi5pk = invitation.gsi5sk = None
        self.t.put(copy.deepcopy(link))
        self.t.put(copy.deepcopy(mail))
        for window in windows:
            self.t.count(invitation.email, window)
        return Outcome()

    def drop(self, invitation: InvitationItem) -> bool:
        stored = self.t.get(key_of(invitation), InvitationItem)
        if stored is None or stored.token_hash != invitation.token_hash or stored.gsi5sk != invitation.gsi5sk:
            return False
        stored.gsi5pk = stored.gsi5sk = None
        return True
