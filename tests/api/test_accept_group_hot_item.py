"""Issue 26, for custom groups: an accept into a group adds to one of the group's counter shards (by user)
instead of the group item, so two accepts into one group share no item but, at worst, a shard; the groups
list and a group's read add the shards in; deleting a group sums the group item and its shards, and holds
each of them as read."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from chalicelib.store import groups as groups_module
from chalicelib.store import keys
from chalicelib.store.groups import GroupStore, count_changes
from chalicelib.store.models import Item
from chalicelib.store.tx import Tx
from tests.helpers import PASSWORD, latest_link, onboard
from tests.helpers.concurrency import run_together
from tests.helpers.faults import Transactions

if TYPE_CHECKING:
    from tests.helpers import Api, Reply


def _accept(api: Api, link: str) -> Reply:
    body = {"token": link, "password": PASSWORD, "first_name": "New", "last_name": "Member"}
    return api.post("/invitations/accept", body)


def _group(api: Api, account_id: str, token: str, name: str = "Billing") -> str:
    reply = api.post(
        f"/accounts/{account_id}/groups", {"name": name, "permissions": ["invoices"]}, token=token
    )
    assert reply.status == 201, reply.body
    return str(reply.body["group_id"])


def _invite(api: Api, account_id: str, token: str, emails: list[str], group_id: str) -> None:
    body = {"emails": emails, "group_id": group_id}
    assert api.post(f"/accounts/{account_id}/invitations", body, token=token).status == 200


def _listed(api: Api, account_id: str, token: str, query: str = "") -> dict[str, int]:
    reply = api.get(f"/accounts/{account_id}/groups{query}", token=token)
    assert reply.status == 200, reply.body
    return {g["group_id"]: g["member_count"] for g in reply.body["items"]}


def test_two_accepts_into_one_group_write_no_item_in_common_but_shards(api: Api) -> None:
    account_id, owner = onboard(api)
    gid = _group(api, account_id, owner.token)
    _invite(api, account_id, owner.token, ["ann@example.com", "bob@example.com"], gid)
    links = [latest_link("ann@example.com"), latest_link("bob@example.com")]
    with Transactions().on() as sent:
        assert [_accept(api, link).status for link in links] == [201, 201]
    assert len(sent.keys) == 2
    assert all(keys.group(account_id, gid) not in written for written in sent.keys)  # nor the group item
    group_shards = set(keys.group_counts(account_id, gid))
    assert all(len(written & group_shards) == 1 for written in sent.keys)  # each added to one group shard
    shards = group_shards | set(keys.account_counts(account_id))
    assert sent.keys[0] & sent.keys[1] <= shards  # and nothing else they both wrote


def test_many_accepts_into_one_group_at_once_count_exactly_in_the_list_and_the_group(api: Api) -> None:
    account_id, owner = onboard(api)
    gid = _group(api, account_id, owner.token)
    emails = [f"p{i}@acme.com" for i in range(12)]
    _invite(api, account_id, owner.token, emails, gid)
    links = [latest_link(email) for email in emails]

    def accepting(link: str) -> Callable[[], tuple[int, object]]:
        def accept() -> tuple[int, object]:
            reply = contextvars.Context().run(_accept, api, link)
            return reply.status, None if reply.status == 201 else reply.body

        return accept

    assert run_together(*[accepting(link) for link in links]) == [(201, None)] * 12
    assert _listed(api, account_id, owner.token) == {"default": 1, gid: 12}
    assert api.get(f"/accounts/{account_id}/groups/{gid}", token=owner.token).body["member_count"] == 12
    stored = GroupStore().get_group(account_id, gid)
    assert stored is not None and (stored.member_count, stored.invitation_count) == (12, 0)


def test_a_page_of_groups_holds_limit_groups_each_with_its_shards(api: Api) -> None:
    account_id, owner = onboard(api)
    first, second, third = (_group(api, account_id, owner.token, name) for name in ("A", "B", "C"))
    emails = ["ann@example.com", "bob@example.com", "cat@example.com"]
    _invite(api, account_id, owner.token, emails[:2], second)
    _invite(api, account_id, owner.token, emails[2:], third)
    assert all(_accept(api, latest_link(email)).status == 201 for email in emails)
    reply = api.get(f"/accounts/{account_id}/groups?limit=2", token=owner.token).body
    assert {g["group_id"]: g["member_count"] for g in reply["items"]} == {"default": 1, first: 0}
    rest = _listed(api, account_id, owner.token, f"?limit=2&cursor={reply['next_cursor']}")
    assert rest == {second: 2, third: 1}


def test_a_group_with_members_is_not_deleted_and_an_emptied_one_goes_with_its_shards(api: Api) -> None:
    account_id, owner = onboard(api)
    gid = _group(api, account_id, owner.token)
    _invite(api, account_id, owner.token, ["ann@example.com", "bob@example.com"], gid)
    accepted = [_accept(api, latest_link(e)) for e in ("ann@example.com", "bob@example.com")]
    joined = [reply.body["membership"]["user_id"] for reply in accepted]
    path = f"/accounts/{account_id}/groups/{gid}"
    assert api.delete(path, token=owner.token).status == 409
    assert api.delete(f"/accounts/{account_id}/members/{joined[0]}", token=owner.token).status == 204
    assert api.delete(path, token=owner.token).status == 409  # one member is still in it
    assert api.delete(f"/accounts/{account_id}/members/{joined[1]}", token=owner.token).status == 204
    assert api.delete(path, token=owner.token).status == 204
    assert api.get(path, token=owner.token).status == 404
    pk, sk = keys.group(account_id, gid)
    assert list(Item.query(pk, Item.sk.startswith(sk), consistent_read=True)) == []  # no shard left behind


def test_an_accept_landing_between_the_deletes_read_and_its_commit_stops_it(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id, owner = onboard(api)
    gid = _group(api, account_id, owner.token)
    read = groups_module._read
    landed: list[bool] = []

    def read_then_an_accept_lands(account: str, prefix: str) -> Any:
        found = read(account, prefix)
        if not landed:  # once, after the delete's first read: a shard the read saw empty (absent) moves
            tx = Tx()
            count_changes(tx, account_id, [(gid, "member_count", 1)], shard_of="usr_late")
            assert tx.commit()
            landed.append(True)
        return found

    group = GroupStore().get_group(account_id, gid)
    assert group is not None and group.member_count == 0
    monkeypatch.setattr(groups_module, "_read", read_then_an_accept_lands)
    assert GroupStore().delete(group).failed == {"not_empty"}  # read again: the shard's member counts
    stored = GroupStore().get_group(account_id, gid)
    assert stored is not None and stored.member_count == 1
