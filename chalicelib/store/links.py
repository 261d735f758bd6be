"""Access patterns of one-time links: password resets and invitation links (their counted checks)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pynamodb.expressions.condition import Condition

from chalicelib.domain.lockout import WINDOW, FailureWindow
from chalicelib.domain.outbox import Window
from chalicelib.store import keys
from chalicelib.store.models import Item, LinkItem, MailItem, UserItem
from chalicelib.store.outbox import count_email_to, queue
from chalicelib.store.table import get_item
from chalicelib.store.tx import Outcome, Tx
from chalicelib.store.users import new_password


def link_attempts(link: LinkItem) -> FailureWindow | None:
    """The password checks counted on an invitation link (`LinkStore.open_counted_link`), the latest one
    included."""
    if link.attempts_started_at is None:
        return None
    return FailureWindow(int(link.attempts or 0), link.attempts_started_at)


def new_reset_link(
    token_hash: str, user_id: str, email: str, expires_at: datetime, generation: int
) -> LinkItem:
    """`generation`: the user's link_generation as read; a change of it since ends the link."""
    return LinkItem(
        *keys.link(token_hash),
        purpose="password_reset",
        expires_at=expires_at,
        email=email,
        user_id=user_id,
        ttl=expires_at,
        generation=generation,
    )


def link_generation(user: UserItem) -> int:
    return int(user.link_generation or 0)


def end_reset_links(tx: Tx, user_id: str) -> Tx:
    """In a transaction that removes a membership: every outstanding reset link of the user stops working."""
    return tx.update(
        UserItem(*keys.user(user_id)), [UserItem.link_generation.add(1)], condition=UserItem.pk.exists()
    )


def _generation_is(generation: int) -> Condition:
    current = UserItem.link_generation == generation
    return (UserItem.link_generation.does_not_exist() | current) if generation == 0 else current


class LinkStore:
    def save_link(
        self,
        link: LinkItem,
        event: Item | None = None,
        mail: MailItem | None = None,
        windows: Sequence[Window] = (),
    ) -> Outcome:
        """A one-time link, with the audit event of an admin's reset and its email (counted against the
        address's `windows`: a full one fails with its limit_label) when there are. Never over a link of the
        same hash ("exists"): the outbox resending an email must not make a used link valid again."""
        tx = Tx().record(event).put(link, condition=LinkItem.pk.does_not_exist(), label="exists")
        if mail is not None:
            queue(tx, mail)
            count_email_to(tx, mail.to, windows)
        return tx.commit()

    def get_link(self, token_hash: str) -> LinkItem | None:
        return get_item(LinkItem, keys.link(token_hash))

    def open_counted_link(self, token_hash: str, now: datetime) -> LinkItem | None:
        """An invitation link, read by the write that counts a password check against it (UpdateItem answers
        the item): atomically, before the check, so a burst through one link is counted check by check
        (`link_attempts`). The first try opens a new window (a link's first check); a concurrent request may
        have opened it meanwhile, then the second counts in it. None: no such invitation link. An ended one
        (LinkItem.ended) counts nothing and is answered as read, for its holder to be told why."""
        link = LinkItem(*keys.link(token_hash))
        invitation = (LinkItem.purpose == "invitation") & LinkItem.ended.does_not_exist()
        cutoff = now - WINDOW
        open_new = Tx().update(
            link,
            [LinkItem.attempts.set(1), LinkItem.attempts_started_at.set(now)],
            condition=invitation
            & (LinkItem.attempts_started_at.does_not_exist() | (LinkItem.attempts_started_at <= cutoff)),
        )
        count = Tx().update(
            link, [LinkItem.attempts.add(1)], condition=invitation & (LinkItem.attempts_started_at > cutoff)
        )
        if open_new.commit() or count.commit():
            return link
        found = self.get_link(token_hash)  # only when it opens nothing: absent, another kind, or ended
        return found if found is not None and found.ended is not None else None

    def reset_password(self, link: LinkItem, password_hash: str, now: datetime) -> Outcome:
        """Use a reset link: mark it used, set the hash, bump the token version and the link generation.
        Fails ("used") if it was used first, or another reset, a password change or a removal ended it."""
        unused = LinkItem.pk.exists() & LinkItem.used_at.does_not_exist()
        tx = Tx().update(link, [LinkItem.used_at.set(now)], condition=unused, label="used")
        current = UserItem.pk.exists() & _generation_is(int(link.generation or 0))
        return new_password(tx, link.email, link.user_id or "", password_hash, current, "used").commit()
