"""The one way a sign-in gets its token: every way in (login with or without a second factor, a passkey,
accepting an invitation, a password change) calls `sign_in` with how it was made (`via`), which starts a
session and issues a token naming it. The caller writes the session (and its security event) with its own
write, so signing in costs no extra round trip; a password change keeps its session's id."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.domain.sign_in import user_agent_kept
from chalicelib.ids import new_id, new_sortable_id

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.domain.caller import RequestInfo
    from chalicelib.security.tokens import IssuedToken
    from chalicelib.store.models import Item, SessionItem


@dataclass(frozen=True)
class SignIn:
    issued: IssuedToken
    session: SessionItem | None = None  # a new session: to be written with the sign-in's own write
    writes: tuple[Item, ...] = ()  # the session and its "signed_in" security event, in that order


def sign_in(
    deps: Deps,
    user_id: str,
    version: int,
    via: str,
    *,
    client: RequestInfo | None = None,
    hints: Mapping[str, str] | None = None,
    keep_session: str | None = None,
) -> SignIn:
    """A token for `user_id` at token `version`; a new session unless `keep_session` names the one the
    token goes on (a password change: the session stays, its token is new)."""
    from chalicelib.store.sessions import new_security_event, new_session_item

    now = deps.now()
    session_id = keep_session or new_id("ses")
    issued = deps.tokens.issue(user_id, version, now, hints, session_id=session_id, via=via)
    if keep_session is not None:
        return SignIn(issued)
    where = (client.source_ip, user_agent_kept(client.user_agent)) if client is not None else (None, None)
    session = new_session_item(user_id, session_id, via, now, issued.claims.expires_at, where)
    event = new_security_event(user_id, new_sortable_id("sev"), "signed_in", now, session)
    return SignIn(issued, session, (session, event))
