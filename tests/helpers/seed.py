"""Direct seeding through the store, for tests about something other than how users come to exist."""

from __future__ import annotations

from typing import Protocol

from chalicelib.deps import Deps
from chalicelib.domain.permissions import MemberStatus, Role
from chalicelib.ids import new_id
from chalicelib.store.accounts import new_account_item
from chalicelib.store.groups import GroupStore, new_group_item
from chalicelib.store.joining import joining, write_joining
from chalicelib.store.members import new_membership_item
from chalicelib.store.tx import Tx
from chalicelib.store.users import UserStore, new_user_items
from tests.helpers.settings import PASSWORD


def seed_user(deps: Deps, email: str, password: str = PASSWORD, **profile: str) -> str:
    user_id = new_id("usr")
    names = {"first_name": "Test", "last_name": "User", **profile}
    user, login = new_user_items(user_id, email, deps.passwords.hash(password), names, deps.now())
    assert UserStore().create_user(user, login)  # moto's table: the services' view has no sign-up of its own
    return user_id


def seed_account(deps: Deps, name: str = "Seeded Co") -> str:
    account = new_account_item(new_id("acc"), name, deps.now())
    assert Tx().put(account).commit()
    return account.account_id


def seed_member(
    deps: Deps,
    account_id: str,
    email: str,
    role: Role = "member",
    permissions: tuple[str, ...] = (),
    status: MemberStatus = "active",
    password_hash: str = "$argon2id$not-a-usable-hash",
    sub_accounts: list[str] | None = None,
    group_id: str | None = None,
    group_manager: bool | None = None,
) -> str:
    """A user and their membership, written by accepting's own writer (store/joining.py: the email claim,
    the account's and group's member counts, the account's owner for an owner, the login's listing)."""
    user_id = new_id("usr")
    user, login = new_user_items(
        user_id, email, password_hash, {"first_name": "Seeded", "last_name": email}, deps.now()
    )
    assert UserStore().create_user(user, login)  # signed up before: write_joining lists the account on it
    membership = new_membership_item(
        account_id,
        user_id,
        role,
        list(permissions),
        deps.now(),
        status=status,
        sub_accounts=sub_accounts,
        group_id=group_id,
        group_manager=group_manager,
        user=user,
        account_name=account_name(account_id),
    )
    assert write_joining(Tx(), joining(membership, email), claim_of=None, list_login=True).commit()
    return user_id


def token_for(deps: Deps, user_id: str) -> str:
    return deps.tokens.issue(user_id, 0, deps.now(), via="password").token


class Seeder(Protocol):
    """What the rule tests seed through, on moto (MotoWorld) or in memory (tests/helpers/fakes FakeWorld)."""

    deps: Deps

    def account(self, name: str = "Seeded Co") -> str: ...

    def account_name(self, account_id: str) -> str: ...

    def member(
        self,
        account_id: str,
        email: str,
        role: Role = "member",
        permissions: tuple[str, ...] = (),
        status: MemberStatus = "active",
        group_id: str | None = None,
        group_manager: bool = False,
    ) -> str: ...

    def group(self, account_id: str, name: str, permissions: tuple[str, ...] = ("tickets",)) -> str: ...


class MotoWorld(Seeder):
    """The seeding on the real store."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def account(self, name: str = "Seeded Co") -> str:
        return seed_account(self.deps, name)

    def account_name(self, account_id: str) -> str:
        return account_name(account_id)

    def member(
        self,
        account_id: str,
        email: str,
        role: Role = "member",
        permissions: tuple[str, ...] = (),
        status: MemberStatus = "active",
        group_id: str | None = None,
        group_manager: bool = False,
    ) -> str:
        return seed_member(
            self.deps,
            account_id,
            email,
            role,
            permissions,
            status,
            group_id=group_id,
            group_manager=group_manager or None,
        )

    def group(self, account_id: str, name: str, permissions: tuple[str, ...] = ("tickets",)) -> str:
        group = new_group_item(
            account_id, new_id("grp"), name, None, list(permissions), None, self.deps.now()
        )
        assert GroupStore().create(group)  # the real write (name item, the account's group count)
        return group.group_id


def count_password_checks(deps: Deps) -> list[str]:
    """From now on, every password the service checks is noted in the list returned (in order)."""
    checked: list[str] = []
    real_verify = deps.passwords.verify

    def counting_verify(password_hash: str | None, password: str) -> bool:
        checked.append(password)
        return real_verify(password_hash, password)

    deps.passwords.verify = counting_verify  # type: ignore[method-assign]
    return checked


def account_name(account_id: str) -> str:
    """The account's name as joining reads it (the membership's gsi1 key orders by it)."""
    from chalicelib.store.accounts import AccountStore

    account = AccountStore().get_account(account_id)
    assert account is not None, account_id
    return account.name
