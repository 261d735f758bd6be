"""SCIM Users through the API (issue 31) with the bodies Okta and Microsoft Entra ID send: create (a new
login gets a set-your-password email; an existing login is simply added), deactivate by PATCH `active` as a
boolean (Okta) and as the string "False" (Entra), replace (PUT), delete from this account only; filters,
paging, ETags, the owner's immutability, seats, the verified-domain rule and the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from tests.helpers import PASSWORD
from tests.helpers.flows import accept_new, invite, onboard, sign_in
from tests.helpers.scim import assert_scim_error, scim_account

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock
    from tests.helpers.scim import Scim

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
EXT = "urn:ietf:params:scim:schemas:extension:portal-access:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def okta_user(email: str, external_id: str = "00u1abcd", **extra: Any) -> dict[str, Any]:
    """What Okta's SCIM 2.0 app POSTs for a new assignment."""
    return {
        "schemas": [USER],
        "userName": email,
        "name": {"givenName": "Dana", "familyName": "Dev"},
        "emails": [{"primary": True, "value": email, "type": "work"}],
        "displayName": "Dana Dev",
        "locale": "en-US",
        "externalId": external_id,
        "groups": [],
        "password": "ignored-by-us-0",
        "active": True,
        **extra,
    }


def entra_user(email: str, external_id: str = "58342554-38d6-4ec8-948c-50044d0a33fd") -> dict[str, Any]:
    """What Microsoft Entra ID POSTs (its enterprise extension included: ignored, not refused)."""
    return {
        "schemas": [USER, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "externalId": external_id,
        "userName": email,
        "active": True,
        "addresses": [{"primary": True, "type": "work", "country": "US"}],
        "displayName": "Erin Entra",
        "emails": [{"primary": True, "type": "work", "value": email}],
        "meta": {"resourceType": "User"},
        "name": {"familyName": "Entra", "givenName": "Erin"},
        "phoneNumbers": [{"primary": True, "type": "work", "value": "+1 555 0100"}],
        "title": "Engineer",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "department": "Dev",
            "employeeNumber": "7",
        },
    }


def events(api: Api, scim: Scim, kind: str) -> list[dict[str, Any]]:
    reply = api.get(f"/accounts/{scim.account_id}/audit-events?type={kind}", operator=True)
    assert reply.status == 200, reply.body
    return cast("list[dict[str, Any]]", reply.body["items"])


