"""A member whose scope is a list (their own, or their custom group's) signs in at 3 round trips: the
sub-accounts and groups their page needed at the last sign-in are read with the login and the page (the
email's item says which, store/scope_hints.py `ScopeHint`), and only what the memberships and groups read now
need beyond that costs a read. The names listed are always those of the items as they are now."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import PASSWORD, DynamoCalls, accept_new, invite, onboard

if TYPE_CHECKING:
    from tests.helpers import Api, Joined, Reply

ONE_READ = ["UpdateItem", "BatchGetItem", "TransactWriteItems"]
# a scope item the hint did not name: one BatchGetItem more
ONE_MORE = ["UpdateItem", "BatchGetItem", "BatchGetItem", "TransactWriteItems"]


def login(api: Api, email: str) -> tuple[Any, DynamoCalls]:
    with DynamoCalls() as calls:
        reply = api.post("/auth/login", {"email": email, "password": PASSWORD})
    assert reply.status == 200, reply.body
    return reply, calls


def reached(reply: Reply) -> list[str] | str:
    """The names of the sub-accounts the login's one account lists (or "all")."""
    (account,) = reply.body["accounts"]
    subs = account["sub_accounts"]
    return subs if subs == "all" else [s["name"] for s in subs]


@pytest.fixture
def acme(api: Api) -> tuple[str, Joined, dict[str, str]]:
    """An account with three sub-accounts: (account id, owner, {name: sub-account id})."""
    account_id, owner = onboard(api)
    base = f"/accounts/{account_id}/sub-accounts"
    made = {
        name: api.post(base, {"name": name}, token=owner.token).body["sub_account_id"]
        for name in ("Shop", "Blog", "Wiki")
    }
    return account_id, owner, made


def test_a_scoped_member_signs_in_at_three_round_trips_once_signed_in_before(
    api: Api, acme: tuple[str, Joined, dict[str, str]]
) -> None:
    account_id, owner, subs = acme
    scope = [subs["Shop"], subs["Wiki"]]
    invite(api, account_id, owner.token, ["scoped@acme.com"], permissions=["invoices"], sub_accounts=scope)
    accept_new(api, "scoped@acme.com")
    # the email's item says where it leads (the accept listed the account) but names no scope item yet:
    # as an item written before the hint carried them, it still works, at one read more
    first, calls = login(api, "scoped@acme.com")
    assert calls.operations == ONE_MORE and calls.read_twice == []
    assert reached(first) == ["Shop", "Wiki"]
    again, calls = login(api, "scoped@acme.com")
    assert calls.operations == ONE_READ and calls.read_twice == []
    assert again.body["accounts"] == first.body["accounts"]


def test_a_group_members_sub_accounts_come_with_the_login_in_one_read(
    api: Api, acme: tuple[str, Joined, dict[str, str]]
) -> None:
    account_id, owner, subs = acme
    base = f"/accounts/{account_id}"
    group = {"name": "Desk", "permissions": ["invoices"], "sub_accounts": [subs["Blog"], subs["Shop"]]}
    gid = api.post(f"{base}/groups", group, token=owner.token).body["group_id"]
    assert api.post(f"{base}/invitations", {"emails": ["ann@acme.com"], "group_id": gid}, token=owner.token)
    accept_new(api, "ann@acme.com")
    first, calls = login(api, "ann@acme.com")
    # before any hint: the group, then its sub-accounts, each its own read
    assert calls.operations == [
        "UpdateItem",
        "BatchGetItem",
        "BatchGetItem",
        "BatchGetItem",
        "TransactWriteItems",
    ]
    assert reached(first) == ["Blog", "Shop"]
    again, calls = login(api, "ann@acme.com")
    assert calls.operations == ONE_READ and calls.read_twice == []
    assert reached(again) == ["Blog", "Shop"]

    # the group's scope changes: the group read with the login decides, the one sub-account the hint did
    # not name is read, and the next login names it
    api.patch(f"{base}/groups/{gid}", {"sub_accounts": [subs["Wiki"], subs["Shop"]]}, token=owner.token)
    changed, calls = login(api, "ann@acme.com")
    assert calls.operations == ONE_MORE and calls.read_twice == []
    assert reached(changed) == ["Shop", "Wiki"]
    assert login(api, "ann@acme.com")[1].operations == ONE_READ
    api.patch(f"{base}/groups/{gid}", {"sub_accounts": "all"}, token=owner.token)
    everything, calls = login(api, "ann@acme.com")
    assert calls.operations == ONE_READ and reached(everything) == "all"


def test_a_stale_hint_still_lists_exactly_the_sub_accounts_reached_as_they_are_now(
    api: Api, acme: tuple[str, Joined, dict[str, str]]
) -> None:
    account_id, owner, subs = acme
    member = f"/accounts/{account_id}/members"
    invite(
        api, account_id, owner.token, ["dev@acme.com"], permissions=["invoices"], sub_accounts=[subs["Shop"]]
    )
    dev = accept_new(api, "dev@acme.com")
    login(api, "dev@acme.com")  # the hint now names the shop

    # the member's own list changes: the shop, read ahead, is no longer listed; the blog is read
    api.patch(f"{member}/{dev.user_id}", {"sub_accounts": [subs["Blog"], subs["Wiki"]]}, token=owner.token)
    moved, calls = login(api, "dev@acme.com")
    assert calls.operations == ONE_MORE and calls.read_twice == []
    assert reached(moved) == ["Blog", "Wiki"]

    # renamed since the last sign-in: the item read ahead is the item now
    api.patch(f"/accounts/{account_id}/sub-accounts/{subs['Blog']}", {"name": "News"}, token=owner.token)
    renamed, calls = login(api, "dev@acme.com")
    assert calls.operations == ONE_READ and reached(renamed) == ["News", "Wiki"]

    # deleted since: asked for with the login and not found, so gone, at no read more
    assert api.delete(f"/accounts/{account_id}/sub-accounts/{subs['Wiki']}", token=owner.token).status == 204
    deleted, calls = login(api, "dev@acme.com")
    assert calls.operations == ONE_READ and reached(deleted) == ["News"]

    # no scope any more: nothing read ahead is listed, and the hint names nothing after
    api.patch(f"{member}/{dev.user_id}", {"sub_accounts": "all"}, token=owner.token)
    unscoped, calls = login(api, "dev@acme.com")
    assert calls.operations == ONE_READ and reached(unscoped) == "all"
    with DynamoCalls() as calls:
        assert api.post("/auth/login", {"email": "dev@acme.com", "password": PASSWORD}).status == 200
    assert calls.items == 1 + 1 + 2  # the login, the user, the membership and the account: nothing ahead
