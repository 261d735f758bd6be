"""The collaborators of every use case, built once per process on first use and replaceable in tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from chalicelib.config import Settings, load_settings

if TYPE_CHECKING:
    from chalicelib.mail.mailer import Mailer
    from chalicelib.security.tokens import AccessTokens
    from chalicelib.services.ports import Repositories


def utc_now() -> datetime:
    """Whole seconds: every stored and returned time has the same precision."""
    return datetime.now(UTC).replace(microsecond=0)


class PasswordHasher(Protocol):
    """What the use cases ask of security/passwords.py's argon2 `Passwords` (a test may hash in plain)."""

    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str | None, password: str) -> bool: ...


@dataclass
class Deps:
    settings: Settings
    store: Repositories  # the real Store, or the fast tier's fakes: both checked against the Protocols
    mailer: Mailer
    passwords: PasswordHasher
    tokens: AccessTokens
    clock: Callable[[], datetime] = utc_now

    def now(self) -> datetime:
        return self.clock()


def build_deps(settings: Settings) -> Deps:
    # Imported here, on the first request that needs them: a cold start serving a public route skips
    # PynamoDB, botocore's clients and argon2 altogether.
    from chalicelib.mail.ses import SesMailer
    from chalicelib.security.passwords import Passwords
    from chalicelib.security.tokens import AccessTokens
    from chalicelib.store.repository import Store

    store = Store(settings.table_name, settings.region, settings.aws_endpoint_url, settings.dynamodb)
    return Deps(
        settings=settings,
        store=store,
        mailer=SesMailer(settings.sender_email, settings.region, settings.aws_endpoint_url, store.session()),
        passwords=Passwords(),
        tokens=AccessTokens(settings.token_secret, settings.access_token_ttl_seconds),
    )


_current: Deps | None = None


def get_deps() -> Deps:
    global _current
    if _current is None:
        _current = build_deps(load_settings())
    return _current


def use_deps(deps: Deps | None) -> None:
    """Tests and tools install their own collaborators here (None: build from the environment again)."""
    global _current
    _current = deps
