"""Contract cases (as tests/unit/test_fake_contracts.py) for how an account is named and divided: its name,
its sub-accounts, and the names read together for emails and the account list."""

from __future__ import annotations

import pytest

from chalicelib.store import keys
from chalicelib.store.accounts import new_account_item
from chalicelib.store.sub_accounts import new_sub_account_item
from tests.unit.test_fake_contracts import covers


@pytest.fixture
def divided(world):
    account_id = world.account("Acme")
    store, now = world.deps.store, world.deps.now()
    made = [
        new_sub_account_item(account_id, f"sub_{n}", name, now) for n, name in enumerate(["Shop", "Blog"])
    ]
    for sub_account in made:
        assert store.sub_accounts.create(sub_account)
    return account_id, made


@covers("sub_accounts.create", "sub_accounts.sub_accounts_of", "sub_accounts.get_sub_account")
def test_a_sub_account_is_an_item_and_an_id_on_its_account(world, divided):
    account_id, (shop, blog) = divided
    store = world.deps.store
    assert store.accounts.get_account(account_id).sub_account_ids == {"sub_0", "sub_1"}
    assert [s.name for s in store.sub_accounts.sub_accounts_of(account_id)] == ["Shop", "Blog"]  # by id
    assert store.sub_accounts.get_sub_account(account_id, "sub_1").name == "Blog"
    assert store.sub_accounts.get_sub_account(account_id, "sub_9") is None
    assert store.sub_accounts.create(shop).failed == {"conflict"}
    elsewhere = new_sub_account_item("acc_missing", "sub_2", "Nowhere", world.deps.now())
    assert store.sub_accounts.create(elsewhere).failed == {"full"}


@covers("sub_accounts.rename", "sub_accounts.delete")
def test_a_sub_account_is_renamed_and_deleted_with_its_id(world, divided):
    account_id, (shop, blog) = divided
    store = world.deps.store
    assert store.sub_accounts.rename(shop, "Store") and shop.name == "Store"
    assert store.sub_accounts.get_sub_account(account_id, "sub_0").name == "Store"
    assert store.sub_accounts.delete(shop)
    assert store.accounts.get_account(account_id).sub_account_ids == {"sub_1"}
    assert store.sub_accounts.delete(shop).failed == {"gone"}
    assert store.sub_accounts.rename(shop, "Again").failed == {"gone"}
    assert store.sub_accounts.delete(blog)
    assert not store.accounts.get_account(account_id).sub_account_ids  # none left: no empty set kept


@covers("accounts.rename_account")
def test_an_account_is_renamed_while_it_exists(world):
    account_id = world.account("Acme")
    store = world.deps.store
    account = store.accounts.get_account(account_id)
    assert store.accounts.rename_account(account, "Acme Hosting") and account.name == "Acme Hosting"
    assert store.accounts.get_account(account_id).name == "Acme Hosting"
    gone = new_account_item("acc_missing", "Never stored", world.deps.now())
    assert store.accounts.rename_account(gone, "Anything").failed == {"gone"}


@covers("accounts.named")
def test_names_are_read_together_and_what_is_gone_is_left_out(world, divided):
    account_id, _ = divided
    group = world.group(account_id, "Support")
    store = world.deps.store
    subs = [keys.sub_account(account_id, "sub_1"), keys.sub_account(account_id, "sub_9")]
    groups = [keys.group(account_id, group), keys.group(account_id, "grp_missing")]
    named = store.accounts.named([account_id, "acc_missing"], subs, groups)
    assert {a: item.name for a, item in named.accounts.items()} == {account_id: "Acme"}
    assert [s.name for s in named.sub_accounts] == ["Blog"]
    assert {key: g.name for key, g in named.groups.items()} == {(account_id, group): "Support"}
