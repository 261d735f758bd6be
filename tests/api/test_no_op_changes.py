"""A change that changes nothing is not recorded (issue 25, item 9): a second deactivate or reactivate, a
PATCH to what a member already has, a sub-account or group renamed to its own name answer as usual and write
no audit event (so no webhook is sent twice under a new id)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.helpers import join, onboard

if TYPE_CHECKING:
    from tests.helpers import Api


def _events(api: Api, account_id: str, kind: str) -> Any:
    reply = api.get(f"/accounts/{account_id}/audit-events?type={kind}", operator=True)
    assert reply.status == 200, reply.body
    return reply.body["items"]


def test_a_second_deactivate_or_reactivate_records_nothing(api: Api) -> None:
    account_id, owner = onboard(api)
    clerk = join(api, account_id, owner.token, "clerk@acme.com", permissions=["tickets"])
    member = f"/accounts/{account_id}/members/{clerk.user_id}"
    for action, status in (("deactivate", "deactivated"), ("reactivate", "active")):
        for _ in range(2):
            reply = api.post(f"{member}/{action}", token=owner.token)
            assert reply.status == 200 and reply.body["status"] == status
        (only,) = _events(api, account_id, f"member.{action}d")
        assert only["changes"] is not None


def test_a_patch_to_what_a_member_has_records_nothing(api: Api) -> None:
    account_id, owner = onboard(api)
    clerk = join(api, account_id, owner.token, "clerk@acme.com", permissions=["tickets"])
    member = f"/accounts/{account_id}/members/{clerk.user_id}"
    before = len(_events(api, account_id, "member.updated"))
    for body in (
        {"role": "member"},
        {"permissions": ["tickets"]},
        {"role": "member", "permissions": ["tickets"]},
    ):
        reply = api.patch(member, body, token=owner.token)
        assert reply.status == 200 and reply.body["permissions"] == ["tickets"]
    assert len(_events(api, account_id, "member.updated")) == before
    changed = api.patch(member, {"role": "member", "title": "Clerk"}, token=owner.token)
    assert changed.status == 200 and changed.body["title"] == "Clerk"
    latest = _events(api, account_id, "member.updated")  # newest first
    assert len(latest) == before + 1 and set(latest[0]["changes"]) == {"title"}  # not the role it had


def test_a_sub_account_or_group_renamed_to_its_own_name_records_nothing(api: Api) -> None:
    account_id, owner = onboard(api)
    base = f"/accounts/{account_id}"
    shop = api.post(f"{base}/sub-accounts", {"name": "Shop"}, token=owner.token).body["sub_account_id"]
    renamed = api.patch(f"{base}/sub-accounts/{shop}", {"name": "Shop"}, token=owner.token)
    assert renamed.status == 200 and renamed.body["name"] == "Shop"
    assert _events(api, account_id, "sub_account.updated") == []
    group = api.post(f"{base}/groups", {"name": "Web", "permissions": ["tickets"]}, token=owner.token).body
    same = {"name": "Web", "permissions": ["tickets"]}
    assert api.patch(f"{base}/groups/{group['group_id']}", same, token=owner.token).status == 200
    assert _events(api, account_id, "group.updated") == []
