"""The one in-memory table every fake repository shares (as the real ones share one DynamoDB table), the
outcomes the fakes answer with, and the refusal a method without a fake gives."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NoReturn, TypeVar

from chalicelib.domain.outbox import Window
from chalicelib.store import keys
from chalicelib.store.joining import Joining
from chalicelib.store.keys import Key
from chalicelib.store.models import AccountItem, GroupItem, Item, LoginItem
from chalicelib.store.outcomes import Failure
from chalicelib.store.tx import Outcome

OK = Outcome()
T = TypeVar("T", bound=Item)


def failed(label: Failure) -> Outcome:
    return Outcome(frozenset({label}))


class NotFakedError(NotImplementedError):
    """A repository method the fast tier has no fake for: the use case that calls it is tested on moto."""


def not_faked(repository: str, method: str) -> Callable[..., NoReturn]:
    """A Protocol member that this fake refuses, loudly: named in the class, so the choice is visible, and
    typed to fit any signature (it never answers)."""

    def refuse(*args: object, **kwargs: object) -> NoReturn:
        raise NotFakedError(
            f"store.{repository}.{method} has no in-memory fake: test this use case in tests/api"
        )

    refuse.__name__ = method
    return refuse


def key_of(item: Item) -> Key:
    return (item.pk, item.sk)


@dataclass
class Table:
    items: dict[Key, Item] = field(default_factory=dict)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (who, window) -> emails counted

    def counts_room(self, who: str, window: Window) -> bool:
        return self.counts.get((who, window.name), 0) < window.limit

    def count(self, who: str, window: Window) -> None:
        self.counts[(who, window.name)] = self.counts.get((who, window.name), 0) + 1

    def get(self, key: Key, kind: type[T]) -> T | None:
        item = self.items.get(key)
        return item if isinstance(item, kind) else None

    def put(self, item: Item) -> None:
        self.items[key_of(item)] = item

    def delete(self, key: Key) -> None:
        self.items.pop(key, None)

    def of(self, kind: type[T], pk: str | None = None) -> list[T]:
        """Every item of a kind (in one partition), in key order, as a query reads them."""
        found = [i for i in self.items.values() if isinstance(i, kind) and (pk is None or i.pk == pk)]
        return sorted(found, key=key_of)

    def query(self, kind: type[T], key: Key) -> list[T]:
        """The items of a kind under (partition, sort-key prefix), in key order: a Query's answer."""
        pk, prefix = key
        return [i for i in self.of(kind, pk) if i.sk.startswith(prefix)]

    def record(self, event: Item | None) -> Outcome:
        """A fake's writes went through: its audit event is written with them, as in the real transaction."""
        if event is not None:
            self.put(copy.deepcopy(event))  # stored apart from the caller's item, as a table stores it
        return OK

    def add_to_groups(
        self, account_id: str, changes: Iterable[tuple[str | None, str, int]], *, check: bool = False
    ) -> bool:
        """store/groups.py count_changes: False (and nothing changed) when a group named is gone; with
        `check`, only whether it would go through."""
        groups = [(self.get(keys.group(account_id, g), GroupItem), c, d) for g, c, d in changes if g]
        if any(group is None for group, _, _ in groups):
            return False
        if check:
            return True
        for group, counter, delta in groups:
            assert group is not None
            setattr(group, counter, int(getattr(group, counter)) + delta)
        return True

    def login_of(self, email: str, user_id: str) -> LoginItem | None:
        """The login store/users.py list_account updates: this user's only (else its condition fails)."""
        login = self.get(keys.login(email), LoginItem)
        return login if login is not None and login.user_id == user_id else None

    def list_account(self, login: LoginItem, account_id: str, *, member: bool = True) -> None:
        ids = set(login.account_ids or ())
        login.account_ids = (ids | {account_id}) if member else (ids - {account_id}) or None  # no empty set

    def join(self, join: Joining) -> None:
        """store/joining.py write_joining's writes (no conditions: a seed's email is nobody's yet)."""
        account = self.get(keys.account(join.membership.account_id), AccountItem)
        login = self.login_of(join.email, join.membership.user_id)
        assert account is not None and login is not None, "seed the account and the user first"
        assert self.add_to_groups(account.account_id, join.group_counts), "seed the group first"
        self.put(join.claim)
        self.put(join.membership)
        account.member_count = int(account.member_count) + 1
        if join.membership.status == "active":  # no invitation held its seat: it takes one
            account.active_count = int(account.active_count or 0) + 1
            account.seats_held = int(account.seats_held or 0) + 1
        if join.owner is not None:
            account.owner_user_id = join.owner
        self.list_account(login, account.account_id)
