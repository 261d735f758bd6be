"""The one way a sign-in gets its token: login, the second-factor step, passkeys, accept and password
change all come here, saying how the sign-in was made (`via`), so what every sign-in must also do (start a
session) is done in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from chalicelib.deps import Deps
    from chalicelib.security.tokens import IssuedToken, Via
    from chalicelib.store.models import UserItem


def issue_sign_in(
    deps: Deps, user_id: str, version: int, via: Via, group_hints: Mapping[str, str] | None = None
) -> IssuedToken:
    """A token for `user_id` at token version `version`, its claims naming `via` ("amr")."""
    return deps.tokens.issue(user_id, version, deps.now(), group_hints, via=via)


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
