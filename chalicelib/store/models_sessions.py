"""A user's sign-in sessions and security events, kept in the user's partition."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from chalicelib.store.models_base import Item, TimeAttribute


class SessionItem(Item, discriminator="session"):
    """USER#<user_id> / SESSION#<session_id>: one sign-in. Its tokens name it, and every request they make
    reads it in the authorizing BatchGetItem, so deleting it ends them at once. `last_seen_at` is written at
    most once per SEEN_EVERY (services/sign_in.py); `ttl` removes it once its last token has expired."""

    session_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    created_at = TimeAttribute()
    last_seen_at = TimeAttribute()
    via = UnicodeAttribute()
    ip = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)


class SecurityEventItem(Item, discriminator="security_event"):
    """USER#<user_id> / SECEVENT#<time>#<event_id>: what the user sees of their own security (a sign-in, a
    factor added or removed, a session ended), written with the change; `ttl` ends it after 90 days."""

    event_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    type = UnicodeAttribute()  # schemas/security.py SecurityEventType
    occurred_at = TimeAttribute()
    via = UnicodeAttribute(null=True)
    session_id = UnicodeAttribute(null=True)
    ip = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    detail = UnicodeAttribute(null=True)
