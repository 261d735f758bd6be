"""What a store write answers: an `Outcome` naming the conditions that failed, by labels from a closed set
(`Label`), so the services' checks of `failed` are checked too (tests/unit/test_store_labels.py). Where one
transaction holds several like writes (an invitation per email), a label names which one: `Keyed`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Label = Literal[
    "conflict",  # the default: changed meanwhile, in a way the caller needs no finer word for
    "race",  # cancelled without any failed condition: a concurrent transaction touched the same items
    "rider",  # the request's Idempotency-Key write riding along (`riding_along`)
    "account_limit",  # the account's invitations for the day (store/outbox.py)
    "already_member",
    "changed",  # the item is no longer as read (a membership: not at the version read)
    "contact_exists",
    "email_taken",
    "ended",
    "exists",
    "full",  # a count at its cap (store/counts.py)
    "brand_gone",  # the brand an account is given was deleted meanwhile (store/brands.py)
    "give_back",  # a link to get a use back was revoked meanwhile (store/invite_links.py)
    "gone",
    "group_gone",
    "inactive",
    "kept",
    "name_taken",
    "not_empty",
    "owner_taken",
    "renamed",
    "seats",  # the account's seats are not as the way in predicted (store/seats.py): read again
    "superseded",
    "taken",
    "used",
]
# (why, which): one of several like writes in a transaction, e.g. ("claimed", an email) for an invitation
# whose email another request claimed first, or ("address_limit", "hour:<email>") for an address's window.
Keyed = tuple[Literal["claimed", "address_limit"], str]
Failure = Label | Keyed


@dataclass(frozen=True)
class Outcome:
    """`failed` holds the labels of the conditions that failed; empty when the writes committed."""

    failed: frozenset[Failure] = frozenset()

    @property
    def committed(self) -> bool:
        return not self.failed

    def which(self, why: Literal["claimed", "address_limit"]) -> set[str]:
        """Which of several like writes failed for `why` (their `Keyed` labels)."""
        return {f[1] for f in self.failed if isinstance(f, tuple) and f[0] == why}

    def __bool__(self) -> bool:
        return self.committed
