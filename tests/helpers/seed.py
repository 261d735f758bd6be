"""Direct seeding through the store, for tests about something other than how users come to exist."""

from __future__ import annotations

from chalicelib.deps import Deps
from chalicelib.ids import new_id
from chalicelib.store import keys
from chalicelib.store.accounts import new_account_item
from chalicelib.store.groups import count_changes
from chalicelib.store.invitations import claim_item
from chalicelib.store.members import new_membership_item
from chalicelib.store.models import AccountItem
from chalicelib.store.tx import Tx
from chalicelib.store.users import list_account, new_user_items
from tests.helpers.settings import PASSWORD


def seed_user(deps: Deps, email: str, password: str = PASSWORD, **profile: str) -> str:
    user_id = new_id("usr")
    names = {"first_name": "Test", "last_name": "User", **profile}
    user, login = new_user_items(user_id, email, deps.passwords.hash(password), names, deps.now())
    assert deps.store.users.create_user(user, login)
    return user_id


def seed_account(deps: Deps, name: str = "Seeded Co") -> str:
    account = new_account_item(new_id("acc"), name, deps.now())
    assert Tx().put(account).commit()
    return account.account_id


def seed_member(
    deps: Deps,
    account_id: str,
    email: str,
    role: str = "member",
    permissions: tuple[str, ...] = (),
    status: str = "active",
    password_hash: str = "$argon2id$not-a-usable-hash",
    sub_accounts: list[str] | None = None,
    group_id: str | None = None,
    group_manager: bool | None = None,
) -> str:
    """A user and their membership, written as accepting an invitation would write them (the email claim,
    the account's member count and, for an owner, the account's owner)."""
    user_id = new_id("usr")
    user, login = new_user_items(
        user_id, email, password_hash, {"first_name": "Seeded", "last_name": email}, deps.now()
    )
    assert deps.store.users.create_user(user, login)
    account = deps.store.accounts.get_account(account_id)
    assert account is not None
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
    )
    actions = [AccountItem.member_count.add(1)]
    if role == "owner":
        actions.append(AccountItem.owner_user_id.set(user_id))
    claim = claim_item(account_id, email, "member", user_id, None)
    claim.member_status = None if status == "active" else status
    tx = Tx().put(membership).put(claim)
    list_account(tx, email, user_id, account_id)
    count_changes(tx, account_id, [(group_id, "member_count", 1)])
    assert tx.update(AccountItem(*keys.account(account_id)), actions).commit()
    return user_id


def token_for(deps: Deps, user_id: str) -> str:
    return deps.tokens.issue(user_id, 0, deps.now()).token


class MotoWorld:
    """The same seeding interface as the fast tier's FakeWorld, on the real store."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def account(self, name: str = "Seeded Co") -> str:
        return seed_account(self.deps, name)

    def member(
        self, account_id: str, email: str, role: str = "member", permissions: tuple[str, ...] = (),
        status: str = "active",
    ) -> str:  # fmt: skip
        return seed_member(self.deps, account_id, email, role, permissions, status)


def count_password_checks(deps: Deps) -> list[str]:
    """From now on, every password the service checks is noted in the list returned (in order)."""
    checked: list[str] = []
    real_verify = deps.passwords.verify

    def counting_verify(stored: str | None, password: str) -> bool:
        checked.append(password)
        return real_verify(stored, password)

    deps.passwords.verify = counting_verify  # type: ignore[method-assign]
    return checked
