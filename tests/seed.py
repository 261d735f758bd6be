"""Direct seeding for tests that are about something other than how users come to exist."""

from __future__ import annotations

from chalicelib.deps import Deps
from chalicelib.ids import new_id
from chalicelib.store.users import new_user_items

PASSWORD = "correct horse battery"


def seed_user(deps: Deps, email: str, password: str = PASSWORD, **profile: str) -> str:
    user_id = new_id("usr")
    names = {"first_name": "Test", "last_name": "User", **profile}
    user, login = new_user_items(user_id, email, deps.passwords.hash(password), names, deps.now())
    assert deps.store.users.create_user(user, login)
    return user_id


def seed_account(deps: Deps, name: str = "Seeded Co") -> str:
    from chalicelib.store import keys
    from chalicelib.store.models import AccountItem

    account_id = new_id("acc")
    AccountItem(*keys.account(account_id), account_id=account_id, name=name, created_at=deps.now()).save()
    return account_id


def seed_member(
    deps: Deps,
    account_id: str,
    email: str,
    role: str = "member",
    permissions: tuple[str, ...] = (),
    status: str = "active",
    password_hash: str = "$argon2id$not-a-usable-hash",
) -> str:
    """A user and their membership written directly, for tests about authorization rather than joining."""
    from chalicelib.store import keys
    from chalicelib.store.invitations import claim_item
    from chalicelib.store.members import new_membership_item
    from chalicelib.store.models import AccountItem

    user_id = new_id("usr")
    user, login = new_user_items(
        user_id, email, password_hash, {"first_name": "Seeded", "last_name": email}, deps.now()
    )
    assert deps.store.users.create_user(user, login)
    new_membership_item(
        account_id, user_id, "Seeded Co", role, list(permissions), deps.now(), status=status
    ).save()
    claim_item(account_id, email, "member", user_id, None).save()
    if role == "owner":
        AccountItem(*keys.account(account_id)).update(actions=[AccountItem.owner_user_id.set(user_id)])
    return user_id


def token_for(deps: Deps, user_id: str) -> str:
    return deps.tokens.issue(user_id, 0, deps.now()).token
