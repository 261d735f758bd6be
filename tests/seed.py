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
    assert deps.store.create_user(user, login)
    return user_id
