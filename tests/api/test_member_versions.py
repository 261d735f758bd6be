"""A membership's one version: every write adds one, and a write computed from a read holds only while the
membership is at the version read (store/member_index.py). A membership stored before versions reads as 0
and stays updatable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.store.member_copies import rewrite_alone
from chalicelib.store.member_index import copied, rewrite_actions, unchanged_since_read
from chalicelib.store.models import MembershipItem, UserItem
from chalicelib.store.tx import Tx
from tests.helpers import onboard
from tests.helpers.present import present
from tests.helpers.seed import seed_member

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api


def _stored(deps: Deps, account_id: str, user_id: str) -> MembershipItem:
    found = deps.store.members.get_membership(account_id, user_id)
    assert found is not None
    return found


def test_each_write_adds_one_and_a_stale_read_cannot_write(api: Api, deps: Deps) -> None:
    account_id, _ = onboard(api)
    user_id = seed_member(deps, account_id, "dev@example.com")
    read = _stored(deps, account_id, user_id)
    assert deps.store.members.update_member(copied(read), title="Lead")
    fresh = _stored(deps, account_id, user_id)
    assert int(fresh.version or 0) == int(read.version or 0) + 1 and fresh.title == "Lead"
    user = present(deps.store.users.get_user(user_id))
    stale = Tx().update(read, rewrite_actions(read, user), unchanged_since_read(read), label="changed")
    assert stale.commit().failed == {"changed"}
    assert _stored(deps, account_id, user_id).title == "Lead"  # the stale card did not land


def test_a_membership_stored_before_versions_is_updatable(api: Api, deps: Deps) -> None:
    account_id, _ = onboard(api)
    user_id = seed_member(deps, account_id, "old@example.com")
    _stored(deps, account_id, user_id).update(actions=[MembershipItem.version.remove()])
    old = _stored(deps, account_id, user_id)
    assert old.version is None
    assert deps.store.members.update_member(copied(old), title="Kept")
    after = _stored(deps, account_id, user_id)
    assert (after.version, after.title) == (1, "Kept")
    assert deps.store.members.update_member(
        copied(old), title="Again"
    )  # read before: redone on the fresh read
    assert (_stored(deps, account_id, user_id).version, _stored(deps, account_id, user_id).title) == (
        2,
        "Again",
    )


def test_a_rewrite_from_a_stale_read_is_redone_from_a_fresh_one(api: Api, deps: Deps) -> None:
    account_id, _ = onboard(api)
    user_id = seed_member(deps, account_id, "dev@example.com")
    read = _stored(deps, account_id, user_id)
    assert deps.store.members.update_member(copied(read), status="deactivated")
    user = present(deps.store.users.get_user(user_id))
    assert Tx().update(UserItem(user.pk, user.sk), [UserItem.first_name.set("Renata")]).commit()
    rewrite_alone(read, user)  # read before the deactivation: fails, then membership and user read again
    after = _stored(deps, account_id, user_id)
    assert (after.status, after.first_name) == ("deactivated", "Renata")
    assert int(after.version or 0) == int(read.version or 0) + 2
