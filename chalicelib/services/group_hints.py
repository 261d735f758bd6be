"""Which custom group a member is in, for authentication (services/authentication.py): the process's hints
of which group item to read with the authorizing BatchGetItem, and the group a membership's grants come
from. Loaded with a signed-in request's first read, as the store is: a public route never needs them."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.store.models import GroupItem
    from chalicelib.store.users import AuthContext


class GroupHints:
    """Which custom group a user was in at an account, last time this process saw them: only a hint of
    which group item to read in the authorizing BatchGetItem, never trusted (the membership read with it
    decides). A member of a custom group costs a second read on their first request to a warm process, and
    none after; a hint gone stale (they moved) costs that read again. Bounded: oldest forgotten first."""

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._hints: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> str | None:
        with self._lock:
            return self._hints.get(key)

    def remember(self, key: tuple[str, str], group_id: str | None) -> None:
        with self._lock:
            if group_id is None:
                self._hints.pop(key, None)
                return
            self._hints[key] = group_id
            self._hints.move_to_end(key)
            while len(self._hints) > self._size:
                self._hints.popitem(last=False)


GROUP_HINTS = GroupHints()


def group_of_member(deps: Deps, context: AuthContext) -> GroupItem | None:
    """A custom group's permissions and scope are its members': read with every request, so a change to the
    group applies to all of them at once (one read, whatever the group's size). Taken from the authorizing
    read when the hint was right, else read now."""
    membership = context.membership
    if membership is None:
        return None
    key = (membership.user_id, membership.account_id)
    GROUP_HINTS.remember(key, membership.group_id)
    if not membership.group_id:
        return None
    if context.group is not None and context.group.group_id == membership.group_id:
        return context.group
    return deps.store.groups.group_grants(membership.account_id, membership.group_id)
