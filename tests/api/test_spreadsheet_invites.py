"""Spreadsheet invites: `emails` items that are rows with their own contact details, reaching the
invitation and then the member; the skip reasons' order; the account's invitations left for the day."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from tests.helpers import PASSWORD, invite, join, latest_link, onboard, outbox, sign_in

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock


def path(account_id: str, suffix: str = "") -> str:
    return f"/accounts/{account_id}/invitations{suffix}"


def accept(api: Api, email: str, **fields: str) -> Any:
    reply = api.post("/invitations/accept", {"token": latest_link(email), "password": PASSWORD, **fields})
    assert reply.status == 201, reply.body
    return reply.body


def member_of(api: Api, account_id: str, token: str, user_id: str) -> dict[str, Any]:
    reply = api.get(f"/accounts/{account_id}/members/{user_id}", token=token)
    assert reply.status == 200, reply.body
    return cast("dict[str, Any]", reply.body)


ANN = {
    "email": " Ann@Example.com ",
    "first_name": "Ann",
    "last_name": "Archer",
    "title": "Bookkeeper",
    "cell_phone": "+44 7700 900123",
    "office_phone": "+44 20 7946 0000",
    "extension": "42",
}


def test_rows_with_details_are_invited_and_each_persons_details_reach_the_member(api: Api) -> None:
    account_id, owner = onboard(api)
    bob = {"email": "bob@example.com", "first_name": "Bob", "last_name": "Baker", "title": "Developer"}
    results = invite(api, account_id, owner.token, [ANN, bob])["results"]
    assert [(r["email"], r["status"]) for r in results] == [
        ("ann@example.com", "invited"),
        ("bob@example.com", "invited"),
    ]
    # Ann types nothing but a password: her row gave her names and contact details
    ann = accept(api, "ann@example.com")
    assert (ann["user"]["first_name"], ann["user"]["last_name"]) == ("Ann", "Archer")
    got = member_of(api, account_id, owner.token, ann["user"]["user_id"])
    assert [got[k] for k in ("title", "cell_phone", "office_phone", "extension")] == [
        "Bookkeeper", "+44 7700 900123", "+44 20 7946 0000", "42",
    ]  # fmt: skip
    # Bob types his own name and title when he accepts: what he typed wins over the row
    bob_joined = accept(api, "bob@example.com", first_name="Robert", title="Lead developer")
    assert (bob_joined["user"]["first_name"], bob_joined["user"]["last_name"]) == ("Robert", "Baker")
    bob_member = member_of(api, account_id, owner.token, bob_joined["user"]["user_id"])
    assert (bob_member["title"], bob_member["cell_phone"]) == ("Lead developer", None)


def test_strings_and_rows_mixed_keep_input_order_and_each_rows_details_stay_its_own(api: Api) -> None:
    account_id, owner = onboard(api)
    emails: list[str | dict[str, str]] = [
        "plain@example.com",
        {"email": "row@example.com", "title": "CFO"},
        "  Other@Example.com",
    ]
    results = invite(api, account_id, owner.token, emails)["results"]
    assert [(r["email"], r["status"]) for r in results] == [
        ("plain@example.com", "invited"),
        ("row@example.com", "invited"),
        ("other@example.com", "invited"),
    ]
    plain = accept(api, "plain@example.com", first_name="Pat", last_name="Plain")
    row = accept(api, "row@example.com", first_name="Rae", last_name="Row")
    assert member_of(api, account_id, owner.token, plain["user"]["user_id"])["title"] is None
    assert member_of(api, account_id, owner.token, row["user"]["user_id"])["title"] == "CFO"
    # a row without names still needs them typed at accept, as a plain address does
    invite(api, account_id, owner.token, [{"email": "nameless@example.com", "title": "Ops"}])
    reply = api.post(
        "/invitations/accept", {"token": latest_link("nameless@example.com"), "password": PASSWORD}
    )
    assert reply.code == "validation_error"
    assert [d["field"] for d in reply.body["error"]["details"]] == ["first_name", "last_name"]


def test_a_row_of_an_existing_login_sets_its_contact_details_here_but_not_its_names(api: Api) -> None:
    account_id, owner = onboard(api)
    other_account, other_owner = onboard(api, "Other Co", "other@acme.com")
    known = join(api, other_account, other_owner.token, "known@example.com")
    row = {"email": "known@example.com", "first_name": "Someone", "title": "Auditor", "extension": "7"}
    invite(api, account_id, owner.token, [row])
    reply = api.post("/invitations/accept", {"token": latest_link("known@example.com"), "password": PASSWORD})
    assert reply.status == 201, reply.body
    assert reply.body["user"]["first_name"] == "New"  # a login's names stay its own
    member = member_of(api, account_id, owner.token, known.user_id)
    assert (member["title"], member["extension"]) == ("Auditor", "7")


def test_a_single_row_takes_the_requests_details_under_its_own(api: Api) -> None:
    account_id, owner = onboard(api)
    row = {"email": "ann@example.com", "title": "Row title"}
    invite(api, account_id, owner.token, [row], first_name="Ann", last_name="Lee", title="Request title")
    joined = accept(api, "ann@example.com")
    assert (joined["user"]["first_name"], joined["user"]["last_name"]) == ("Ann", "Lee")
    assert member_of(api, account_id, owner.token, joined["user"]["user_id"])["title"] == "Row title"


def test_bad_rows_fail_the_request_naming_each_field_and_invite_nobody(api: Api) -> None:
    account_id, owner = onboard(api)
    body = {
        "emails": [
            "fine@example.com",
            {"email": "a@example.com", "role": "admin"},  # role is per request, not per row
            {"first_name": "No address"},
            {"email": "b@example.com", "title": "t" * 101},
            {"email": "c@example.com", "cell_phone": "1" * 41, "extension": "1" * 21},
            {"email": 42},
            7,
            {"email": "d@example.com", "first_name": "Line\nbreak"},
        ],
        "permissions": ["tickets"],
    }
    reply = api.post(path(account_id), body, token=owner.token)
    assert reply.status == 400 and reply.code == "validation_error"
    fields = {d["field"]: d["message"] for d in reply.body["error"]["details"]}
    # (a text's length says "items" as on every profile route: api/requests.py cannot tell them apart)
    limits = {
        name: fields.pop(name) for name in ("emails.3.title", "emails.4.cell_phone", "emails.4.extension")
    }
    assert [message.split(" ")[:5] for message in limits.values()] == [
        ["must", "have", "at", "most", "100"],
        ["must", "have", "at", "most", "40"],
        ["must", "have", "at", "most", "20"],
    ]
    assert fields == {
        "emails.1.role": "unknown field",
        "emails.2.email": "is required",
        "emails.5.email": "must be text",
        "emails.6": "must be an email address, or an object with one under 'email'",
        "emails.7.first_name": "must not contain control characters, line breaks or text-direction overrides",
    }
    assert [mail.to for mail in outbox()] == [("owner@acme.com",)]  # the owner's own invitation only
    assert api.get(path(account_id), token=owner.token).body["items"] == []
    two_with_request_details = {"emails": [{"email": "a@example.com"}, "b@example.com"], "title": "CFO"}
    reply = api.post(path(account_id), two_with_request_details, token=owner.token)
    assert reply.code == "validation_error" and reply.body["error"]["details"][0]["field"] == "title"


def test_skip_reasons_come_in_the_contracts_order(api: Api) -> None:
    """invalid_email, disposable_email, duplicate, already_member, already_invited: an email that two reasons
    fit gets the earlier one."""
    account_id, owner = onboard(api)
    join(api, account_id, owner.token, "member@acme.com")
    invite(api, account_id, owner.token, ["pending@acme.com"])
    emails: list[str | dict[str, str]] = [
        "not an email", {"email": "not an email", "first_name": "Twice"},  # invalid beats duplicate
        "bob@mailinator.com", "BOB@mailinator.com",  # disposable beats duplicate
        "member@acme.com", {"email": "Member@acme.com", "title": "Again"},  # duplicate beats already_member
        {"email": "pending@acme.com"}, "pending@acme.com",  # duplicate beats already_invited
        "owner@acme.com",  # the owner is a member
        "new@example.com", {"email": "new@example.com", "title": "Dup"},
    ]  # fmt: skip
    results = invite(api, account_id, owner.token, emails)["results"]
    assert [(r["email"], r["status"], r.get("reason")) for r in results] == [
        ("not an email", "skipped", "invalid_email"),
        ("not an email", "skipped", "invalid_email"),
        ("bob@mailinator.com", "skipped", "disposable_email"),
        ("bob@mailinator.com", "skipped", "disposable_email"),
        ("member@acme.com", "skipped", "already_member"),
        ("member@acme.com", "skipped", "duplicate"),
        ("pending@acme.com", "skipped", "already_invited"),
        ("pending@acme.com", "skipped", "duplicate"),
        ("owner@acme.com", "skipped", "already_member"),
        ("new@example.com", "invited", None),
        ("new@example.com", "skipped", "duplicate"),
    ]
    # the duplicate's details went nowhere: the first row's (none) are the invitation's
    joined = accept(api, "new@example.com", first_name="New", last_name="Person")
    assert member_of(api, account_id, owner.token, joined["user"]["user_id"])["title"] is None


def test_the_allowance_names_the_accounts_invitations_left_today(api: Api, deps: Deps, clock: Clock) -> None:
    deps.settings = replace(deps.settings, account_invitations_per_day=5)
    account_id, owner = onboard(api)
    start = api.get(path(account_id, "/allowance"), token=owner.token)
    assert start.status == 200, start.body
    assert start.body == {
        "per_day": 5,
        "sent_today": 0,
        "remaining_today": 5,
        "resets_at": "2026-11-24T00:00:00Z",
    }
    invite(api, account_id, owner.token, ["a@example.com", "b@example.com", {"email": "c@example.com"}])
    after = api.get(path(account_id, "/allowance"), token=owner.token).body
    assert (after["sent_today"], after["remaining_today"]) == (3, 2)
    # a request is sent whole or not at all: 3 more do not fit, and nothing of it is counted
    over = api.post(
        path(account_id),
        {"emails": ["u0@example.com", "u1@example.com", "u2@example.com"]},
        token=owner.token,
    )
    assert over.code == "rate_limited"
    invite(api, account_id, owner.token, ["u0@example.com", "u1@example.com"])
    full = api.get(path(account_id, "/allowance"), token=owner.token).body
    assert (full["sent_today"], full["remaining_today"]) == (5, 0)
    clock.advance(days=1)
    tomorrow = api.get(path(account_id, "/allowance"), token=sign_in(api, "owner@acme.com")).body
    assert (tomorrow["sent_today"], tomorrow["remaining_today"]) == (0, 5)


def test_the_allowance_is_for_those_who_invite(api: Api) -> None:
    account_id, owner = onboard(api)
    member = join(api, account_id, owner.token, "plain@example.com")
    assert api.get(path(account_id, "/allowance"), token=member.token).code == "forbidden"
    assert api.get(path(account_id, "/allowance")).code == "unauthenticated"
    _, stranger = onboard(api, "Elsewhere", "else@acme.com")
    assert api.get(path(account_id, "/allowance"), token=stranger.token).code == "not_found"


def test_the_document_states_an_item_as_an_address_or_a_row(api: Api) -> None:
    document = api.get("/openapi.json").body
    schemas = document["components"]["schemas"]
    items = schemas["InviteIn"]["properties"]["emails"]["items"]
    assert items == {"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/InviteeIn"}]}
    row = schemas["InviteeIn"]
    assert row["required"] == ["email"] and row["additionalProperties"] is False
    assert set(row["properties"]) == {
        "email", "first_name", "last_name", "title", "cell_phone", "office_phone", "extension",
    }  # fmt: skip
    allowance = document["paths"]["/accounts/{account_id}/invitations/allowance"]["get"]
    answer = allowance["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/InvitationAllowance"}
    assert schemas["InvitationAllowance"]["required"] == [
        "per_day",
        "sent_today",
        "remaining_today",
        "resets_at",
    ]
