"""Access patterns of a user's sign-in sessions and security events: both in the user's partition, each
list one Query; a session is read by key with every request its token makes (`UserStore.auth_context`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from chalicelib.store import keys
from chalicelib.store.models import SecurityEventItem, SessionItem
from chalicelib.store.tx import Outcome, Tx, room

SECURITY_EVENT_DAYS = 90


def new_session_item(
    user_id: str,
    session_id: str,
    via: str,
    now: datetime,
    expires_at: datetime,
    client: tuple[str | None, str | None] = (None, None),
) -> SessionItem:
    """`client`: the address and user agent it signed in from; `expires_at`: its token's expiry (the item's
    TTL, moved on when a password change issues the session a new token)."""
    ip, user_agent = client
    return SessionItem(
        *keys.session(user_id, session_id),
        session_id=session_id,
        user_id=user_id,
        created_at=now,
        last_seen_at=now,
        via=via,
        ip=ip,
        user_agent=user_agent,
        ttl=expires_at,
    )


def new_security_event(
    user_id: str,
    event_id: str,
    kind: str,
    now: datetime,
    session: SessionItem | None = None,
    detail: str = "",
) -> SecurityEventItem:
    """One entry of the user's security events; with `session`, where and how it signed in."""
    return SecurityEventItem(
        *keys.security_event(user_id, now, event_id),
        event_id=event_id,
        user_id=user_id,
        type=kind,
        occurred_at=now,
        via=session.via if session is not None else None,
        session_id=session.session_id if session is not None else None,
        ip=session.ip if session is not None else None,
        user_agent=session.user_agent if session is not None else None,
        detail=detail or None,
        ttl=now + timedelta(days=SECURITY_EVENT_DAYS),
    )


class SessionStore:
    def sessions_of(self, user_id: str) -> list[SessionItem]:
        """Every session the user's partition still holds (one Query; an expired one TTL has not removed
        yet is among them: the caller drops it)."""
        pk, _ = keys.session(user_id, "")
        return list(SessionItem.query(pk, SessionItem.sk.startswith(keys.SESSION_PREFIX)))

    def end_sessions(self, user_id: str, session_ids: Sequence[str], event: SecurityEventItem) -> Outcome:
        """Delete them, the first transaction with their security event, then one per `room()` (a user's
        sessions are few); ending one alone fails ("gone") when it was not there or is support's (ended by
        the operator only: services/session_list.py)."""
        condition = (
            (SessionItem.pk.exists() & (SessionItem.via != "support")) if len(session_ids) == 1 else None
        )
        chunk = room() - 1
        outcome = Outcome()
        for start in range(0, len(session_ids), chunk):
            tx = Tx().record(event if start == 0 else None)
            for session_id in session_ids[start : start + chunk]:
                tx.delete(SessionItem(*keys.session(user_id, session_id)), condition=condition, label="gone")
            committed = tx.commit()
            outcome = committed if start == 0 else outcome
        return outcome

    def touch(self, session: SessionItem, now: datetime, seen_before: datetime) -> None:
        """`last_seen_at` moved to now unless another request did so since `seen_before`, or the session
        ended meanwhile (its condition fails, and nothing is written): concurrent requests write it once,
        and never bring an ended session back."""
        condition = SessionItem.pk.exists() & (SessionItem.last_seen_at < seen_before)
        Tx().update(session, [SessionItem.last_seen_at.set(now)], condition=condition).commit()

    def security_events(
        self, user_id: str, since: datetime, limit: int, before_sk: str | None
    ) -> tuple[list[SecurityEventItem], str | None]:
        """Newest first, from `since` on, after the page that ended at `before_sk`: one Query."""
        pk, low = keys.security_event(user_id, since, "")
        high = before_sk or f"{keys.SECURITY_EVENT_PREFIX}\uffff"
        result = SecurityEventItem.query(
            pk, SecurityEventItem.sk.between(low, high), scan_index_forward=False, limit=limit + 2
        )
        found = [item for item in result if item.sk != before_sk][: limit + 1]
        more = len(found) > limit
        return found[:limit], found[limit - 1].sk if more else None
