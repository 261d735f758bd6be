"""POST /authorize agrees with what the routes allow, and with the sub-accounts each actor is shown: for
every actor of the permission matrix, every permission key, and no sub-account, one in scope, one out of
scope and an unknown one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import pytest

from chalicelib.domain.permissions import ALL_KEYS
from chalicelib.domain.support import SUPPORT_BARRED_SEGMENTS
from chalicelib.ids import new_id
from chalicelib.store.sub_accounts import new_sub_account_item
from tests.api import test_permission_matrix as matrix
from tests.helpers.seed import token_for

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.api.test_permission_matrix import World
    from tests.helpers import Api

ACTORS, MATRIX, expected = matrix.ACTORS, matrix.MATRIX, matrix.expected
world = matrix.world  # the same fixture: the same actors on the same account

HOLDS = {
    "owner": set(ALL_KEYS),
    "admin": set(ALL_KEYS),
    "member_with": {"profile", "tickets", "contacts"},
    "member_scoped": {"profile", "tickets", "contacts"},
    "member_without": set(),
    "group_member": {"tickets", "contacts"},
    "group_manager": {"tickets", "contacts"},
    "support": set(ALL_KEYS),
}  # fmt: skip  (support acts as the owner)
SIGNED_IN = [actor for actor in ACTORS if actor not in ("anonymous", "operator")]


def token_of(deps: Deps, world: World, actor: str) -> str:
    return world.support_token if actor == "support" else token_for(deps, world.ids[actor])


def spec(actor: str, key: str, case: str) -> str | None:
    """The reason /authorize must give (None: allowed), written from the actors' definitions."""
    if actor in ("outsider", "removed"):
        return "not_member"
    if actor == "deactivated":
        return "deactivated"
    if key not in HOLDS[actor]:
        return "missing_permission"
    if case == "unknown":
        return "unknown_sub_account"
    if case == "out_of_scope" and actor == "member_scoped":
        return "sub_account_not_in_scope"
    return None


@pytest.fixture
def cases(deps: Deps, world: World) -> dict[str, str | None]:
    other = new_sub_account_item(world.account_id, new_id("sub"), "Other shop", deps.now())
    assert deps.store.sub_accounts.create(other)
    return {"none": None, "in_scope": world.scoped_to, "out_of_scope": other.sub_account_id,
            "unknown": "sub_000000000000000000000000"}  # fmt: skip


def ask(api: Api, token: str, account_id: str, key: str, sub_account_id: str | None) -> dict[str, Any]:
    body = {"account_id": account_id, "permission": key}
    if sub_account_id:
        body["sub_account_id"] = sub_account_id
    reply = api.post("/authorize", body, token=token)
    assert reply.status == 200, reply.body
    return cast("dict[str, Any]", reply.body)


@pytest.mark.parametrize("actor", SIGNED_IN)
def test_authorize_answers_every_key_and_sub_account_case_as_specified(
    api: Api, deps: Deps, world: World, cases: dict[str, str | None], actor: str
) -> None:
    token = token_of(deps, world, actor)
    for key in ALL_KEYS:
        for case, sub_account_id in cases.items():
            answer = ask(api, token, world.account_id, key, sub_account_id)
            reason = spec(actor, key, case)
            assert (answer["allowed"], answer["reason"]) == (reason is None, reason), (actor, key, case)
            assert (answer["role"] is None) == (reason == "not_member"), (actor, key, case)


@pytest.mark.parametrize("actor", SIGNED_IN)
def test_authorize_agrees_with_what_every_account_route_allows(
    api: Api, deps: Deps, world: World, actor: str
) -> None:
    token = token_of(deps, world, actor)
    for method, path, needs, _ in MATRIX:
        route_allows = expected(actor, needs, method, path.split("?")[0]) == "2xx"  # as the matrix proves
        if needs in ("owner", "operator", "operator_only", "join") or (
            actor == "group_manager" and needs == "user_management"
        ):
            continue  # not a permission: ownership, the operator's, joining, a group manager's powers
        if actor == "support" and SUPPORT_BARRED_SEGMENTS & set(path.split("/")):
            continue  # refused a support token whatever its member holds
        key = "profile" if needs == "any" else needs
        answer = ask(api, token, world.account_id, key, None)
        agrees = (
            answer["reason"] not in ("not_member", "deactivated") if needs == "any" else answer["allowed"]
        )
        assert agrees == route_allows, (actor, method, path)


@pytest.mark.parametrize("actor", ["owner", "admin", "member_with", "member_scoped", "group_member"])
def test_the_sub_accounts_listed_are_those_authorize_reaches(
    api: Api, deps: Deps, world: World, cases: dict[str, str | None], actor: str
) -> None:
    token = token_of(deps, world, actor)
    listed = api.get(f"/accounts/{world.account_id}/sub-accounts", token=token).body["items"]
    reachable = {
        sub_account_id
        for case, sub_account_id in cases.items()
        if case in ("in_scope", "out_of_scope")
        and ask(api, token, world.account_id, "tickets", sub_account_id)["allowed"]
    }
    assert {s["sub_account_id"] for s in listed} == reachable