def test_a_new_logins_set_password_email_is_in_the_accounts_language(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    german = api.patch(f"/accounts/{scim.account_id}", {"default_locale": "de"}, token=scim.owner.token)
    assert german.status == 200, german.body
    assert scim.post("/Users", okta_user("dana@acme.com")).status == 201
    [mail] = api.emails_to("dana@acme.com")
    assert "Das Verzeichnis von Acme Hosting, das Ihnen eine Anmeldung eingerichtet hat," in mail.body
    assert "directory" not in mail.body


def test_okta_creates_a_new_login_who_sets_a_password_and_is_a_member_at_once(
    api: Api, clock: Clock, deps: Deps
) -> None:
    scim = scim_account(api, clock)
    made = scim.post("/Users", okta_user("Dana@Acme.com"))
    assert made.status == 201, made.body
    body = made.body
    assert (body["userName"], body["active"], body["externalId"]) == ("dana@acme.com", True, "00u1abcd")
    assert body[EXT] == {
        "role": "member",
        "permissions": [],
        "allSubAccounts": True,
        "subAccounts": [],
    }
    assert body["name"] == {"givenName": "Dana", "familyName": "Dev"}
    assert made.headers["etag"] == body["meta"]["version"]
    assert body["meta"]["location"].endswith(f"/scim/v2/{scim.account_id}/Users/{body['id']}")
    # the login cannot sign in before its password is set through the emailed link (7 days)
    assert api.post("/auth/login", {"email": "dana@acme.com", "password": "ignored-by-us-0"}).status == 401
    [mail] = api.emails_to("dana@acme.com")
    assert "The directory of Acme Hosting, which gave you a login," in mail.body
    link = api.latest_link("dana@acme.com")
    clock.advance(days=6)
    assert api.post("/auth/password-reset/confirm", {"token": link, "new_password": PASSWORD}).status == 204
    signed = api.post("/auth/login", {"email": "dana@acme.com", "password": PASSWORD})
    assert signed.status == 200 and [a["account_id"] for a in signed.body["accounts"]] == [scim.account_id]
    [event] = events(api, scim, "member.provisioned")
    assert event["actor"] == {
        "kind": "scim",
        "user_id": None,
        "email": None,
        "scim_token_id": event["actor"]["scim_token_id"],
    }
    assert event["actor"]["scim_token_id"].startswith("sct_")
    assert event["target"]["id"] == body["id"]


def test_a_name_removed_by_the_directory_is_cleared_until_the_first_sign_in_then_kept(
    api: Api, clock: Clock
) -> None:
    scim = scim_account(api, clock)
    user_id = scim.post("/Users", okta_user("dana@acme.com")).body["id"]
    remove = {"schemas": [PATCH], "Operations": [{"op": "remove", "path": "name"}]}
    cleared = scim.patch(f"/Users/{user_id}", remove)
    assert cleared.status == 200 and "name" not in cleared.body, cleared.body
    assert cleared.body["displayName"] == "dana@acme.com" and "name" not in scim.get(f"/Users/{user_id}").body
    named = scim.put(f"/Users/{user_id}", okta_user("dana@acme.com"))
    assert named.body["name"] == {"givenName": "Dana", "familyName": "Dev"}
    link = api.latest_link("dana@acme.com")
    assert api.post("/auth/password-reset/confirm", {"token": link, "new_password": PASSWORD}).status == 204
    assert api.post("/auth/login", {"email": "dana@acme.com", "password": PASSWORD}).status == 200
    kept = scim.patch(f"/Users/{user_id}", remove)  # signed in once: the name is the person's own
    assert kept.status == 200 and kept.body["name"] == {"givenName": "Dana", "familyName": "Dev"}


def test_entra_creates_and_its_enterprise_extension_is_ignored(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    made = scim.post("/Users", entra_user("erin@acme.com"))
    assert made.status == 201, made.body
    assert made.body["title"] == "Engineer"
    assert made.body["phoneNumbers"] == [{"value": "+1 555 0100", "type": "work"}]
    member = api.get(f"/accounts/{scim.account_id}/members/{made.body['id']}", token=scim.owner.token).body
    assert (member["title"], member["office_phone"], member["role"]) == ("Engineer", "+1 555 0100", "member")


def test_an_unverified_domain_is_refused_alike_whether_or_not_a_login_exists(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    onboard_other = scim_account(api, clock, "Other Co", "someone@other.com", "other.com")
    for email in ("someone@other.com", "nobody@other.com"):
        refused = scim.post("/Users", okta_user(email))
        assert_scim_error(refused, 403)
        assert refused.body["detail"] == "The email's domain is not verified for this account."
    assert onboard_other.account_id != scim.account_id


def test_an_existing_login_is_added_and_an_existing_member_is_a_uniqueness_conflict(
    api: Api, clock: Clock
) -> None:
    scim = scim_account(api, clock)
    other = scim_account(api, clock, "Other Co", "pat@acme.com", "other.com")
    added = scim.post("/Users", okta_user("pat@acme.com"))
    assert added.status == 201 and added.body["id"] == other.owner.user_id
    assert not [m for m in api.emails_to("pat@acme.com") if "directory" in m.body]  # no set-password email
    again = scim.post("/Users", okta_user("PAT@acme.com", external_id="other"))
    assert_scim_error(again, 409, "uniqueness")
    twin = scim.post("/Users", okta_user("new@acme.com"))  # the same externalId as pat's
    assert_scim_error(twin, 409, "uniqueness")


def test_filters_paging_and_a_filter_refused(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    for n in range(3):
        assert scim.post("/Users", okta_user(f"user{n}@acme.com", external_id=f"ext{n}")).status == 201
    found = scim.get('/Users?filter=userName eq "USER1@acme.com"').body
    assert found["totalResults"] == 1 and found["Resources"][0]["userName"] == "user1@acme.com"
    both = scim.get('/Users?filter=externalId eq "ext2" and userName eq "user2@acme.com"').body
    assert [u["externalId"] for u in both["Resources"]] == ["ext2"]
    assert (
        scim.get('/Users?filter=externalId eq "ext2" and userName eq "user1@acme.com"').body["totalResults"]
        == 0
    )
    everyone = scim.get("/Users?startIndex=2&count=2").body
    assert (everyone["totalResults"], everyone["startIndex"], everyone["itemsPerPage"]) == (4, 2, 2)
    assert scim.get("/Users?count=1000").body["itemsPerPage"] == 4  # clamped at 100, 4 exist
    assert_scim_error(scim.get('/Users?filter=userName co "user"'), 400, "invalidFilter")
    assert_scim_error(scim.get('/Users?filter=title eq "x"'), 400, "invalidFilter")


def test_okta_deactivates_with_a_boolean_and_entra_with_the_string_false(
    api: Api, clock: Clock, deps: Deps
) -> None:
    scim = scim_account(api, clock)
    okta = scim.post("/Users", okta_user("o@acme.com", external_id="o")).body["id"]
    entra = scim.post("/Users", entra_user("e@acme.com")).body["id"]
    off = scim.patch(
        f"/Users/{okta}", {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]}
    )
    assert off.status == 200 and off.body["active"] is False
    entra_off = {"schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}
    assert scim.patch(f"/Users/{entra}", entra_off).body["active"] is False
    statuses = {
        m["user_id"]: m["status"]
        for m in api.get(f"/accounts/{scim.account_id}/members", token=scim.owner.token).body["items"]
    }
    assert statuses[okta] == statuses[entra] == "deactivated"
    assert len(events(api, scim, "member.deactivated")) == 2
    listed = scim.get('/Users?filter=userName eq "o@acme.com"').body["Resources"]
    assert listed[0]["active"] is False  # deactivated members are listed
    back = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": "True"}]}
    assert scim.patch(f"/Users/{entra}", back).body["active"] is True


def test_put_replaces_and_patch_paths_and_the_extension(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    user_id = scim.post("/Users", okta_user("d@acme.com")).body["id"]
    replaced = scim.put(
        f"/Users/{user_id}", {**okta_user("d@acme.com"), "title": "Lead", EXT: {"role": "admin"}}
    )
    assert replaced.status == 200, replaced.body
    assert (replaced.body["title"], replaced.body[EXT]["role"]) == ("Lead", "admin")
    ops = {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": f"{EXT}:role", "value": "member"},
        {"op": "replace", "path": f"{EXT}:permissions", "value": "tickets, invoices"},
        {"op": "add", "path": 'phoneNumbers[type eq "mobile"].value', "value": "+1 555 0199"},
        {"op": "remove", "path": "title"},
    ]}  # fmt: skip
    patched = scim.patch(f"/Users/{user_id}", ops)
    assert patched.status == 200, patched.body
    assert patched.body[EXT]["role"] == "member" and sorted(patched.body[EXT]["permissions"]) == [
        "invoices",
        "tickets",
    ]
    assert {"value": "+1 555 0199", "type": "mobile"} in patched.body[
        "phoneNumbers"
    ] and "title" not in patched.body
    refused = scim.patch(
        f"/Users/{user_id}",
        {
            "schemas": [PATCH],
            "Operations": [{"op": "add", "path": f"{EXT}:permissions", "value": ["payments"]}],
        },
    )
    assert_scim_error(refused, 400, "invalidValue")
    removed = scim.patch(
        f"/Users/{user_id}",
        {"schemas": [PATCH], "Operations": [{"op": "remove", "path": f"{EXT}:permissions"}]},
    )  # all its values removed: none left (RFC 7644 §3.5.2.2)
    assert removed.status == 200 and removed.body[EXT]["permissions"] == [], removed.body
    assert scim.get(f"/Users/{user_id}").body[EXT]["permissions"] == []


def test_username_and_emails_are_immutable_but_any_case_is_accepted(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    user_id = scim.post("/Users", okta_user("d@acme.com")).body["id"]
    assert scim.put(f"/Users/{user_id}", okta_user("D@ACME.COM")).status == 200
    assert_scim_error(scim.put(f"/Users/{user_id}", okta_user("x@acme.com")), 400, "mutability")
    change = {
        "schemas": [PATCH],
        "Operations": [{"op": "replace", "path": "userName", "value": "x@acme.com"}],
    }
    assert_scim_error(scim.patch(f"/Users/{user_id}", change), 400, "mutability")


def test_a_stale_if_match_is_412(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    made = scim.post("/Users", okta_user("d@acme.com")).body
    version = made["meta"]["version"]
    title = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "title", "value": "One"}]}
    assert scim.patch(f"/Users/{made['id']}", title, **{"If-Match": version}).status == 200
    again = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "title", "value": "Two"}]}
    assert_scim_error(scim.patch(f"/Users/{made['id']}", again, **{"If-Match": version}), 412)
    assert scim.get(f"/Users/{made['id']}").body["title"] == "One"


