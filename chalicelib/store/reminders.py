"""Access patterns of invitation reminders: the due ones from their sparse index (gsi5 `INVREMIND#<shard>`,
set when an invitation is made or resent: store/invitation_items.py `set_reminder_key`), and the two writes
that take an invitation out of it: reminded (with its fresh link and email) or dropped.

The index projects everything (it is the audit filters' and the member lists' shared gsi5), so a page of due
invitations is one Query per shard and nothing is read again by key. Each item is decoded on its own: one
that is broken is logged and left where it is, and the rest of its page goes on."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Final

from chalicelib.domain.outbox import Window
from chalicelib.store import keys
from chalicelib.store.models import InvitationItem, Item, LinkItem, MailItem, format_time
from chalicelib.store.outbox import count_email_to, queue
from chalicelib.store.table import dynamodb_client
from chalicelib.store.tx import Outcome, Tx

log = logging.getLogger(__name__)
CHANGED: Final = "changed"  # resent, accepted, revoked or reminded since it was read


class ReminderStore:
    def due_pages(self, now: datetime, size: int = 100) -> Iterator[list[InvitationItem]]:
        """The invitations whose reminder is due by `now`, `size` at a time across the shards: reads grow
        with the due ones, not with the table. Removing an entry while its page is out changes nothing
        here: each shard is read on from where its last page ended."""
        bound = keys.expiry_upper_bound(format_time(now))
        page: list[InvitationItem] = []
        pages = dynamodb_client().get_paginator("query")
        for partition in keys.reminder_partitions():
            for answer in pages.paginate(
                TableName=Item.Meta.table_name,
                IndexName="gsi5",
                KeyConditionExpression="gsi5pk = :p AND gsi5sk <= :b",
                ExpressionAttributeValues={":p": {"S": partition}, ":b": {"S": bound}},
                PaginationConfig={"PageSize": size},
            ):
                page.extend(found for raw in answer["Items"] if (found := _decoded(raw)) is not None)
                while len(page) >= size:
                    yield page[:size]
                    page = page[size:]
        if page:
            yield page

    def remind(
        self,
        invitation: InvitationItem,
        link: LinkItem,
        mail: MailItem,
        windows: Sequence[Window],
        judged_at: datetime,
        now: datetime,
    ) -> Outcome:
        """Out of the index, `reminded_at` now and the fresh link's hash (the caller set it as the
        invitation's `reminder_token_hash`) beside the first one, with that
        link and the email (counted against the address's `windows`: a full one fails with its
        limit_label), in one transaction; fails ("changed") if the invitation moved on since it was read, or
        ended by `judged_at`."""
        unchanged = (
            (InvitationItem.token_hash == invitation.token_hash)
            & InvitationItem.reminded_at.does_not_exist()
            & (InvitationItem.expires_at > judged_at)
        )
        actions = [
            InvitationItem.reminded_at.set(now),
            InvitationItem.reminder_token_hash.set(invitation.reminder_token_hash),
            InvitationItem.gsi5pk.remove(),
            InvitationItem.gsi5sk.remove(),
        ]
        tx = Tx().update(invitation, actions, condition=unchanged, label=CHANGED)
        tx.put(link, condition=LinkItem.pk.does_not_exist(), label=CHANGED)
        queue(tx, mail)
        count_email_to(tx, invitation.email, windows)
        outcome = tx.commit()
        if outcome:
            invitation.reminded_at = now
            invitation.gsi5pk = invitation.gsi5sk = None
        return outcome

    def drop(self, invitation: InvitationItem) -> bool:
        """Out of the index without a reminder (none is to be sent); False if it moved on since it was
        read (a resend set a new entry, which stays)."""
        unchanged = (InvitationItem.token_hash == invitation.token_hash) & (
            InvitationItem.gsi5sk == (invitation.gsi5sk or "")
        )
        actions = [InvitationItem.gsi5pk.remove(), InvitationItem.gsi5sk.remove()]
        return bool(Tx().update(invitation, actions, condition=unchanged, label=CHANGED).commit())


def _decoded(raw: dict[str, object]) -> InvitationItem | None:
    try:
        item = Item.from_raw_data(raw)
    except Exception:  # one item's bad data must not stop the sweep for every other account
        log.exception("reminder index: an item that cannot be read: %s", raw.get("pk"))
        return None
    return item if isinstance(item, InvitationItem) else None
