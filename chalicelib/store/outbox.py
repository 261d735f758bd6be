"""Access patterns of the email outbox and of the counts that limit emails.

An email is a MailItem committed in the transaction of the change that causes it (`queue`), listed in gsi2
(MAILDUE#<shard>) while it waits. Whoever sends it takes it first (the request that committed it holds it for
a minute; the worker leases it), then records what happened: sent, tried again later, or given up. For an
invitation, its `delivery` moves in the same transaction as the email's record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Final

from chalicelib.domain.outbox import KEPT_AFTER, MailKind, Window
from chalicelib.store import keys
from chalicelib.store.counts import add_within
from chalicelib.store.due import due, mark
from chalicelib.store.models import CounterItem, InvitationItem, LinkItem, MailItem
from chalicelib.store.outcomes import Failure, Keyed
from chalicelib.store.table import get_item
from chalicelib.store.tx import Tx, room

MAIL_DUE = "MAILDUE"
SUPERSEDED: Final = (
    "superseded"  # the invitation changed (resent, revoked, accepted) after this email was made
)


def new_mail(
    mail_id: str,
    kind: MailKind,
    to: str,
    now: datetime,
    held_until: datetime,
    *,
    nonce: str | None = None,
    account_id: str | None = None,
    invitation_id: str | None = None,
    template: str | None = None,
    values: str | None = None,
) -> MailItem:
    mail = MailItem(
        *keys.mail(mail_id),
        mail_id=mail_id,
        kind=kind,
        to=to,
        nonce=nonce,
        account_id=account_id,
        invitation_id=invitation_id,
        template=template,
        values=values,
        status="pending",
        attempts=0,
        created_at=now,
    )
    set_mail_due(mail, held_until)
    return mail


def set_mail_due(mail: MailItem, when: datetime | None) -> None:
    """Waiting until `when` (listed in the due index), or done (None: out of the index, kept a week)."""
    mail.next_attempt_at = when
    mark(mail, MAIL_DUE, mail.mail_id, when)
    if when is None:
        mail.ttl = mail.created_at + KEPT_AFTER + timedelta(days=1)


def limit_label(window: Window, email: str) -> Keyed:
    return ("address_limit", f"{window.kind}:{email}")


ACCOUNT_LIMIT: Final = "account_limit"


def _count(tx: Tx, key: keys.Key, window: Window, by: int, label: Failure) -> None:
    """`by` more in the window, unless that passes its limit (the condition fails with `label`)."""
    ends = CounterItem.ttl.set(window.ends_at + timedelta(days=1))
    add_within(tx, CounterItem(*key), CounterItem.total, by, window.limit, label, also=[ends])


def count_email_to(tx: Tx, email: str, windows: Sequence[Window]) -> None:
    for window in windows:
        _count(tx, keys.recipient_count(email, window.name), window, 1, limit_label(window, email))


def count_account_invitations(tx: Tx, account_id: str, window: Window, how_many: int) -> None:
    if how_many:
        _count(tx, keys.account_invitation_count(account_id, window.name), window, how_many, ACCOUNT_LIMIT)


def queue(tx: Tx, mail: MailItem) -> Tx:
    return tx.put(mail, condition=MailItem.pk.does_not_exist())


class OutboxStore:
    def queue(self, mail: MailItem, windows: Sequence[Window] = ()) -> bool:
        """An email on its own (a notice, a public reset request), counted in `windows`; False when a
        window is full (nothing is queued)."""
        tx = queue(Tx(), mail)
        count_email_to(tx, mail.to, windows)
        return tx.commit().committed

    def account_invitations(self, account_id: str, window: Window) -> int:
        """How many invitations the account has sent in the window (one read by key)."""
        counter = get_item(CounterItem, keys.account_invitation_count(account_id, window.name))
        return int(counter.total) if counter is not None else 0

    def due(self, now: datetime, limit: int = 200, share: int = 50) -> list[MailItem]:
        """Pending emails whose next attempt is due, oldest due first."""
        return due(MailItem, MAIL_DUE, now, limit, lambda mail: mail.status == "pending", share)

    def lease(self, mail: MailItem, until: datetime) -> bool:
        """Take the email for one attempt: its due time moves to `until` if nobody moved it first, so two
        workers never send it at once, and one that dies mid-attempt leaves it due again then."""
        seen = mail.next_attempt_at
        set_mail_due(mail, until)
        condition = (MailItem.status == "pending") & (MailItem.next_attempt_at == seen)
        return Tx().put(mail, condition=condition, label="taken").commit().committed

    def record(
        self, mails: Sequence[tuple[MailItem, str | None, str | None]], users: Mapping[str, str] | None = None
    ) -> None:
        """Each email as it now stands (sent, due again, failed, dropped), with its invitation's `delivery`
        when it has one: (mail, delivery or None, the link hash the invitation must still hold), and on
        that link the user of the email's login (`users`: by link hash), which accepting then reads with
        the invitation (store/invitation_accept.py). Many in one transaction; if one invitation changed
        meanwhile, each is recorded alone, and an email whose invitation moved on (or whose link is gone)
        is recorded without touching it."""
        per_tx, hints = room() // 3, users or {}
        for start in range(0, len(mails), per_tx):
            chunk = [(*entry, hints.get(entry[2] or "")) for entry in mails[start : start + per_tx]]
            tx = Tx()
            for mail, delivery, token_hash, user_id in chunk:
                _record(tx, mail, delivery, token_hash, user_id)
            if tx.commit().committed:
                continue
            for mail, delivery, token_hash, user_id in chunk:
                if _record(Tx(), mail, delivery, token_hash, user_id).commit().committed:
                    continue
                if user_id is None or not _record(Tx(), mail, delivery, token_hash).commit().committed:
                    _record(Tx(), mail, None, None).commit()


def _record(
    tx: Tx, mail: MailItem, delivery: str | None, token_hash: str | None, user_id: str | None = None
) -> Tx:
    tx.put(mail, condition=MailItem.pk.exists())
    if delivery is not None and mail.account_id and mail.invitation_id:
        invitation = InvitationItem(*keys.invitation(mail.account_id, mail.invitation_id))
        tx.update(
            invitation,
            [InvitationItem.delivery.set(delivery)],
            condition=InvitationItem.token_hash == token_hash,
            label=SUPERSEDED,
        )
        if user_id is not None and token_hash is not None:
            # a hint only (the login read with the invitation decides); never onto a link that is gone
            link = LinkItem(*keys.link(token_hash))
            tx.update(link, [LinkItem.user_id.set(user_id)], condition=LinkItem.pk.exists(), label="gone")
    return tx
