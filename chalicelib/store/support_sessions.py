"""Access patterns of support sessions: starting one with its audit event, ending it, reading it."""

from __future__ import annotations

from datetime import datetime

from chalicelib.store import keys
from chalicelib.store.models import (
    AuditEventItem,
    MailItem,
    MembershipItem,
    SessionItem,
    SupportSessionItem,
    UserItem,
)
from chalicelib.store.outbox import queue
from chalicelib.store.sessions import new_session_item
from chalicelib.store.table import get_item, get_items
from chalicelib.store.tx import Outcome, Tx


def new_support_session_item(
    session_id: str, account_id: str, user_id: str, reason: str, now: datetime, expires_at: datetime
) -> SupportSessionItem:
    return SupportSessionItem(
        *keys.support_session(account_id, session_id),
        support_session_id=session_id,
        account_id=account_id,
        user_id=user_id,
        reason=reason,
        created_at=now,
        expires_at=expires_at,
        ttl=expires_at,
    )


def support_row(session: SupportSessionItem) -> SessionItem:
    """The support session as one of the member's sessions: `via` support, its id the support session's,
    gone with its end or by TTL at its expiry. No address or user agent: the operator's system, not theirs."""
    return new_session_item(
        session.user_id, session.support_session_id, "support", session.created_at, session.expires_at
    )


class SupportSessionStore:
    def target(
        self, account_id: str, user_id: str, owner_id: str | None
    ) -> tuple[MembershipItem | None, UserItem | None, UserItem | None]:
        """The member to act as, their user (its token version goes into the token) and the account's owner
        (who is told), in one BatchGetItem."""
        wanted = [keys.membership(account_id, user_id), keys.user(user_id)]
        if owner_id:
            wanted.append(keys.user(owner_id))
        found = get_items(wanted)
        membership = found.get(keys.membership(account_id, user_id))
        user = found.get(keys.user(user_id))
        owner = found.get(keys.user(owner_id)) if owner_id else None
        return (
            membership if isinstance(membership, MembershipItem) else None,
            user if isinstance(user, UserItem) else None,
            owner if isinstance(owner, UserItem) else None,
        )

    def start(
        self, session: SupportSessionItem, event: AuditEventItem, notice: MailItem | None = None
    ) -> Outcome:
        """The session, its `support_session.started` event and the owner's notice, while the member is still
        active ("inactive" otherwise: deactivated or removed since it was read); and its row among the
        member's own sessions (`support_row`), which their `GET /me/sessions` lists until it ends."""
        membership = MembershipItem(*keys.membership(session.account_id, session.user_id))
        tx = (
            Tx()
            .record(event)
            .put(session, condition=SupportSessionItem.pk.does_not_exist())
            .put(support_row(session))
            .check(membership, MembershipItem.status == "active", label="inactive")
        )
        if notice is not None:
            queue(tx, notice)
        return tx.commit()

    def get(self, account_id: str, session_id: str) -> SupportSessionItem | None:
        return get_item(SupportSessionItem, keys.support_session(account_id, session_id))

    def end(self, session: SupportSessionItem, now: datetime, event: AuditEventItem) -> Outcome:
        """Mark it ended, with its `support_session.ended` event, its row among the member's sessions gone;
        fails ("ended") if it already was."""
        ended = SupportSessionItem.ended_at.does_not_exist() & SupportSessionItem.pk.exists()
        return (
            Tx()
            .record(event)
            .update(session, [SupportSessionItem.ended_at.set(now)], condition=ended, label="ended")
            .delete(SessionItem(*keys.session(session.user_id, session.support_session_id)))
            .commit()
        )
