"""A user's own sign-in sessions (list, end one, end all but this one) and security events.

Support sessions are listed to the member support acts as, not to support: the list answers "who can act as
me right now", and a support token is as much that as a sign-in of the member's own (it can change what the
member can), so the member sees it, `via: "support"`, from its start until it ends or expires; the account's
owner was emailed who started it and why. Support's own token has no list: it may not call `/me/*` beyond
`GET /me`. The member cannot end it: it is the operator's session, with the operator's audit trail, ended by
the operator (`DELETE .../support-sessions/{id}`) or its hour; ending it is 403 `forbidden`, and ending
"every other session" leaves it. Who doubts it asks the owner or the hosting company, who see the reason.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.paging import decode_cursor, encode_cursor, page
from chalicelib.errors import AppError, not_found, unauthenticated
from chalicelib.ids import new_sortable_id
from chalicelib.schemas.security import SecurityEventOut, SecurityEventPage, SessionOut, SessionPage

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.security.tokens import TokenClaims

SECURITY_EVENT_DAYS = 90
SUPPORT = "support"  # the `via` of a support session's row (store/support_sessions.py support_row)


def signed(claims: TokenClaims | None) -> TokenClaims:
    """The token a /me route was called with (its rule made sure there is one)."""
    if claims is None:
        raise unauthenticated()
    return claims


def list_sessions(deps: Deps, token: TokenClaims | None, limit: int, cursor: str | None) -> SessionPage:
    """Newest first; one Query of the user's partition (a user's live sessions are few: each ends with
    its token, an hour or so after its last sign-in)."""
    claims, now = signed(token), deps.now()
    live = [s for s in deps.store.sessions.sessions_of(claims.user_id) if s.ttl is None or s.ttl > now]
    chosen, next_cursor = page(
        live,
        lambda s: (s.created_at.isoformat(), s.session_id),
        limit=limit,
        cursor=cursor,
        descending=True,
        scope=f"sessions:{claims.user_id}",
        secret=deps.settings.token_secret,
    )
    return SessionPage(items=[SessionOut.of(s, claims.session_id) for s in chosen], next_cursor=next_cursor)


def end_session(deps: Deps, token: TokenClaims | None, session_id: str) -> None:
    """404 for a session the user does not have (another user's id names nothing in this partition); 403 for
    a support session's (its delete's condition refuses it; only then is the session read, to tell which)."""
    user_id = signed(token).user_id
    if end_sessions(deps, user_id, [session_id], "session_ended", "signed_out"):
        return
    if any(s.session_id == session_id and s.via == SUPPORT for s in deps.store.sessions.sessions_of(user_id)):
        raise AppError("forbidden", "Support ends its own sessions; the account's owner was told of it.")
    raise not_found("session")


def end_other_sessions(deps: Deps, token: TokenClaims | None) -> None:
    """Every session but the one of the token that asked."""
    claims = signed(token)
    others = [
        s.session_id
        for s in deps.store.sessions.sessions_of(claims.user_id)
        if s.session_id != claims.session_id and s.via != SUPPORT
    ]
    if others:
        end_sessions(deps, claims.user_id, others, "sessions_ended", "signed_out_elsewhere")


def end_sessions(deps: Deps, user_id: str, session_ids: list[str], kind: str, how: str) -> bool:
    """Delete them with one security event saying so; False when the one asked for was not there."""
    from chalicelib.store.sessions import new_security_event

    event = new_security_event(user_id, new_sortable_id("sev"), kind, deps.now(), detail=how)
    if len(session_ids) == 1:
        event.session_id = session_ids[0]
    return bool(deps.store.sessions.end_sessions(user_id, session_ids, event))


def security_events(
    deps: Deps, token: TokenClaims | None, limit: int, cursor: str | None
) -> SecurityEventPage:
    """The last 90 days, newest first: one Query of the user's partition per page."""
    user_id = signed(token).user_id
    scope = f"security-events:{user_id}"
    before = decode_cursor(cursor, scope, deps.settings.token_secret)[0] if cursor else None
    since = deps.now() - timedelta(days=SECURITY_EVENT_DAYS)
    found, last = deps.store.sessions.security_events(user_id, since, limit, before)
    next_cursor = encode_cursor(scope, (last,), deps.settings.token_secret) if last else None
    return SecurityEventPage(items=[SecurityEventOut.of(e) for e in found], next_cursor=next_cursor)
