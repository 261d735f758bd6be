"""The User Management screen: members, roles, status, removal, ownership."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from chalicelib.services.password_reset import reset_email_for
from chalicelib.store.models import MailItem
from tests.helpers import PASSWORD, accept_new, emails_to, invite, join, link_token, onboard, sign_in

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock, Joined


def member_path(account_id: str, user_id: str = "", suffix: str = "") -> str:
    return f"/accounts/{account_id}/members" + (f"/{user_id}" if user_id else "") + suffix


@pytest.fixture
def team(api: Api) -> tuple[str, Joined, Joined, Joined]:
    account_id, owner = onboard(api)
    admin = join(api, account_id, owner.token, "admin@acme.com", role="admin", permissions=[])
    member = join(api, account_id, owner.token, "member@acme.com", permissions=["tickets"])
    return account_id, owner, admin, member


def test_member_read_shows_user_fields_role_and_effective_permissions(
    api: Api, team: tuple[str, Joined, Joined, Joined]
) -> None:
    account_id, owner, admin, member = team
    reply = api.get(member_path(account_id, member.user_id), token=admin.token)
    assert reply.status == 200
    body = reply.body
    assert body["email"] == "member@acme.com" and body["role"] == "member"
    assert body["permissions"] == ["tickets"] and body["status"] == "active"
    assert body["invited_by"] == owner.user_id and body["joined_at"] == "2026-11-23T09:00:00Z"
    admin_view = api.get(member_path(account_id, admin.user_id), token=owner.token).body
    assert "user_management" in admin_view["permissions"] and len(admin_view["permissions"]) == 16


def test_a_member_may_read_themselves_but_not_others(
    api: Api, team: tuple[str, Joined, Joined, Joined]
) -> None:
    account_id, owner, admin, member = team
    assert api.get(member_path(account_id, member.user_id), token=member.token).status == 200
    assert api.get(member_path(account_id, admin.user_id), token=member.token).code == "forbidden"
    assert api.get(member_path(account_id), token=member.token).code == "forbidden"


def test_change_role_and_permissions(api: Api, team: tuple[str, Joined, Joined, Joined]) -> None:
    account_id, owner, admin, member = team
    path = member_path(account_id, member.user_id)
    changed = api.patch(path, {"permissions": ["domains", "invoices"]}, token=admin.token)
    assert changed.status == 200 and changed.body["permissions"] == ["domains", "invoices"]
    promoted = api.patch(path, {"role": "admin"}, token=admin.token)
    assert promoted.body["role"] == "admin" and len(promoted.body["permissions"]) == 16
    demoted = api.patch(path, {"role": "member"}, token=admin.token)
    assert demoted.body["permissions"] == ["domains", "invoices"]  # the grant they had before
    bad = api.patch(path, {"permissions": ["payments"]}, token=admin.token)
    assert bad.code == "validation_error"
    assert api.patch(path, {"role": "owner"}, token=admin.token).code == "validation_error"
    assert api.patch(path, {"status": "active"}, token=admin.token).code == "validation_error"


def test_contact_details_belong_to_the_account_not_the_person(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    other_id, other_owner = onboard(api, "Blue Widgets", "owner@blue.com")
    invite(api, account_id, owner.token, ["dee@web.com"], title="Web designer", office_phone="+1 555 0100")
    dee = accept_new(api, "dee@web.com", "Dee", "Signer")
    profile = api.patch("/me", {"title": "Freelancer", "cell_phone": "+1 555 0199"}, token=dee.token).body
    assert profile["title"] == "Freelancer"
    invite(api, other_id, other_owner.token, ["dee@web.com"])  # no details: her own profile's are taken
    accepted = api.post("/invitations/accept", {"token": api.latest_link("dee@web.com")}, token=dee.token)
    assert accepted.status == 201
    at_acme = api.get(member_path(account_id, dee.user_id), token=owner.token).body
    at_blue = api.get(member_path(other_id, dee.user_id), token=other_owner.token).body
    assert (at_acme["title"], at_acme["office_phone"], at_acme["cell_phone"]) == (
        "Web designer", "+1 555 0100", None
    )  # fmt: skip
    assert (at_blue["title"], at_blue["cell_phone"]) == ("Freelancer", "+1 555 0199")
    # an admin edits them at one account ("Update a User"): the other account and her profile keep theirs
    edited = api.patch(
        member_path(account_id, dee.user_id),
        {"title": "Lead designer", "office_phone": None},
        token=owner.token,
    )
    assert edited.status == 200 and (edited.body["title"], edited.body["office_phone"]) == (
        "Lead designer",
        None,
    )
    assert edited.body["first_name"] == "Dee" and edited.body["permissions"] == [
        "tickets"
    ]  # names, access kept
    assert api.get(member_path(other_id, dee.user_id), token=other_owner.token).body["title"] == "Freelancer"
    assert api.get("/me", token=dee.token).body["user"]["title"] == "Freelancer"
    listed = api.get(member_path(account_id) + "?sort=title", token=owner.token).body["items"]
    assert [m["title"] for m in listed] == [None, "Lead designer"]  # the per-account title sorts


def test_a_member_edits_their_own_contact_details_but_not_their_access(
    api: Api, team: tuple[str, Joined, Joined, Joined]
) -> None:
    account_id, owner, admin, member = team
    own = member_path(account_id, member.user_id)
    changed = api.patch(own, {"extension": "204", "title": "Support"}, token=member.token)
    assert changed.status == 200 and (changed.body["extension"], changed.body["title"]) == ("204", "Support")
    for body in (
        {"permissions": ["tickets", "invoices"]},
        {"role": "admin"},
        {"title": "X", "role": "member"},
    ):
        assert api.patch(own, body, token=member.token).code == "forbidden", body
    assert api.get(own, token=member.token).body["permissions"] == ["tickets"]
    assert api.get(own, token=member.token).body["title"] == "Support"  # a refused request changed nothing
    others = member_path(account_id, admin.user_id)
    assert api.patch(others, {"title": "Boss"}, token=member.token).code == "forbidden"
    assert api.patch(own, {"title": "x" * 101}, token=member.token).code == "validation_error"


def test_the_owners_contact_details_can_change_though_their_access_cannot(
    api: Api, team: tuple[str, Joined, Joined, Joined]
) -> None:
    account_id, owner, admin, member = team
    path = member_path(account_id, owner.user_id)
    assert api.patch(path, {"title": "Founder"}, token=admin.token).body["title"] == "Founder"
    assert api.patch(path, {"title": "CEO"}, token=owner.token).body["title"] == "CEO"
    assert api.patch(path, {"title": "CEO", "permissions": []}, token=admin.token).code == "owner_immutable"
    assert api.get(path, token=owner.token).body["role"] == "owner"


def test_the_owner_is_immutable(api: Api, team: tuple[str, Joined, Joined, Joined]) -> None:
    account_id, owner, admin, member = team
    path = member_path(account_id, owner.user_id)
    assert api.patch(path, {"role": "member"}, token=admin.token).code == "owner_immutable"
    assert api.post(path + "/deactivate", token=admin.token).code == "owner_immutable"
    assert api.delete(path, token=admin.token).code == "owner_immutable"
    assert api.delete(path, token=owner.token).code == "owner_immutable"  # not even leaving
    assert api.get(member_path(account_id, owner.user_id), token=owner.token).body["role"] == "owner"


def test_deactivation_takes_effect_on_the_next_request(
    api: Api, team: tuple[str, Joined, Joined, Joined]
) -> None:
    account_id, owner, admin, member = team
    assert api.get(f"/accounts/{account_id}", token=member.token).status == 200
    reply = api.post(member_path(account_id, member.user_id, "/deactivate"), token=admin.token)
    assert reply.status == 200 and reply.body["status"] == "deactivated"
    assert api.get(f"/accounts/{account_id}", token=member.token).code == "not_found"
    assert api.get("/me", token=member.token).body["accounts"] == []
    assert api.post("/auth/login", {"email": member.email, "password": PASSWORD}).body["accounts"] == []
    listed = api.get(member_path(account_id) + "?status=deactivated", token=admin.token).body["items"]
    assert [m["user_id"] for m in listed] == [member.user_id]
    assert api.post(member_path(account_id, member.user_id, "/reactivate"), token=admin.token).status == 200
    assert api.get(f"/accounts/{account_id}", token=member.token).status == 200


def test_nobody_deactivates_themselves(api: Api, team: tuple[str, Joined, Joined, Joined]) -> None:
    account_id, owner, admin, member = team
    assert (
        api.post(member_path(account_id, admin.user_id, "/deactivate"), token=admin.token).code
        == "cannot_deactivate_self"
    )


def test_remove_and_invite_again(api: Api, team: tuple[str, Joined, Joined, Joined]) -> None:
    account_id, owner, admin, member = team
    assert api.delete(member_path(account_id, member.user_id), token=admin.token).status == 204
    assert api.get(f"/accounts/{account_id}", token=member.token).code == "not_found"
    assert api.get(member_path(account_id, member.user_id), token=admin.token).code == "not_found"
    assert api.get(f"/accounts/{account_id}", token=owner.token).body["member_count"] == 2
    again = invite(api, account_id, admin.token, [member.email])["results"][0]
    assert again["status"] == "invited"
    reply = api.post(
        "/invitations/accept", {"token": link_token(emails_to(member.email)[-1])}, token=member.token
    )
    assert reply.status == 201
    assert api.get(f"/accounts/{account_id}", token=member.token).status == 200


def test_anyone_may_leave(api: Api, team: tuple[str, Joined, Joined, Joined]) -> None:
    account_id, owner, admin, member = team
    assert api.delete(member_path(account_id, member.user_id), token=member.token).status == 204
    assert api.get("/me", token=member.token).body["accounts"] == []
    assert api.delete(member_path(account_id, owner.user_id), token=member.token).code == "not_found"


def test_admin_sends_a_password_reset(api: Api, team: tuple[str, Joined, Joined, Joined]) -> None:
    account_id, owner, admin, member = team
    for _ in range(4):  # the public form's hourly limit is spent: an admin's reset still goes out
        api.post("/auth/password-reset", {"email": member.email})
    assert len(emails_to(member.email)) == 1 + 3  # the invitation, then three resets
    reply = api.post(member_path(account_id, member.user_id, "/password-reset"), token=admin.token)
    assert reply.status == 202
    assert len(emails_to(member.email)) == 5
    token = link_token(emails_to(member.email)[-1])
    assert "password-reset#token=" in emails_to(member.email)[-1].body
    assert (
        api.post("/auth/password-reset/confirm", {"token": token, "new_password": "brand new secret"}).status
        == 204
    )
    assert sign_in(api, member.email, "brand new secret")


def test_rename_account_reaches_every_members_account_list(
    api: Api, team: tuple[str, Joined, Joined, Joined]
) -> None:
    account_id, owner, admin, member = team
    reply = api.patch(f"/accounts/{account_id}", {"name": "Acme Cloud"}, token=admin.token)
    assert reply.status == 200 and reply.body["name"] == "Acme Cloud"
    assert api.get("/me", token=member.token).body["accounts"][0]["name"] == "Acme Cloud"
    assert api.patch(f"/accounts/{account_id}", {"name": "x"}, token=member.token).code == "forbidden"
    assert api.patch(f"/accounts/{account_id}", {"name": ""}, token=admin.token).code == "validation_error"


def test_ownership_transfer(api: Api, team: tuple[str, Joined, Joined, Joined]) -> None:
    account_id, owner, admin, member = team
    path = f"/accounts/{account_id}/ownership"
    assert api.post(path, {"user_id": member.user_id}, token=admin.token).code == "forbidden"
    reply = api.post(path, {"user_id": member.user_id}, token=owner.token)
    assert reply.status == 200 and reply.body["owner_user_id"] == member.user_id
    assert api.get(member_path(account_id, owner.user_id), token=member.token).body["role"] == "admin"
    assert api.get(member_path(account_id, member.user_id), token=member.token).body["role"] == "owner"
    assert api.delete(member_path(account_id, member.user_id), token=owner.token).code == "owner_immutable"
    by_operator = api.post(path, {"user_id": owner.user_id}, operator=True)
    assert by_operator.status == 200 and by_operator.body["owner_user_id"] == owner.user_id


def test_ownership_goes_only_to_active_members(api: Api, team: tuple[str, Joined, Joined, Joined]) -> None:
    account_id, owner, admin, member = team
    path = f"/accounts/{account_id}/ownership"
    api.post(member_path(account_id, member.user_id, "/deactivate"), token=admin.token)
    assert api.post(path, {"user_id": member.user_id}, token=owner.token).code == "member_deactivated"
    other_id, stranger = onboard(api, "Other", "stranger@other.com")
    assert api.post(path, {"user_id": stranger.user_id}, token=owner.token).code == "not_found"
    assert api.post(path, {"user_id": "garbage"}, token=owner.token).code == "not_found"


def test_sorting_and_paging_across_pages_in_both_orders(api: Api, deps: Deps, clock: Clock) -> None:
    account_id, owner = onboard(api)
    names = [
        "delta",
        "alpha",
        "echo",
        "charlie",
        "bravo",
        "foxtrot",
        "golf",
        "hotel",
        "india",
        "juliet",
        "kilo",
    ]
    for index, name in enumerate(names):
        clock.advance(minutes=1)
        invite(api, account_id, owner.token, [f"{name}@example.com"], title=f"T{index % 3}")
        accept_new(api, f"{name}@example.com", first_name=name.title(), last_name=f"{len(names) - index:02d}")

    def walk(query: str, limit: int) -> list[dict[str, Any]]:
        seen, cursor = [], None
        while True:
            url = (
                member_path(account_id) + f"?{query}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
            )
            reply = api.get(url, token=owner.token)
            assert reply.status == 200, reply.body
            assert len(reply.body["items"]) <= limit
            seen += reply.body["items"]
            cursor = reply.body["next_cursor"]
            if cursor is None:
                return seen

    emails = [m["email"] for m in walk("sort=email", 4)]
    assert emails == sorted(emails) and len(emails) == 12
    assert [m["email"] for m in walk("sort=email&order=desc", 5)] == sorted(emails, reverse=True)
    joined = [m["joined_at"] for m in walk("sort=joined_at&order=desc", 3)]
    assert joined == sorted(joined, reverse=True)
    last_names = [m["last_name"] for m in walk("sort=last_name", 5)]
    assert last_names == sorted(last_names, key=str.lower)
    by_role = [m["role"] for m in walk("sort=role&order=desc", 5)]
    assert by_role[-1] == "member" and by_role[0] == "owner"
    titles = [m["title"] or "" for m in walk("sort=title", 2)]
    assert titles == sorted(titles, key=str.lower)
    assert len(walk("sort=last_login_at", 7)) == 12
    assert len(walk("sort=status&order=desc", 100)) == 12
    for bad in ["sort=password", "order=sideways", "limit=101", "status=gone"]:
        assert api.get(member_path(account_id) + f"?{bad}", token=owner.token).code == "validation_error"
    first = api.get(member_path(account_id) + "?sort=email&limit=2", token=owner.token).body["next_cursor"]
    mixed = api.get(member_path(account_id) + f"?sort=title&limit=2&cursor={first}", token=owner.token)
    assert mixed.code == "validation_error"


def test_paging_is_stable_when_members_leave_between_pages(
    api: Api, team: tuple[str, Joined, Joined, Joined]
) -> None:
    account_id, owner, admin, member = team
    first = api.get(member_path(account_id) + "?sort=email&limit=1", token=owner.token).body
    assert first["items"][0]["email"] == "admin@acme.com"
    api.delete(member_path(account_id, admin.user_id), token=owner.token)
    rest = api.get(member_path(account_id) + f"?sort=email&cursor={first['next_cursor']}", token=owner.token)
    assert [m["email"] for m in rest.body["items"]] == ["member@acme.com", "owner@acme.com"]


def test_one_user_in_three_accounts_with_three_roles(api: Api) -> None:
    a_id, a_owner = onboard(api, "Alpha", "designer@example.com")
    b_id, b_owner = onboard(api, "Bravo", "bravo@example.com")
    c_id, c_owner = onboard(api, "Charlie", "charlie@example.com")
    designer = a_owner
    for account_id, owner, role in [(b_id, b_owner, "admin"), (c_id, c_owner, "member")]:
        grant = [] if role == "admin" else ["tickets"]  # an admin holds every permission
        invite(api, account_id, owner.token, [designer.email], role=role, permissions=grant)
        link = link_token(emails_to(designer.email)[-1])
        assert api.post("/invitations/accept", {"token": link}, token=designer.token).status == 201
    accounts = api.post("/auth/login", {"email": designer.email, "password": PASSWORD}).body["accounts"]
    assert [(a["name"], a["role"]) for a in accounts] == [
        ("Alpha", "owner"),
        ("Bravo", "admin"),
        ("Charlie", "member"),
    ]
    assert api.get(member_path(a_id), token=designer.token).status == 200
    assert api.get(member_path(b_id), token=designer.token).status == 200
    assert api.get(member_path(c_id), token=designer.token).code == "forbidden"
    assert api.get(f"/accounts/{c_id}", token=designer.token).status == 200
    assert api.patch(f"/accounts/{c_id}", {"name": "x"}, token=designer.token).code == "forbidden"
    assert (
        api.post(f"/accounts/{b_id}/ownership", {"user_id": designer.user_id}, token=designer.token).code
        == "forbidden"
    )


def test_permissions_with_the_admin_role_are_refused_never_dropped(api: Api) -> None:
    account_id, owner = onboard(api)
    member = join(api, account_id, owner.token, "m@acme.com", permissions=["tickets"])
    base = f"/accounts/{account_id}"
    patched = api.patch(
        f"{base}/members/{member.user_id}", {"role": "admin", "permissions": ["tickets"]}, token=owner.token
    )
    assert patched.status == 400 and patched.body["error"]["details"][0]["field"] == "permissions"
    invited = api.post(
        f"{base}/invitations",
        {"emails": ["a@acme.com"], "role": "admin", "permissions": ["tickets"]},
        token=owner.token,
    )
    assert invited.status == 400 and invited.body["error"]["details"][0]["field"] == "permissions"


def test_a_member_made_admin_and_member_again_gets_their_grant_back(api: Api) -> None:
    account_id, owner = onboard(api)
    member = join(api, account_id, owner.token, "m@acme.com", permissions=["tickets", "invoices"])
    one = f"/accounts/{account_id}/members/{member.user_id}"
    assert "user_management" in api.patch(one, {"role": "admin"}, token=owner.token).body["permissions"]
    assert api.patch(one, {"role": "member"}, token=owner.token).body["permissions"] == [
        "invoices",
        "tickets",
    ]
    given = api.patch(one, {"role": "admin"}, token=owner.token) and api.patch(
        one, {"role": "member", "permissions": ["domains"]}, token=owner.token
    )
    assert given.body["permissions"] == ["domains"]  # unless the same request gives one


def test_an_admins_reset_email_names_them_and_the_public_one_does_not(
    api: Api, deps: Deps, team: tuple[str, Joined, Joined, Joined]
) -> None:
    account_id, owner, admin, member = team
    api.post("/auth/password-reset", {"email": member.email})
    public = emails_to(member.email)[-1].body
    assert "Someone (maybe you) asked to reset the password" in public and "If it was not you" in public
    reply = api.post(member_path(account_id, member.user_id, "/password-reset"), token=admin.token)
    assert reply.status == 202
    sent = emails_to(member.email)[-1].body
    assert "New Person of Acme Hosting asked to reset the password" in sent  # the admin, by name
    assert "Someone" not in sent and "If you do not want a new password, ignore this email" in sent
    # the worker renders it again from what the outbox keeps, with the same words
    [stored] = [m for m in MailItem.scan() if m.kind == "password_reset"]
    assert json.loads(stored.values or "{}") == {"asked_by": "New Person of Acme Hosting"}
    again = reset_email_for(deps, stored)
    assert again is not None and "New Person of Acme Hosting asked to reset" in again.email.text


def test_the_operators_reset_email_names_the_hosting_provider(
    api: Api, team: tuple[str, Joined, Joined, Joined]
) -> None:
    account_id, owner, admin, member = team
    reply = api.post(member_path(account_id, member.user_id, "/password-reset"), operator=True)
    assert reply.status == 202
    assert "Your hosting provider asked to reset the password" in emails_to(member.email)[-1].body
