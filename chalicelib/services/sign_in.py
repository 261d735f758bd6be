"""The one way a sign-in gets its token: login, the second-factor step, passkeys, accept and password
change all come here, saying how the sign-in was made (`via`), so what every sign-in must also do (start a
session) is done in one place. The caller writes the new session and its security event (`SignIn.writes`)
with its own write, so signing in costs no extra round trip; a password change keeps its session's id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain.sign_in import user_agent_kept
from chalicelib.ids import new_id, new_sortable_id

if TYPE_CHECKING:
    from collections.abc import Mapping

    from chalicelib.deps import Deps
    from chalicelib.domain.caller import RequestInfo
    from chalicelib.security.tokens import IssuedToken, TokenClaims, Via
    from chalicelib.store.models import Item, UserItem


@dataclass(frozen=True)
class SignIn:
    """The token, and what the sign-in's own write must carry: its new session and "signed_in" event
    (none when a password change goes on in the session it was made in). Until they are written the token
    is refused, so a way in that forgets them fails loudly rather than leaving a session nobody can end."""

    issued: IssuedToken
    writes: tuple[Item, ...] = ()

    # As an IssuedToken reads: `token` and `claims`.
    @property
    def token(self) -> str:
        return self.issued.token

    @property
    def claims(self) -> TokenClaims:
        return self.issued.claims

    @property
    def expires_at(self) -> datetime:
        return self.issued.claims.expires_at


def issue_sign_in(
    deps: Deps,
    user_id: str,
    version: int,
    via: Via,
    group_hints: Mapping[str, str] | None = None,
    *,
    client: RequestInfo | None = None,
    keep_session: str | None = None,
    email: str | None = None,
) -> SignIn:
    """A token for `user_id` at token version `version`, its claims naming `via` ("amr") and its session
    ("sid"): a new one, or `keep_session` (a password change, whose session goes on with a new token).
    `email`: the login's, carried as a hint ("eml") of which login a password change reads with the user."""
    from chalicelib.store.sessions import new_security_event, new_session_item

    now = deps.now()
    session_id = keep_session or new_id("ses")
    issued = deps.tokens.issue(
        user_id, version, now, group_hints, via=via, session_id=session_id, email=email
    )
    if keep_session is not None:
        return SignIn(issued)
    where = (client.source_ip, user_agent_kept(client.user_agent)) if client is not None else (None, None)
    session = new_session_item(user_id, session_id, via, now, issued.claims.expires_at, where)
    event = new_security_event(user_id, new_sortable_id("sev"), "signed_in", now, session)
    return SignIn(issued, (session, event))


# The ways in that proved a second factor (a passkey alone is one: the device and its user verification).
WITH_SECOND_FACTOR: frozenset[str] = frozenset(
    {"password+totp", "password+passkey", "recovery_code", "passkey"}
)


def has_second_factor(user: UserItem) -> bool:
    """Whether the user has a confirmed TOTP or a passkey (Member.mfa_enabled, the login's second step)."""
    return bool(user.factors)


def user_has_second_factor(deps: Deps, user_id: str) -> bool:
    """The same for a user not read yet (one read of the profile); False for an unknown user."""
    user = deps.store.users.get_user(user_id)
    return user is not None and has_second_factor(user)
