"""The keys of a user's sign-in sessions and security events (both in the user's partition, so listing
either is one Query of that partition)."""

from __future__ import annotations

from datetime import datetime

from chalicelib.store.keys_base import Key, user_pk

SESSION_PREFIX = "SESSION#"
SECURITY_EVENT_PREFIX = "SECEVENT#"


def session(user_id: str, session_id: str) -> Key:
    return user_pk(user_id), f"{SESSION_PREFIX}{session_id}"


def security_event(user_id: str, occurred_at: datetime, event_id: str) -> Key:
    """Sorted by time, so the newest come first when read backwards."""
    return user_pk(user_id), f"{SECURITY_EVENT_PREFIX}{occurred_at.strftime('%Y-%m-%dT%H:%M:%S')}#{event_id}"
