"""The custom groups' rules, called directly on the fakes and again on moto (tests/api/test_rules_on_moto.py):
names unique in any case, the default group fixed, only an empty group deleted, the default group's count
what the custom ones leave, and a group manager who learns nothing of people outside the group by inviting."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from chalicelib.domain.caller import OPERATOR, Caller, Grant
from chalicelib.errors import AppError
from chalicelib.schemas.groups import GroupIn, GroupListQuery, GroupUpdateIn
from chalicelib.schemas.invitations import InviteIn
from chalicelib.services import groups, invitations
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.store.models_people import AccountItem
    from tests.helpers.fakes import FakeWorld


def raised(call: Callable[[], object]) -> AppError:
    with pytest.raises(AppError) as caught:
        call()
    return caught.value


@pytest.fixture
def team(world: FakeWorld) -> tuple[str, str, AccountItem | None]:
    account_id = world.account("Acme")
    owner = world.member(account_id, "owner@acme.com", "owner")
    return account_id, owner, world.deps.store.accounts.get_account(account_id)


def test_names_are_unique_in_any_case_and_the_default_group_is_fixed(
    world: FakeWorld, team: tuple[str, str, AccountItem | None]
) -> None:
    _, _, account = team
    deps = world.deps
    support = groups.create_group(
        deps, OPERATOR, present(account), GroupIn(name="Support", permissions=["tickets"])
    )
    billing = groups.create_group(deps, OPERATOR, present(account), GroupIn(name="Billing"))
    taken = raised(lambda: groups.create_group(deps, OPERATOR, present(account), GroupIn(name=" support")))
    assert (taken.code, taken.message) == ("conflict", "Another group of this account has that name.")
    rename = GroupUpdateIn(name="SUPPORT")
    assert raised(
        lambda: groups.update_group(deps, OPERATOR, present(account), billing.group_id, rename)
    ).code == ("conflict")
    renamed = groups.update_group(
        deps, OPERATOR, present(account), billing.group_id, GroupUpdateIn(name="Invoices")
    )
    assert renamed.name == "Invoices"
    fixed = raised(lambda: groups.delete_group(deps, OPERATOR, present(account), "default"))
    assert fixed.message == "The Default User Group cannot be changed or deleted."
    listed = groups.list_groups(deps, OPERATOR, present(account), GroupListQuery()).items
    assert [g.name for g in listed][1:] == ["Invoices", "Support"]
    assert support.group_id in {g.group_id for g in listed}


def test_only_an_empty_group_is_deleted_and_the_default_group_counts_the_rest(
    world: FakeWorld, team: tuple[str, str, AccountItem | None]
) -> None:
    account_id, _, account = team
    deps = world.deps
    support = groups.create_group(deps, OPERATOR, present(account), GroupIn(name="Support")).group_id
    world.member(account_id, "dev@acme.com", group_id=support)
    world.member(account_id, "ops@acme.com")
    account = present(deps.store.accounts.get_account(account_id))
    assert groups.get_group(deps, OPERATOR, account, "default").member_count == 2  # the owner and ops
    assert groups.get_group(deps, OPERATOR, account, support).member_count == 1
    busy = raised(lambda: groups.delete_group(deps, OPERATOR, account, support))
    assert busy.code == "group_not_empty"
    empty = groups.create_group(deps, OPERATOR, account, GroupIn(name="Empty")).group_id
    groups.delete_group(deps, OPERATOR, account, empty)
    assert raised(lambda: groups.get_group(deps, OPERATOR, account, empty)).code == "not_found"


def test_a_group_manager_cannot_tell_an_outsider_from_nobody_by_inviting(
    world: FakeWorld, team: tuple[str, str, AccountItem | None]
) -> None:
    account_id, _, account = team
    deps = world.deps
    web = groups.create_group(deps, OPERATOR, present(account), GroupIn(name="Web")).group_id
    billing = groups.create_group(deps, OPERATOR, present(account), GroupIn(name="Billing")).group_id
    boss = world.member(account_id, "boss@acme.com", group_id=billing, group_manager=True)
    world.member(account_id, "web@acme.com", group_id=web)
    world.member(account_id, "clerk@acme.com", group_id=billing)
    grant = Grant("member", frozenset(), group_id=billing, group_manager=True)
    by_boss = Caller("user", user_id=boss, email="boss@acme.com", name="Boss", grant=grant)
    account = present(deps.store.accounts.get_account(account_id))
    for outsider in ("owner@acme.com", "web@acme.com"):
        body = InviteIn.model_validate({"emails": [outsider, f"nobody.{outsider}"], "group_id": billing})
        theirs, nobodys = invitations.invite(deps, by_boss, account, body).results
        assert (theirs.status, theirs.reason) == (nobodys.status, nobodys.reason) == ("invited", None)
    own = invitations.invite(
        deps, by_boss, account, InviteIn.model_validate({"emails": ["clerk@acme.com"], "group_id": billing})
    )
    assert (own.results[0].status, own.results[0].reason) == ("skipped", "already_member")
