"""Signed access tokens (HS256). They say who the user is, and which custom group they were in at some
accounts (a hint of what to read, never trusted): every request still reads the user (token version) and
the membership, so revocation, role and group changes apply at once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal, get_args

from chalicelib.errors import unauthenticated
from chalicelib.security.hs256 import InvalidTokenError, verified_claims

if TYPE_CHECKING:
    from collections.abc import Mapping

ALGORITHM = "HS256"
# How a sign-in was made ("amr" claim): a password change needs a session started with the second factor
# when the user has one, and the sessions list names it.
Via = Literal[
    "password", "password+totp", "password+passkey", "recovery_code", "passkey", "invitation", "support"
]
VIAS: frozenset[str] = frozenset(get_args(Via))
# A token issued before "amr" existed was a password sign-in (or a support one, which says "sup").
_LEGACY_VIA: Via = "password"
# Custom-group hints a token carries at most (`AccessTokens.issue`).
MAX_GROUP_HINTS = 20
# Claims every token carries; one without any of them is not valid. Expiry and issue time are checked
# against the injected clock (see read).
_REQUIRED = ("sub", "jti", "ver", "iat", "exp")


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    token_id: str
    version: int
    expires_at: datetime
    # A support session's token names its session and account ("sup", "acc"): the session item is read
    # with every request it makes (services/authentication.py), so ending the session ends the token at once.
    support_session_id: str | None = None
    support_account_id: str | None = None
    # ("grp"): the custom group the user was in at each of some accounts when the token was issued, only a
    # hint of which group item the authorizing read brings along (services/authentication.py): the
    # membership read with it decides, so a stale hint costs one more read, never a wrong answer.
    group_hints: tuple[tuple[str, str], ...] = ()
    via: Via = _LEGACY_VIA
    # ("sid"): the sign-in session the token belongs to, read with every request it makes
    # (services/authentication.py), so ending the session ends the token at once. Absent from older tokens.
    session_id: str | None = None
    # ("iat"): when it was issued; an admin's sign-out at an account refuses the tokens issued up to then.
    issued_at: datetime | None = None
    # ("eml"): the login's email when the token was issued, only a hint of which login item a route that
    # checks the password again (POST /me/password) reads with the user: the user read with it decides,
    # so a stale hint costs one more read, never a wrong answer. Absent from older tokens.
    email: str | None = None

    def group_hint(self, account_id: str) -> str | None:
        return next((group for account, group in self.group_hints if account == account_id), None)


@dataclass(frozen=True)
class IssuedToken:
    token: str
    claims: TokenClaims


class AccessTokens:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._secret = secret
        self._ttl = timedelta(seconds=ttl_seconds)

    def issue(
        self,
        user_id: str,
        version: int,
        now: datetime,
        group_hints: Mapping[str, str] | None = None,
        *,
        via: Via,
        session_id: str | None = None,
        email: str | None = None,
    ) -> IssuedToken:
        """`group_hints`: account id -> custom group id; at most MAX_GROUP_HINTS are carried (the token's
        size stays bounded; an account past them costs its member's first request one more read). Called
        only through services/sign_in.py's `issue_sign_in`, the one way in, which names the session."""
        hints = tuple(sorted((group_hints or {}).items()))[:MAX_GROUP_HINTS]
        token_id, expires_at = secrets.token_urlsafe(16), now + self._ttl
        claims = TokenClaims(
            user_id,
            token_id,
            version,
            expires_at,
            group_hints=hints,
            via=via,
            session_id=session_id,
            issued_at=now,
            email=email,
        )
        return self._sign(claims, now)

    def issue_support(
        self,
        user_id: str,
        version: int,
        account_id: str,
        session_id: str,
        now: datetime,
        expires_at: datetime,
    ) -> IssuedToken:
        """A token acting as `user_id` at `account_id` for a support session, until `expires_at` (the
        session's end: whole seconds, as every token's expiry)."""
        token_id = secrets.token_urlsafe(16)
        claims = TokenClaims(
            user_id, token_id, version, expires_at, session_id, account_id, via="support", issued_at=now
        )
        return self._sign(claims, now)

    def _sign(self, claims: TokenClaims, now: datetime) -> IssuedToken:
        payload: dict[str, str | int | dict[str, str]] = {
            "sub": claims.user_id,
            "jti": claims.token_id,
            "ver": claims.version,
            "iat": int(now.timestamp()),
            "exp": int(claims.expires_at.timestamp()),
            "amr": claims.via,
        }
        if claims.support_session_id is not None and claims.support_account_id is not None:
            payload |= {"sup": claims.support_session_id, "acc": claims.support_account_id}
        if claims.group_hints:
            payload["grp"] = dict(claims.group_hints)
        if claims.session_id is not None:
            payload["sid"] = claims.session_id
        if claims.email is not None:
            payload["eml"] = claims.email
        # Only signing uses PyJWT (a sign-in); reading does not (security/hs256.py says why).
        import jwt

        return IssuedToken(jwt.encode(payload, self._secret, algorithm=ALGORITHM), claims)

    def read(self, token: str, now: datetime) -> TokenClaims:
        """The token's claims, or 401 for anything forged, malformed or expired."""
        try:
            payload = verified_claims(token, self._secret)
        except InvalidTokenError:
            raise unauthenticated("The access token is not valid.") from None
        if any(name not in payload for name in _REQUIRED):
            raise unauthenticated("The access token is not valid.")
        exp, sub, jti, ver = payload["exp"], payload["sub"], payload["jti"], payload["ver"]
        if not (
            isinstance(exp, int) and isinstance(sub, str) and isinstance(jti, str) and isinstance(ver, int)
        ):
            raise unauthenticated("The access token is not valid.")
        if exp <= int(now.timestamp()):
            raise unauthenticated("The access token has expired.")
        support, account = payload.get("sup"), payload.get("acc")
        if (support is None) != (account is None) or not all(
            isinstance(value, str) for value in (support, account) if value is not None
        ):
            raise unauthenticated("The access token is not valid.")
        hints = payload.get("grp") or {}
        if not isinstance(hints, dict) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in hints.items()
        ):
            raise unauthenticated("The access token is not valid.")
        via = payload.get("amr", "support" if support is not None else _LEGACY_VIA)
        session_id, iat, email = payload.get("sid"), payload["iat"], payload.get("eml")
        if via not in VIAS or not isinstance(iat, int) or not _strings_or_none(session_id, email):
            raise unauthenticated("The access token is not valid.")
        expires_at = datetime.fromtimestamp(exp, tz=now.tzinfo)
        group_hints = tuple(sorted(hints.items()))
        issued_at = datetime.fromtimestamp(iat, tz=now.tzinfo)
        return TokenClaims(
            sub, jti, ver, expires_at, support, account, group_hints, via, session_id, issued_at, email
        )


def _strings_or_none(*values: object) -> bool:
    return all(isinstance(value, str | None) for value in values)