def test_the_owner_is_immutable_through_scim(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    owner = scim.owner.user_id
    off = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": False}]}
    assert_scim_error(scim.patch(f"/Users/{owner}", off), 400, "mutability")
    demote = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": f"{EXT}:role", "value": "admin"}]}
    assert_scim_error(scim.patch(f"/Users/{owner}", demote), 400, "mutability")
    assert_scim_error(scim.delete(f"/Users/{owner}"), 409)
    promote = scim.post("/Users", okta_user("x@acme.com", **cast("dict[str, Any]", {EXT: {"role": "owner"}})))
    assert_scim_error(promote, 400, "mutability")


def test_seats_apply_with_a_detail_naming_the_limit_and_leave_no_login_made_for_it(
    api: Api, clock: Clock, deps: Deps
) -> None:
    scim = scim_account(api, clock)
    assert api.put(f"/accounts/{scim.account_id}/seats", {"limit": 1}, operator=True).status == 200
    full = scim.post("/Users", okta_user("d@acme.com"))
    assert_scim_error(full, 409)
    assert "1 seat" in full.body["detail"]
    # the login made for the refused create is gone with it (no set-your-password email either)
    assert deps.store.users.login_state("d@acme.com")[0] is None and api.emails_to("d@acme.com") == []
    assert api.post("/auth/password-reset", {"email": "d@acme.com"}).status == 202
    assert api.emails_to("d@acme.com") == []  # no login: a reset sends nothing
    # an existing login refused for seats stays as it was: its other account and its password
    other, joined = onboard(api, "Other Co", "e@acme.com")
    assert_scim_error(scim.post("/Users", okta_user("e@acme.com")), 409)
    assert api.post("/auth/login", {"email": "e@acme.com", "password": PASSWORD}).status == 200
    assert [a["account_id"] for a in api.get("/me", token=joined.token).body["accounts"]] == [other]


def test_a_user_removed_by_one_directory_still_signs_in_and_reaches_another_account(
    api: Api, clock: Clock
) -> None:
    first = scim_account(api, clock)
    second = scim_account(api, clock, "Other Co", "boss@other.com", "other.com")
    invite(api, second.account_id, second.owner.token, ["pat@acme.com"])
    pat = accept_new(api, "pat@acme.com")
    user_id = first.post("/Users", okta_user("pat@acme.com")).body["id"]
    assert user_id == pat.user_id
    assert first.delete(f"/Users/{user_id}").status == 204
    assert_scim_error(first.get(f"/Users/{user_id}"), 404)
    token = sign_in(api, "pat@acme.com")
    me = api.get("/me", token=token).body
    assert [a["account_id"] for a in me["accounts"]] == [second.account_id]
    assert api.get(f"/accounts/{second.account_id}", token=token).status == 200
    assert api.get(f"/accounts/{first.account_id}", token=token).status == 404
    [removed] = events(api, first, "member.removed")
    assert removed["actor"]["kind"] == "scim"


def test_account_a_token_reaches_nothing_of_account_b(api: Api, clock: Clock) -> None:
    first = scim_account(api, clock)
    second = scim_account(api, clock, "Other Co", "boss@other.com", "other.com")
    b_user = second.post("/Users", okta_user("x@other.com")).body["id"]
    assert_scim_error(first.get(f"/Users/{b_user}"), 404)  # not a member here
    assert_scim_error(first.delete(f"/Users/{b_user}"), 404)
    assert_scim_error(first.get(f"/Users/{second.owner.user_id}"), 404)
    crossed = api.call("GET", f"/scim/v2/{second.account_id}/Users/{b_user}", token=first.token)
    assert_scim_error(crossed, 401)  # B's endpoint with A's token: as an unknown token
    assert second.get(f"/Users/{b_user}").status == 200


def test_plain_json_is_taken_and_another_media_type_refused_in_scims_body(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    plain = scim.post("/Users", okta_user("j@acme.com"), **{"Content-Type": "application/json"})
    assert plain.status == 201
    text = scim.post("/Users", okta_user("t@acme.com"), **{"Content-Type": "text/plain"})
    assert_scim_error(text, 415)
