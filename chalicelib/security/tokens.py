"""Signed access tokens (HS256). They say who the user is and nothing more: every request still reads the
user (token version) and the membership, so revocation and role changes apply at once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # PyJWT loads with the first token read
    from jwt.types import Options
from datetime import datetime, timedelta

from chalicelib.errors import unauthenticated

ALGORITHM = "HS256"
# Times are checked against the service's clock below, not PyJWT's reading of the machine's.
# Expiry and issue time are checked against the injected clock (see read), not PyJWT's own.
_DECODE_OPTIONS: Options = {
    "require": ["sub", "jti", "ver", "iat", "exp"],
    "verify_exp": False,
    "verify_iat": False,
}


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


@dataclass(frozen=True)
class IssuedToken:
    token: str
    claims: TokenClaims


class AccessTokens:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._secret = secret
        self._ttl = timedelta(seconds=ttl_seconds)

    def issue(self, user_id: str, version: int, now: datetime) -> IssuedToken:
        return self._sign(TokenClaims(user_id, secrets.token_urlsafe(16), version, now + self._ttl), now)

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
        claims = TokenClaims(user_id, secrets.token_urlsafe(16), version, expires_at, session_id, account_id)
        return self._sign(claims, now)

    def _sign(self, claims: TokenClaims, now: datetime) -> IssuedToken:
        payload: dict[str, str | int] = {
            "sub": claims.user_id,
            "jti": claims.token_id,
            "ver": claims.version,
            "iat": int(now.timestamp()),
            "exp": int(claims.expires_at.timestamp()),
        }
        if claims.support_session_id is not None and claims.support_account_id is not None:
            payload |= {"sup": claims.support_session_id, "acc": claims.support_account_id}
        import jwt  # on first use: with `cryptography` installed PyJWT loads it too, a cold-start cost

        return IssuedToken(jwt.encode(payload, self._secret, algorithm=ALGORITHM), claims)

    def read(self, token: str, now: datetime) -> TokenClaims:
        """The token's claims, or 401 for anything forged, malformed or expired."""
        import jwt

        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                options=_DECODE_OPTIONS,
            )
        except jwt.PyJWTError:
            raise unauthenticated("The access token is not valid.") from None
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
        return TokenClaims(sub, jti, ver, datetime.fromtimestamp(exp, tz=now.tzinfo), support, account)
