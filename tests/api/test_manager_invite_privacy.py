"""A group manager learns nothing about people outside their group through a bulk invite (issue 25, item 4):
the owner, admins, other groups' members, deactivated members and invitations outside the group are answered
exactly as an address that is nobody's; people of their own group are answered as they are."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from tests.helpers import accept_new, invite, join, onboard

if TYPE_CHECKING:
    from tests.helpers import Api


def _group(api: Api, account_id: str, token: str, name: str) -> str:
    body = {"name": name, "permissions": ["invoices"]}
    return cast("str", api.post(f"/accounts/{account_id}/groups", body, token=token).body["group_id"])


def _shape(result: dict[str, Any]) -> tuple[Any, ...]:
    """What a result shows about the address, without what differs between any two new invitations."""
    invitation = dict(result.get("invitation") or {})
    for varying in ("invitation_id", "email", "created_at", "expires_at", "last_sent_at"):
        invitation.pop(varying, None)
    return result["status"], result.get("reason"), invitation


def test_a_group_manager_cannot_tell_outsiders_from_nobody(api: Api) -> None:
    account_id, owner = onboard(api)
    billing = _group(api, account_id, owner.token, "Billing")
    web = _group(api, account_id, owner.token, "Web")
    invitations = f"/accounts/{account_id}/invitations"

    def into_web(email: str) -> None:
        body = {"emails": [email], "group_id": web}
        assert api.post(invitations, body, token=owner.token).status == 200

    into = {"emails": ["boss@acme.com"], "group_id": billing, "group_manager": True}
    assert api.post(invitations, into, token=owner.token).status == 200
    boss = accept_new(api, "boss@acme.com")
    join(api, account_id, owner.token, "admin@acme.com", role="admin", permissions=[])
    gone = join(api, account_id, owner.token, "gone@acme.com", permissions=["tickets"])
    api.post(f"/accounts/{account_id}/members/{gone.user_id}/deactivate", token=owner.token)
    into_web("web@acme.com")
    accept_new(api, "web@acme.com")
    into_web("later@acme.com")
    invite(api, account_id, owner.token, ["pending@acme.com"], permissions=["tickets"])
    assert api.post(invitations, {"emails": ["clerk@acme.com"]}, token=boss.token).status == 200
    accept_new(api, "clerk@acme.com")

    outsiders = ["owner@acme.com", "admin@acme.com", "gone@acme.com", "web@acme.com", "later@acme.com",
                 "pending@acme.com"]  # fmt: skip
    for email in outsiders:
        probe = api.post(invitations, {"emails": [email, f"nobody.{email}"]}, token=boss.token)
        assert probe.status == 200, probe.body
        theirs, nobodys = probe.body["results"]
        assert _shape(theirs) == _shape(nobodys), email
        assert theirs["status"] == "invited" and theirs["email"] == email
    own = api.post(invitations, {"emails": ["clerk@acme.com"]}, token=boss.token).body["results"][0]
    assert own["status"] == "skipped" and own["reason"] == "already_member"
    seen_by_owner = api.post(invitations, {"emails": ["web@acme.com"]}, token=owner.token).body["results"][0]
    assert seen_by_owner["reason"] == "already_member"
