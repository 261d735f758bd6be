"""The fake of a user's sign-in sessions and security events (store/sessions.py), on the fake table."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime

from chalicelib.services.ports import SessionRepository
from chalicelib.store import keys
from chalicelib.store.models import SecurityEventItem, SessionItem
from chalicelib.store.tx import Outcome
from tests.helpers.fakes.table import OK, Table, failed


class FakeSessions(SessionRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def sessions_of(self, user_id: str) -> list[SessionItem]:
        pk, _ = keys.session(user_id, "")
        return copy.deepcopy(self.t.query(SessionItem, (pk, keys.SESSION_PREFIX)))

    def end_sessions(self, user_id: str, session_ids: Sequence[str], event: SecurityEventItem) -> Outcome:
        """As the real one: ending one alone fails ("gone") when it is not there, and writes nothing."""
        found = [self.t.get(keys.session(user_id, sid), SessionItem) for sid in session_ids]
        if len(session_ids) == 1 and (found[0] is None or found[0].via == "support"):
            return failed("gone")
        for session_id in session_ids:
            self.t.delete(keys.session(user_id, session_id))
        self.t.put(copy.deepcopy(event))
        return OK

    def touch(self, session: SessionItem, now: datetime, seen_before: datetime) -> None:
        stored = self.t.get((session.pk, session.sk), SessionItem)
        if stored is not None and stored.last_seen_at < seen_before:
            stored.last_seen_at = now

    def security_events(
        self, user_id: str, since: datetime, limit: int, before_sk: str | None
    ) -> tuple[list[SecurityEventItem], str | None]:
        pk, low = keys.security_event(user_id, since, "")
        found = [
            e
            for e in reversed(self.t.query(SecurityEventItem, (pk, keys.SECURITY_EVENT_PREFIX)))
            if e.sk >= low and (before_sk is None or e.sk < before_sk)
        ][: limit + 1]
        more = len(found) > limit
        return copy.deepcopy(found[:limit]), found[limit - 1].sk if more else None
