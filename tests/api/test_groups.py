"""User groups: the default group and custom ones, what their members hold, and what a group manager may do
(exactly that, nothing more)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import DynamoCalls, accept_new, invite, join, onboard
from tests.helpers.concurrency import replies_together

if TYPE_CHECKING:
    from tests.helpers import Api, Clock, Joined


def make_group(
    api: Api,
    account_id: str,
    token: str,
    name: str = "Billing",
    permissions: Sequence[str] = ("invoices",),
    **extra: object,
) -> Any:
    reply = api.post(
        f"/accounts/{account_id}/groups",
        {"name": name, "permissions": list(permissions), **extra},
        token=token,
    )
    assert reply.status == 201, reply.body
    return reply.body


def join_group(
    api: Api, account_id: str, token: str, email: str, group_id: str, manager: bool = False
) -> Joined:
    body = {"emails": [email], "group_id": group_id, "group_manager": manager}
    assert api.post(f"/accounts/{account_id}/invitations", body, token=token).status == 200
    return accept_new(api, email)


def authorize(api: Api, token: str, account_id: str, permission: str) -> Any:
    return api.post("/authorize", {"account_id": account_id, "permission": permission}, token=token).body


@pytest.fixture
def billing(api: Api) -> tuple[str, Joined, str, Joined, Joined, Joined, Joined]:
    """An account with a Billing group: a manager, two plain members, and an outsider in the default group."""
    account_id, owner = onboard(api)
    group = make_group(api, account_id, owner.token)
    gid = group["group_id"]
    manager = join_group(api, account_id, owner.token, "boss@acme.com", gid, manager=True)
    other_manager = join_group(api, account_id, owner.token, "boss2@acme.com", gid, manager=True)
    clerk = join_group(api, account_id, owner.token, "clerk@acme.com", gid)
    outsider = join(api, account_id, owner.token, "dev@acme.com", permissions=["tickets"])
    return account_id, owner, gid, manager, other_manager, clerk, outsider


def test_groups_are_listed_default_first_and_names_are_unique_in_any_case(api: Api) -> None:
    account_id, owner = onboard(api)
    make_group(api, account_id, owner.token, "Web team", ["tickets"])
    make_group(api, account_id, owner.token, "billing", ["invoices"])
    clash = api.post(f"/accounts/{account_id}/groups", {"name": "  BILLING "}, token=owner.token)
    assert clash.status == 409 and clash.code == "conflict"
    listed = api.get(f"/accounts/{account_id}/groups", token=owner.token).body["items"]
    assert [g["name"] for g in listed] == ["Default User Group", "billing", "Web team"]
    assert listed[0]["group_id"] == "default" and listed[0]["member_count"] == 1  # the owner
    default = f"/accounts/{account_id}/groups/default"
    renamed, deleted = (
        api.patch(default, {"name": "Mine"}, token=owner.token),
        api.delete(default, token=owner.token),
    )
    assert (renamed.status, renamed.code) == (deleted.status, deleted.code) == (409, "conflict")  # as API.md


def test_members_hold_the_groups_permissions_and_a_change_applies_to_all_at_once(
    api: Api, billing: tuple[str, Joined, str, Joined, Joined, Joined, Joined]
) -> None:
    account_id, owner, gid, manager, _, clerk, _ = billing
    member = api.get(f"/accounts/{account_id}/members/{clerk.user_id}", token=owner.token).body
    assert (member["role"], member["permissions"], member["group_id"]) == ("member", ["invoices"], gid)
    assert authorize(api, clerk.token, account_id, "invoices")["allowed"] is True
    assert authorize(api, clerk.token, account_id, "tickets")["reason"] == "missing_permission"
    changed = api.patch(
        f"/accounts/{account_id}/groups/{gid}", {"permissions": ["tickets"]}, token=owner.token
    )
    assert changed.status == 200 and changed.body["member_count"] == 3
    for person in (clerk, manager):  # the very next request, no rewrite of anyone
        assert authorize(api, person.token, account_id, "tickets")["allowed"] is True
        assert authorize(api, person.token, account_id, "invoices")["allowed"] is False


def test_authorize_costs_one_round_trip_for_a_group_member_cold_and_warm(
    api: Api, billing: tuple[str, Joined, str, Joined, Joined, Joined, Joined]
) -> None:
    account_id, owner, gid, _, _, clerk, outsider = billing
    with DynamoCalls() as calls:
        authorize(api, outsider.token, account_id, "tickets")
    assert calls.operations == ["BatchGetItem"]
    with DynamoCalls() as first, DynamoCalls() as warm:
        assert authorize(api, clerk.token, account_id, "invoices")["allowed"] is True
        operations_then = list(first.operations)
        warm.operations.clear()
        assert authorize(api, clerk.token, account_id, "invoices")["allowed"] is True
    # the token carries the member's group as a hint: read with the membership on the first request too
    assert operations_then == ["BatchGetItem"]
    assert warm.operations == ["BatchGetItem"]  # and the process remembers which group to read
    # a stale hint is only a hint: moved to another group, the member holds the new group's grant at once
    other = make_group(api, account_id, owner.token, "Support", ["tickets"])["group_id"]
    assert (
        api.patch(
            f"/accounts/{account_id}/members/{clerk.user_id}", {"group_id": other}, token=owner.token
        ).status
        == 200
    )
    assert authorize(api, clerk.token, account_id, "invoices")["allowed"] is False
    assert authorize(api, clerk.token, account_id, "tickets")["allowed"] is True


def test_a_custom_group_says_what_its_members_hold(
    api: Api, billing: tuple[str, Joined, str, Joined, Joined, Joined, Joined]
) -> None:
    account_id, owner, gid, _, _, clerk, _ = billing
    base = f"/accounts/{account_id}"
    for body, field in (
        ({"emails": ["x@acme.com"], "group_id": gid, "permissions": ["tickets"]}, "permissions"),
        ({"emails": ["x@acme.com"], "group_id": gid, "role": "admin"}, "role"),
        ({"emails": ["x@acme.com"], "group_id": gid, "sub_accounts": []}, "sub_accounts"),
        ({"emails": ["x@acme.com"], "group_manager": True}, "group_manager"),
        ({"emails": ["x@acme.com"], "group_id": "grp_000000000000000000000000"}, "group_id"),
    ):
        reply = api.post(f"{base}/invitations", body, token=owner.token)
        assert reply.status == 400 and reply.body["error"]["details"][0]["field"] == field, reply.body
    moved = api.patch(f"{base}/members/{clerk.user_id}", {"group_id": "default"}, token=owner.token).body
    assert (moved["group_id"], moved["permissions"]) == ("default", [])
    back = api.patch(
        f"{base}/members/{clerk.user_id}", {"group_id": gid, "group_manager": True}, token=owner.token
    )
    assert (back.body["group_id"], back.body["group_manager"]) == (gid, True)


def test_a_group_manager_manages_their_own_group_and_nothing_else(
    api: Api, billing: tuple[str, Joined, str, Joined, Joined, Joined, Joined], clock: Clock
) -> None:
    account_id, owner, gid, manager, other_manager, clerk, outsider = billing
    base = f"/accounts/{account_id}"
    listed = api.get(f"{base}/members", token=manager.token).body["items"]
    assert {m["email"] for m in listed} == {"boss@acme.com", "boss2@acme.com", "clerk@acme.com"}
    assert api.get(f"{base}/members/{clerk.user_id}", token=manager.token).status == 200
    assert api.get(f"{base}/members/{outsider.user_id}", token=manager.token).status == 404
    assert api.get(f"{base}/members/{owner.user_id}", token=manager.token).status == 404
    assert api.post(f"{base}/members/{clerk.user_id}/deactivate", token=manager.token).status == 200
    assert api.post(f"{base}/members/{clerk.user_id}/reactivate", token=manager.token).status == 200
    assert api.post(f"{base}/members/{clerk.user_id}/password-reset", token=manager.token).status == 202
    assert api.post(f"{base}/members/{other_manager.user_id}/deactivate", token=manager.token).status == 403
    assert api.post(f"{base}/members/{outsider.user_id}/deactivate", token=manager.token).status == 404
    assert api.delete(f"{base}/members/{outsider.user_id}", token=manager.token).status == 404
    assert (
        api.patch(f"{base}/members/{clerk.user_id}", {"group_id": "default"}, token=manager.token).status
        == 403
    )
    assert api.post(f"{base}/groups", {"name": "Mine"}, token=manager.token).status == 403
    assert api.patch(f"{base}/groups/{gid}", {"permissions": ["payments"]}, token=manager.token).status in (
        400,
        403,
    )
    assert api.patch(f"{base}/groups/{gid}", {"permissions": ["tickets"]}, token=manager.token).status == 403
    assert [g["group_id"] for g in api.get(f"{base}/groups", token=manager.token).body["items"]] == [gid]
    assert api.get(f"{base}/groups/default", token=manager.token).status == 404

    invited = api.post(f"{base}/invitations", {"emails": ["new@acme.com"]}, token=manager.token)
    assert invited.status == 200
    invitation = invited.body["results"][0]["invitation"]
    assert (invitation["group_id"], invitation["role"], invitation["permissions"]) == (
        gid,
        "member",
        ["invoices"],
    )
    chosen: list[dict[str, object]] = [
        {"group_id": "default"},
        {"role": "member"},
        {"permissions": ["tickets"]},
        {"group_manager": True},
        {"sub_accounts": "all"},
    ]
    for extra in chosen:
        body = {"emails": ["y@acme.com"], **extra}
        assert api.post(f"{base}/invitations", body, token=manager.token).status == 403, body
    outside = invite(api, account_id, owner.token, ["z@acme.com"])["results"][0]["invitation"][
        "invitation_id"
    ]
    assert [i["email"] for i in api.get(f"{base}/invitations", token=manager.token).body["items"]] == [
        "new@acme.com"
    ]
    clock.advance(seconds=61)
    assert api.post(f"{base}/invitations/{outside}/resend", token=manager.token).status == 404
    assert api.delete(f"{base}/invitations/{outside}", token=manager.token).status == 404
    assert (
        api.post(f"{base}/invitations/{invitation['invitation_id']}/resend", token=manager.token).status
        == 200
    )
    assert api.delete(f"{base}/invitations/{invitation['invitation_id']}", token=manager.token).status == 204
    assert api.delete(f"{base}/members/{clerk.user_id}", token=manager.token).status == 204


def test_a_member_moved_out_of_the_group_is_out_of_the_managers_reach_at_once(
    api: Api, billing: tuple[str, Joined, str, Joined, Joined, Joined, Joined]
) -> None:
    account_id, owner, _, manager, _, clerk, _ = billing
    base = f"/accounts/{account_id}"
    assert (
        api.patch(f"{base}/members/{clerk.user_id}", {"group_id": "default"}, token=owner.token).status == 200
    )
    assert api.post(f"{base}/members/{clerk.user_id}/deactivate", token=manager.token).status == 404
    assert (
        api.patch(f"{base}/members/{manager.user_id}", {"group_manager": False}, token=owner.token).status
        == 200
    )
    assert api.get(f"{base}/members", token=manager.token).status == 403  # no longer a manager: no powers


def test_a_group_with_members_or_pending_invitations_is_not_deleted(
    api: Api, billing: tuple[str, Joined, str, Joined, Joined, Joined, Joined]
) -> None:
    account_id, owner, gid, manager, other_manager, clerk, _ = billing
    base = f"/accounts/{account_id}"
    assert api.delete(f"{base}/groups/{gid}", token=owner.token).code == "group_not_empty"
    for person in (manager, other_manager, clerk):
        assert api.delete(f"{base}/members/{person.user_id}", token=owner.token).status == 204
    later = {"emails": ["later@acme.com"], "group_id": gid}
    pending = api.post(f"{base}/invitations", later, token=owner.token).body
    assert api.delete(f"{base}/groups/{gid}", token=owner.token).code == "group_not_empty"
    revoked = api.delete(
        f"{base}/invitations/{pending['results'][0]['invitation']['invitation_id']}", token=owner.token
    )
    assert revoked.status == 204
    assert api.delete(f"{base}/groups/{gid}", token=owner.token).status == 204
    assert api.get(f"{base}/groups/{gid}", token=owner.token).status == 404


def test_deleting_a_group_while_someone_is_invited_into_it_leaves_nothing_dangling(api: Api) -> None:
    for attempt in range(3):
        account_id, owner = onboard(api, f"Race {attempt}", f"owner{attempt}@race.com")
        gid = make_group(api, account_id, owner.token, f"Racing {attempt}")["group_id"]
        base = f"/accounts/{account_id}"
        body, token = {"emails": ["ann@race.com"], "group_id": gid}, owner.token
        invited, deleted = replies_together(
            partial(api.post, f"{base}/invitations", body, token=token),
            partial(api.delete, f"{base}/groups/{gid}", token=token),
        )
        group_exists = api.get(f"{base}/groups/{gid}", token=owner.token).status == 200
        pending = api.get(f"{base}/invitations", token=owner.token).body["items"]
        assert all(not (i["group_id"] == gid and not group_exists) for i in pending)
        assert (deleted.status == 204) != group_exists
        assert invited.status in (200, 400, 409)  # 400: the group was gone when the invite looked


def test_two_admins_renaming_two_groups_to_one_name_leave_no_duplicate(api: Api) -> None:
    account_id, owner = onboard(api)
    admin = join(api, account_id, owner.token, "admin@acme.com", role="admin", permissions=[])
    first = make_group(api, account_id, owner.token, "First")["group_id"]
    second = make_group(api, account_id, owner.token, "Second")["group_id"]
    base = f"/accounts/{account_id}/groups"
    answers = replies_together(
        lambda: api.patch(f"{base}/{first}", {"name": "Finance"}, token=owner.token),
        lambda: api.patch(f"{base}/{second}", {"name": "finance"}, token=admin.token),
    )
    assert sorted(a.status for a in answers) == [200, 409]
    names = [g["name"].casefold() for g in api.get(base, token=owner.token).body["items"]]
    assert names.count("finance") == 1


def test_moving_a_member_while_their_manager_deactivates_them_is_consistent(
    api: Api, billing: tuple[str, Joined, str, Joined, Joined, Joined, Joined]
) -> None:
    account_id, owner, gid, manager, _, clerk, _ = billing
    base = f"/accounts/{account_id}/members/{clerk.user_id}"
    moved, deactivated = replies_together(
        lambda: api.patch(base, {"group_id": "default"}, token=owner.token),
        lambda: api.post(f"{base}/deactivate", token=manager.token),
    )
    final = api.get(base, token=owner.token).body
    if deactivated.status == 200:
        assert final["status"] == "deactivated"
    else:
        assert deactivated.status == 404 and final["group_id"] == "default"
    assert moved.status == 200 and final["group_id"] == "default"
    counts = {
        g["group_id"]: g["member_count"]
        for g in api.get(f"/accounts/{account_id}/groups", token=owner.token).body["items"]
    }
    assert counts[gid] == 2  # the two managers
