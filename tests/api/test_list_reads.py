"""Issue 26, counts not times: every member list (each sort, order, status filter and group, a group
manager's included) and every invitation list costs one page whatever the account holds, and reads each
item once: an index's keys, then the page's items by key (store/members.py `ordered_page`)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import DynamoCalls
from tests.helpers.bulk import seed

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api

SORTS = ("email", "first_name", "last_name", "title", "role", "status", "joined_at", "last_login_at")
LIMIT = 10
# Authorization's reads (the caller's membership, user, account) and the page's custom group.
AROUND = 4
# The keys read: each status range is a Query of limit + 2 keys at most (a cursor's row and the one
# telling whether more follow); a sort by status reads the next range's first keys too.
KEYS = 2 * (LIMIT + 2) + 2


@pytest.fixture(params=[60, 300], ids=["60-members", "300-members"])
def big(request: pytest.FixtureRequest, api: Api, deps: Deps) -> tuple[str, str, str]:
    """An account of 60 or 300 members (every tenth deactivated), 30 pending invitations, and a custom
    group of 12 of its members."""
    account_id, token, _ = seed(deps, request.param - 1, 30, 0)
    base = f"/accounts/{account_id}"
    group = api.post(f"{base}/groups", {"name": "Billing"}, token=token).body
    listed = api.get(f"{base}/members?sort=last_name&limit=40", token=token).body["items"]
    moved = [m["user_id"] for m in listed if m["role"] != "owner"][:12]
    for user_id in moved:
        reply = api.patch(f"{base}/members/{user_id}", {"group_id": group["group_id"]}, token=token)
        assert reply.status == 200, reply.body
    return base, token, group["group_id"]


def _pages(api: Api, path: str, token: str) -> Iterator[tuple[Any, DynamoCalls]]:
    """The first page and the one its cursor opens, each with the calls it made."""
    with DynamoCalls() as calls:
        first = api.get(path, token=token)
    assert first.status == 200, (path, first.body)
    yield first.body, calls
    if first.body["next_cursor"]:
        with DynamoCalls() as calls:
            second = api.get(f"{path}&cursor={first.body['next_cursor']}", token=token)
        assert second.status == 200, (path, second.body)
        yield second.body, calls


def _check(path: str, body: Any, calls: DynamoCalls) -> None:
    shown = len(body["items"])
    assert shown <= LIMIT, path
    assert calls.whole_read_twice == [], (path, calls.whole_read_twice)
    assert len(calls.whole_read) <= shown + AROUND, (path, len(calls.whole_read), shown)
    assert len(calls.keys_read) - len(calls.whole_read) <= KEYS, (path, calls.keys_read)
    assert len(calls.operations) <= 5 and "Scan" not in calls.operations, (path, calls.operations)


def test_every_member_list_reads_one_page_and_each_item_once(api: Api, big: tuple[str, str, str]) -> None:
    base, token, group_id = big
    groups = (None, "default", group_id)
    for sort, order, status, group in product(
        SORTS, ("asc", "desc"), (None, "active", "deactivated"), groups
    ):
        path = f"{base}/members?sort={sort}&order={order}&limit={LIMIT}"
        path += (f"&status={status}" if status else "") + (f"&group_id={group}" if group else "")
        pages = list(_pages(api, path, token))
        for body, calls in pages:
            _check(path, body, calls)
        assert len(pages[0][0]["items"]) == LIMIT or status == "deactivated" or group == group_id, path


def test_every_invitation_list_reads_one_page_and_each_item_once(api: Api, big: tuple[str, str, str]) -> None:
    base, token, group_id = big
    for group in (None, "default", group_id):
        path = f"{base}/invitations?limit={LIMIT}" + (f"&group_id={group}" if group else "")
        pages = list(_pages(api, path, token))
        for body, calls in pages:
            _check(path, body, calls)
    assert len(pages[0][0]["items"]) == 0  # the custom group has no invitations: an empty page reads none
