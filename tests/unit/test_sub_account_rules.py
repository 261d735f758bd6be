"""The sub-account rules, called directly on the fakes and again on moto (tests/api/test_rules_on_moto.py):
a scope names only live sub-accounts, a deleted one leaves every scope at once, a renamed one keeps its id."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from chalicelib.domain.caller import OPERATOR, Caller, Grant
from chalicelib.errors import AppError
from chalicelib.schemas.common import ListQuery
from chalicelib.schemas.members import MemberUpdateIn
from chalicelib.schemas.sub_accounts import SubAccountIn
from chalicelib.services import members, sub_accounts
from tests.helpers.present import present

if TYPE_CHECKING:
    from tests.helpers.fakes import FakeWorld


def raised(call: Callable[[], object]) -> AppError:
    with pytest.raises(AppError) as caught:
        call()
    return caught.value


@pytest.fixture
def shops(world: FakeWorld) -> tuple[str, list[str]]:
    """An account with two sub-accounts; answers the account's id and the sub-accounts' ids."""
    account_id = world.account("Acme")
    world.member(account_id, "owner@acme.com", "owner")
    store = world.deps.store
    made = [
        sub_accounts.create_sub_account(world.deps, OPERATOR, present(store.accounts.get_account(account_id)),
                                        SubAccountIn(name=name)).sub_account_id
        for name in ("Shop", "Blog")
    ]  # fmt: skip
    return account_id, made


def test_a_scope_names_live_sub_accounts_only_and_a_deleted_one_leaves_it(
    world: FakeWorld, shops: tuple[str, list[str]]
) -> None:
    account_id, (shop, blog) = shops
    store = world.deps.store
    dev = world.member(account_id, "dev@acme.com", permissions=("tickets",))
    scoped = members.update_member(
        world.deps, OPERATOR, present(store.accounts.get_account(account_id)), dev,
        MemberUpdateIn(sub_accounts=[blog, shop]),
    )  # fmt: skip
    assert scoped.sub_accounts == sorted([shop, blog])
    sub_accounts.delete_sub_account(
        world.deps, OPERATOR, present(store.accounts.get_account(account_id)), shop
    )
    account = present(store.accounts.get_account(account_id))
    assert members.get_member(world.deps, OPERATOR, account, dev).sub_accounts == [blog]
    refused = raised(
        lambda: members.update_member(world.deps, OPERATOR, account, dev, MemberUpdateIn(sub_accounts=[shop]))
    )
    assert (refused.code, refused.details) == (
        "validation_error",
        [{"field": "sub_accounts.0", "message": sub_accounts.NOT_HERE}],
    )
    gone = raised(lambda: sub_accounts.delete_sub_account(world.deps, OPERATOR, account, shop))
    assert gone.code == "not_found"


def test_a_renamed_sub_account_keeps_its_id_and_a_member_lists_what_they_reach(
    world: FakeWorld, shops: tuple[str, list[str]]
) -> None:
    account_id, (shop, blog) = shops
    store = world.deps.store
    account = present(store.accounts.get_account(account_id))
    renamed = sub_accounts.rename_sub_account(world.deps, OPERATOR, account, shop, SubAccountIn(name="Store"))
    assert (renamed.sub_account_id, renamed.name) == (shop, "Store")
    again = sub_accounts.rename_sub_account(world.deps, OPERATOR, account, shop, SubAccountIn(name="Store"))
    assert again.name == "Store"
    missing = "sub_00000000000000000000000a"
    absent = raised(lambda: sub_accounts.rename_sub_account(world.deps, OPERATOR, account, missing,
                                                            SubAccountIn(name="X")))  # fmt: skip
    assert absent.code == "not_found"
    member = Caller(
        "user", user_id="usr_x", grant=Grant("member", frozenset({"tickets"}), sub_accounts=frozenset([blog]))
    )
    seen = sub_accounts.list_sub_accounts(world.deps, member, account, ListQuery())
    assert [s.name for s in seen.items] == ["Blog"]
    everyone = sub_accounts.list_sub_accounts(world.deps, OPERATOR, account, ListQuery())
    assert [s.name for s in everyone.items] == ["Blog", "Store"]  # by name
