"""Items a route reads ahead in its authorizing BatchGetItem (store/users.py `auth_context`): the keys asked
and the items found, so a key asked and not found is known to be absent without a read of its own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from chalicelib.store.keys import Key
from chalicelib.store.models import Item
from chalicelib.store.table import BATCH_KEYS, T


@dataclass(frozen=True)
class ReadAhead:
    asked: frozenset[Key] = frozenset()
    found: Mapping[Key, Item] = field(default_factory=dict)

    def knows(self, key: Key) -> bool:
        """Whether `key` was read: its item is `item(key)`, None meaning there is none."""
        return key in self.asked

    def item(self, key: Key, kind: type[T]) -> T | None:
        found = self.found.get(key)
        return found if isinstance(found, kind) else None


NOTHING_AHEAD = ReadAhead()


def fitting(ahead: Sequence[Key], wanted: Sequence[Key]) -> list[Key]:
    """The keys to read ahead beside `wanted` in the same one BatchGetItem: distinct, none of `wanted`, in
    their order, as many as fit (the route reads the rest itself)."""
    taken = set(wanted)
    unique = [key for key in dict.fromkeys(ahead) if key not in taken]
    return unique[: max(0, BATCH_KEYS - len(taken))]


def read_ahead(asked: Sequence[Key], found: Mapping[Key, Item]) -> ReadAhead:
    """What `asked` brought, out of a batch read that asked for it among other keys."""
    return ReadAhead(frozenset(asked), {key: found[key] for key in asked if key in found})
