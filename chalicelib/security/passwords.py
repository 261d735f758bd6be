"""argon2id password hashing at the OWASP minimum, with parameters written out rather than inherited.

argon2 is imported by the first hash or check, not with the service: most requests never see a password."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
MEMORY_COST_KIB = 19456
TIME_COST = 2
PARALLELISM = 1


class Passwords:
    def __init__(
        self, memory_cost: int = MEMORY_COST_KIB, time_cost: int = TIME_COST, parallelism: int = PARALLELISM
    ) -> None:
        self._costs = (time_cost, memory_cost, parallelism)

    @cached_property
    def _hasher(self) -> PasswordHasher:
        from argon2 import PasswordHasher, Type

        time_cost, memory_cost, parallelism = self._costs
        return PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
            hash_len=32,
            salt_len=16,
            type=Type.ID,
        )

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """True when it matches. With no hash (unknown email) it still spends a real verification, so
        the answer takes about as long as for a wrong password and does not reveal which emails exist."""
        from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

        try:
            matched = self._hasher.verify(password_hash or self._dummy_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        return matched and password_hash is not None

    @cached_property
    def _dummy_hash(self) -> str:
        return self._hasher.hash("not a password anyone has: the unknown-email stand-in")
