"""The scope hint of a login: the sub-accounts and custom groups a sign-in's page needed, kept on the email's
lockout item (store/lockouts.py) so the next login reads them with its page in one BatchGetItem. Only a
hint: the memberships and groups read decide what a page lists."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.store import keys
from chalicelib.store.keys import Key
from chalicelib.store.models import LoginFailuresItem

Pair = tuple[str, str]  # (account id, sub-account or group id)


@dataclass(frozen=True)
class ScopeHint:
    """The scope items a sign-in's page needed: the sub-accounts it named (a member's own list, a group's)
    and the custom groups, so the next login reads them with its page (a hint: what the memberships and
    groups read say decides)."""

    sub_accounts: frozenset[Pair] = frozenset()
    groups: frozenset[Pair] = frozenset()

    def item_keys(self) -> list[Key]:
        """Their keys, in a stable order (groups first: a group is needed before its sub-accounts)."""
        return [keys.group(*pair) for pair in sorted(self.groups)] + [
            keys.sub_account(*pair) for pair in sorted(self.sub_accounts)
        ]

    def within(self, how_many: int) -> ScopeHint:
        """At most `how_many` of them (groups first), so a batch read keeps to its 100 keys."""
        groups = sorted(self.groups)[: max(how_many, 0)]
        subs = sorted(self.sub_accounts)[: max(how_many - len(groups), 0)]
        return ScopeHint(frozenset(subs), frozenset(groups))


NO_SCOPE = ScopeHint()
# The most scope items a login's batch can read ahead (its 100 keys, less the login, the user, one
# membership and its account): the email's item, rewritten at every password check, keeps no more.
KEPT_AHEAD = 96


def stored_pairs(pairs: frozenset[Pair]) -> set[str]:
    return {f"{account_id}/{other}" for account_id, other in pairs}


def _pairs(stored: set[str] | None) -> frozenset[Pair]:
    """Pairs as stored_pairs wrote them (an account id holds no "/": ids are a prefix and hex digits)."""
    split = (text.partition("/") for text in stored or ())
    return frozenset((account_id, other) for account_id, _, other in split if other)


def scope_of(item: LoginFailuresItem) -> ScopeHint:
    """The scope hint an email's item holds (none on an item written before hints carried it)."""
    return ScopeHint(_pairs(item.scope_sub_accounts), _pairs(item.scope_groups))
