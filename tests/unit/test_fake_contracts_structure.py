"""Contract cases (as tests/unit/test_fake_contracts.py) for how an account is named and divided: its name,
its sub-accounts and groups, the names read together for emails and the account list, and who holds each
email claimed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from chalicelib.services.invitations import new_invitation
from chalicelib.store import keys
from chalicelib.store.accounts import new_account_item
from chalicelib.store.groups import new_group_item
from chalicelib.store.models import InvitationItem, MembershipItem
from chalicelib.store.sub_accounts import new_sub_account_item
from tests.helpers.present import of_type, present
from tests.unit.test_fake_contracts import covers

if TYPE_CHECKING:
    from chalicelib.store.models_account import SubAccountItem
    from tests.helpers.fakes import FakeWorld


@pytest.fixture
def divided(world: FakeWorld) -> tuple[str, list[SubAccountItem]]:
    account_id = world.account("Acme")
    store, now = world.deps.store, world.deps.now()
    made = [
        new_sub_account_item(account_id, f"sub_{n}", name, now) for n, name in enumerate(["Shop", "Blog"])
    ]
    for sub_account in made:
        assert store.sub_accounts.create(sub_account)
    return account_id, made


@covers("sub_accounts.create", "sub_accounts.sub_accounts_of", "sub_accounts.get_sub_account")
def test_a_sub_account_is_an_item_and_an_id_on_its_account(
    world: FakeWorld, divided: tuple[str, list[SubAccountItem]]
) -> None:
    account_id, (shop, blog) = divided
    store = world.deps.store
    assert present(store.accounts.get_account(account_id)).sub_account_ids == {"sub_0", "sub_1"}
    assert [s.name for s in store.sub_accounts.sub_accounts_of(account_id)] == ["Shop", "Blog"]  # by id
    assert present(store.sub_accounts.get_sub_account(account_id, "sub_1")).name == "Blog"
    assert store.sub_accounts.get_sub_account(account_id, "sub_9") is None
    assert store.sub_accounts.create(shop).failed == {"conflict"}
    elsewhere = new_sub_account_item("acc_missing", "sub_2", "Nowhere", world.deps.now())
    assert store.sub_accounts.create(elsewhere).failed == {"full"}


@covers("sub_accounts.rename", "sub_accounts.delete")
def test_a_sub_account_is_renamed_and_deleted_with_its_id(
    world: FakeWorld, divided: tuple[str, list[SubAccountItem]]
) -> None:
    account_id, (shop, blog) = divided
    store = world.deps.store
    assert store.sub_accounts.rename(shop, "Store") and shop.name == "Store"
    assert present(store.sub_accounts.get_sub_account(account_id, "sub_0")).name == "Store"
    assert store.sub_accounts.delete(shop)
    assert present(store.accounts.get_account(account_id)).sub_account_ids == {"sub_1"}
    assert store.sub_accounts.delete(shop).failed == {"gone"}
    assert store.sub_accounts.rename(shop, "Again").failed == {"gone"}
    assert store.sub_accounts.delete(blog)
    assert not present(store.accounts.get_account(account_id)).sub_account_ids  # none left: no empty set kept


@covers("accounts.rename_account")
def test_an_account_is_renamed_while_it_exists(world: FakeWorld) -> None:
    account_id = world.account("Acme")
    store = world.deps.store
    account = present(store.accounts.get_account(account_id))
    assert store.accounts.rename_account(account, "Acme Hosting") and account.name == "Acme Hosting"
    assert present(store.accounts.get_account(account_id)).name == "Acme Hosting"
    gone = new_account_item("acc_missing", "Never stored", world.deps.now())
    assert store.accounts.rename_account(gone, "Anything").failed == {"gone"}


@covers("accounts.named")
def test_names_are_read_together_and_what_is_gone_is_left_out(
    world: FakeWorld, divided: tuple[str, list[SubAccountItem]]
) -> None:
    account_id, _ = divided
    group = world.group(account_id, "Support")
    store = world.deps.store
    subs = [keys.sub_account(account_id, "sub_1"), keys.sub_account(account_id, "sub_9")]
    groups = [keys.group(account_id, group), keys.group(account_id, "grp_missing")]
    named = store.accounts.named([account_id, "acc_missing"], subs, groups)
    assert {a: item.name for a, item in named.accounts.items()} == {account_id: "Acme"}
    assert [s.name for s in named.sub_accounts] == ["Blog"]
    assert {key: g.name for key, g in named.groups.items()} == {(account_id, group): "Support"}


@covers("groups.create", "groups.update", "groups.delete")
def test_a_group_name_is_unique_in_any_case_and_only_an_empty_group_goes(world: FakeWorld) -> None:
    account_id = world.account("Acme")
    store, now = world.deps.store, world.deps.now()
    support = new_group_item(account_id, "grp_1", "Support", None, ["tickets"], None, now)
    assert store.groups.create(support)
    assert present(store.accounts.get_account(account_id)).group_count == 1
    twin = new_group_item(account_id, "grp_2", "  SUPPORT ", None, [], None, now)
    assert store.groups.create(twin).failed == {"name_taken"}
    billing = new_group_item(account_id, "grp_2", "Billing", None, [], None, now)
    assert store.groups.create(billing)
    assert store.groups.update(billing, "Billing", name="support").failed == {"name_taken"}
    assert store.groups.update(billing, "Billing", name="Invoices", description="Money")
    read = present(store.groups.get_group(account_id, "grp_2"))
    assert (read.name, read.description) == ("Invoices", "Money")
    assert store.groups.create(new_group_item(account_id, "grp_3", "Billing", None, [], None, now))  # freed
    world.member(account_id, "dev@acme.com", group_id="grp_1")
    assert store.groups.delete(present(store.groups.get_group(account_id, "grp_1"))).failed == {"not_empty"}
    assert store.groups.delete(read)
    assert store.groups.get_group(account_id, "grp_2") is None
    assert present(store.accounts.get_account(account_id)).group_count == 2
    assert store.groups.update(read, "Invoices", description="x").failed == {"group_gone"}
    lapsed = new_group_item("acc_missing", "grp_9", "Orphan", None, [], None, now)
    assert store.groups.create(lapsed).failed == {"full"}


@covers("groups.group_grants")
def test_a_groups_grants_are_read_alone(world: FakeWorld) -> None:
    account_id = world.account("Acme")
    store, now = world.deps.store, world.deps.now()
    assert store.groups.create(
        new_group_item(account_id, "grp_1", "Support", None, ["tickets"], ["sub_1"], now)
    )
    grants = present(store.groups.group_grants(account_id, "grp_1"))
    assert (grants.permissions, grants.sub_accounts) == (["tickets"], ["sub_1"])
    assert store.groups.group_grants(account_id, "grp_2") is None
    assert store.groups.group_grants("acc_other", "grp_1") is None


@covers("claims.holders")
def test_each_claim_is_answered_with_its_holder(world: FakeWorld) -> None:
    account_id = world.account("Acme")
    owner = world.member(account_id, "owner@acme.com", "owner")
    store = world.deps.store
    entry, _ = new_invitation(world.deps, account_id, "ann@x.com", "member", [], None, {})
    assert not store.invitations.create_invitations([entry], world.deps.now()).lost
    claims = store.invitations.claims(account_id, ["owner@acme.com", "ann@x.com"])
    holders = store.claims.holders(account_id, claims.values())
    assert of_type(holders["owner@acme.com"], MembershipItem).user_id == owner
    assert of_type(holders["ann@x.com"], InvitationItem).invitation_id == entry.invitation.invitation_id
    stale = claims["ann@x.com"]
    stale.ref_id = "inv_missing"
    assert set(store.claims.holders(account_id, [stale, claims["owner@acme.com"]])) == {"owner@acme.com"}
    assert store.claims.holders(account_id, []) == {}


@covers("accounts.create_account")
def test_an_account_is_created_with_its_owners_invitation_or_not_at_all(world: FakeWorld) -> None:
    deps, now = world.deps, world.deps.now()
    store = deps.store
    account = new_account_item("acc_new", "New Co", now)
    owner, _ = new_invitation(deps, "acc_new", "olive@new.co", "owner", [], None, {})
    assert store.accounts.create_account(account, owner)
    assert present(store.accounts.get_account("acc_new")).name == "New Co"
    assert [i.role for i in store.invitations.invitations_of("acc_new")] == ["owner"]
    again, _ = new_invitation(deps, "acc_new", "olive@new.co", "owner", [], None, {})
    assert store.accounts.create_account(account, again).failed == {"conflict", ("claimed", "olive@new.co")}
    other = new_account_item("acc_other", "Other", now)
    for n in range(deps.settings.recipient_emails_per_hour):  # the address's hour fills up
        entry, _ = new_invitation(deps, world.account(f"A{n}"), "busy@x.co", "member", [], None, {})
        assert not store.invitations.create_invitations([entry], now).limited
    busy, _ = new_invitation(deps, "acc_other", "busy@x.co", "owner", [], None, {})
    assert store.accounts.create_account(other, busy).failed == {("address_limit", "hour:busy@x.co")}
    assert store.accounts.get_account("acc_other") is None
    assert store.invitations.invitations_of("acc_other") == []
