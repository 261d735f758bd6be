"""Issue 26: /authorize is one round trip for a custom group's member on a cold process too. The token
carries which custom group the member was in at each account (a hint of which group item the authorizing
BatchGetItem brings along), so even the first request of a fresh process reads the group with the
membership; the membership read with it decides, so a hint gone stale costs one more read, never a wrong
answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from chalicelib.services import group_hints
from chalicelib.services.group_hints import GroupHints
from chalicelib.store.joining import joining, write_joining
from chalicelib.store.members import new_membership_item
from chalicelib.store.tx import Tx
from tests.helpers import PASSWORD, DynamoCalls, accept_new, onboard
from tests.helpers.present import present
from tests.helpers.seed import seed_account

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Joined


def _cold(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh process: it has learned no member's group yet."""
    monkeypatch.setattr(group_hints, "GROUP_HINTS", GroupHints())


def _desk_member(api: Api) -> tuple[str, Joined, str, Joined]:
    account_id, owner = onboard(api)
    base = f"/accounts/{account_id}"
    group = {"name": "Desk", "permissions": ["invoices"]}
    gid = api.post(f"{base}/groups", group, token=owner.token).body["group_id"]
    assert api.post(
        f"{base}/invitations", {"emails": ["ann@example.com"], "group_id": gid}, token=owner.token
    )
    return account_id, owner, gid, accept_new(api, "ann@example.com", "Ann", "Desk")


def _authorize(api: Api, token: str, account_id: str, permission: str) -> tuple[bool, list[str]]:
    with DynamoCalls() as calls:
        reply = api.post("/authorize", {"account_id": account_id, "permission": permission}, token=token)
    assert reply.status == 200, reply.body
    return bool(reply.body["allowed"]), calls.operations


def test_a_group_member_is_authorized_cold_in_one_read_with_the_accepts_token(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id, _, _, ann = _desk_member(api)
    _cold(monkeypatch)
    assert _authorize(api, ann.token, account_id, "invoices") == (True, ["BatchGetItem"])
    assert _authorize(api, ann.token, account_id, "quotes") == (False, ["BatchGetItem"])


@pytest.mark.parametrize("accounts", [1, 120])
def test_a_group_member_is_authorized_cold_in_one_read_in_1_or_120_accounts(
    api: Api, deps: Deps, monkeypatch: pytest.MonkeyPatch, accounts: int
) -> None:
    account_id, _, _, ann = _desk_member(api)
    user = present(deps.store.users.get_user(ann.user_id))
    for n in range(accounts - 1):  # as plain members elsewhere, seeded through accepting's own writer
        name = f"Other {n:03d}"
        other = seed_account(deps, name)
        membership = new_membership_item(
            other, ann.user_id, "member", ["tickets"], deps.now(), user=user, account_name=name
        )
        assert write_joining(Tx(), joining(membership, user.email), claim_of=None, list_login=True).commit()
    token = api.post("/auth/login", {"email": "ann@example.com", "password": PASSWORD}).body["access_token"]
    _cold(monkeypatch)
    assert _authorize(api, token, account_id, "invoices") == (True, ["BatchGetItem"])


def test_a_stale_hint_costs_one_more_read_and_the_membership_decides(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Moved to another group after the token was issued: the token's hint names the old group; the answer
    is the new group's, at the cost of its read, and the process then knows the new group."""
    account_id, owner, _, ann = _desk_member(api)
    base = f"/accounts/{account_id}"
    other = {"name": "Quotes", "permissions": ["quotes"]}
    gid = api.post(f"{base}/groups", other, token=owner.token).body["group_id"]
    moved = api.patch(f"{base}/members/{ann.user_id}", {"group_id": gid}, token=owner.token)
    assert moved.status == 200, moved.body
    _cold(monkeypatch)
    assert _authorize(api, ann.token, account_id, "invoices") == (False, ["BatchGetItem", "GetItem"])
    assert _authorize(api, ann.token, account_id, "quotes") == (True, ["BatchGetItem"])
