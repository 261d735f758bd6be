"""Reading an account's audit log."""

from __future__ import annotations

from chalicelib.deps import Deps
from chalicelib.domain.paging import decode_cursor, encode_cursor
from chalicelib.schemas.audit import AuditEvent, AuditPage, AuditQuery
from chalicelib.store.audit import AuditFilter


def list_events(deps: Deps, account_id: str, query: AuditQuery) -> AuditPage:
    """Newest first; each filter narrows a key range (see store/audit.py). With two or three of type, actor
    and target, one bounded read (store/audit.py `filtered_bound`): the matches it found, maybe fewer than
    `limit` or none, and a cursor while more may follow. The cursor is bound to the account and the
    filters: it names the last event examined's sort key, nothing about a person."""
    wanted = AuditFilter(query.type, query.actor_user_id, query.target_id, query.since, query.until)
    scope = f"audit:{account_id}:{wanted!r}"
    after = decode_cursor(query.cursor, scope, deps.settings.token_secret)[0] if query.cursor else None
    items, last = deps.store.audit.events(account_id, wanted, query.limit, after)
    cursor = encode_cursor(scope, (last,), deps.settings.token_secret) if last is not None else None
    return AuditPage(items=[AuditEvent.of(item) for item in items], next_cursor=cursor)
