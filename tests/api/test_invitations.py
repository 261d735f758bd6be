"""Bulk invites, listing, resend and revoke."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.mail.mailer import MailDeliveryError
from tests.helpers import PASSWORD, accept_new, emails_to, invite, join, latest_link, onboard, outbox, sign_in
from tests.helpers.mail import drain_outbox
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.mail.mailer import OutgoingEmail
    from tests.helpers import Api, Clock


def path(account_id: str, suffix: str = "") -> str:
    return f"/accounts/{account_id}/invitations{suffix}"


def test_bulk_invite_gives_one_result_per_email_in_order(api: Api) -> None:
    account_id, owner = onboard(api)
    join(api, account_id, owner.token, "member@acme.com")
    invite(api, account_id, owner.token, ["pending@acme.com"])
    emails = [
        "New@Example.com", "not an email", "bob@mailinator.com", "member@acme.com", "pending@acme.com",
        "new@example.com ", "second@example.com", "x" * 10000 + "@example.com",
    ]  # fmt: skip
    results = invite(api, account_id, owner.token, emails, permissions=["tickets", "invoices"])["results"]
    assert [(r["email"], r["status"], r.get("reason")) for r in results] == [
        ("new@example.com", "invited", None),
        ("not an email", "skipped", "invalid_email"),
        ("bob@mailinator.com", "skipped", "disposable_email"),
        ("member@acme.com", "skipped", "already_member"),
        ("pending@acme.com", "skipped", "already_invited"),
        ("new@example.com", "skipped", "duplicate"),
        ("second@example.com", "invited", None),
        ("x" * 10000 + "@example.com", "skipped", "invalid_email"),
    ]
    invited = results[0]["invitation"]
    assert invited["permissions"] == ["invoices", "tickets"] and invited["role"] == "member"
    assert invited["invited_by"] == owner.user_id and invited["send_count"] == 1
    assert len(emails_to("new@example.com")) == 1 and len(emails_to("second@example.com")) == 1
    assert latest_link("new@example.com") != latest_link("second@example.com")


def test_invitation_email_says_who_where_and_until_when(api: Api) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com"], message="Welcome aboard!\nSee you.")
    [message] = emails_to("ann@example.com")
    assert message.subject == "Olive Owner invited you to Acme Hosting"
    assert "Welcome aboard!" in message.body and "Monday 30 November 2026, 09:00 UTC" in message.body
    assert "as a user." in message.body and "Your role" in message.body  # a member is a portal's "User"


def test_names_with_line_breaks_never_reach_an_email(api: Api) -> None:
    reply = api.post(
        "/accounts",
        {"name": "Evil\r\nBcc: victim@example.com", "owner_email": "o@example.com"},
        operator=True,
    )
    assert reply.code == "validation_error"
    assert outbox() == []


def test_members_cannot_be_given_admin_only_keys(api: Api) -> None:
    account_id, owner = onboard(api)
    reply = api.post(
        path(account_id),
        {"emails": ["a@example.com"], "role": "member", "permissions": ["pricing"]},
        token=owner.token,
    )
    assert reply.code == "validation_error" and reply.body["error"]["details"][0]["field"] == "permissions.0"
    unknown = api.post(
        path(account_id),
        {"emails": ["a@example.com"], "role": "member", "permissions": ["root"]},
        token=owner.token,
    )
    assert unknown.code == "validation_error"
    admin = invite(api, account_id, owner.token, ["admin@example.com"], role="admin", permissions=[])
    assert "user_management" in admin["results"][0]["invitation"]["permissions"]
    owner_role = api.post(path(account_id), {"emails": ["a@example.com"], "role": "owner"}, token=owner.token)
    assert owner_role.code == "validation_error"


def test_invite_request_limits(api: Api) -> None:
    account_id, owner = onboard(api)
    too_many = api.post(
        path(account_id),
        {"emails": [f"u{i}@example.com" for i in range(51)], "role": "member"},
        token=owner.token,
    )
    assert too_many.code == "validation_error"
    assert api.post(path(account_id), {"emails": [], "role": "member"}, token=owner.token).status == 400
    profile = api.post(
        path(account_id),
        {"emails": ["a@example.com", "b@example.com"], "role": "member", "first_name": "Ann"},
        token=owner.token,
    )
    assert profile.code == "validation_error"
    long_message = api.post(
        path(account_id),
        {"emails": ["a@example.com"], "role": "member", "message": "x" * 501},
        token=owner.token,
    )
    assert long_message.code == "validation_error"


def test_profile_fields_reach_the_new_user(api: Api) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com"], first_name="Ann", last_name="Lee", title="CFO")
    reply = api.post("/invitations/accept", {"token": latest_link("ann@example.com"), "password": PASSWORD})
    assert reply.status == 201
    assert (reply.body["user"]["first_name"], reply.body["user"]["title"]) == ("Ann", "CFO")


def test_fifty_emails_in_one_request(api: Api) -> None:
    account_id, owner = onboard(api)
    emails = [f"user{i}@example.com" for i in range(50)]
    results = invite(api, account_id, owner.token, emails)["results"]
    assert [r["status"] for r in results] == ["invited"] * 50
    assert len({link for link in (latest_link(e) for e in emails)}) == 50
    listed = api.get(path(account_id, "?limit=100"), token=owner.token).body["items"]
    assert len(listed) == 50


def test_failed_send_stays_queued_and_the_outbox_retries_it(api: Api, deps: Deps, clock: Clock) -> None:
    account_id, owner = onboard(api)
    real = deps.mailer

    class Refusing:
        def send(self, email: OutgoingEmail) -> None:
            raise MailDeliveryError("MessageRejected")

    deps.mailer = Refusing()
    result = invite(api, account_id, owner.token, ["ann@example.com"])["results"][0]
    assert result["status"] == "invited" and result["invitation"]["delivery"] == "queued"
    assert drain_outbox(deps).attempted == 1  # the worker's first attempt: refused
    listed = api.get(path(account_id), token=owner.token).body["items"]
    assert [i["delivery"] for i in listed] == ["queued"]
    deps.mailer = real
    assert drain_outbox(deps).attempted == 0  # its retry is due in 30 s
    assert drain_outbox(deps, clock() + timedelta(seconds=30)).sent == 1
    assert [i["delivery"] for i in api.get(path(account_id), token=owner.token).body["items"]] == ["sent"]
    assert drain_outbox(deps, clock() + timedelta(hours=1)).attempted == 0  # sent once, not again
    accept_new(api, "ann@example.com")


def test_an_email_the_outbox_cannot_send_in_a_day_is_failed(api: Api, deps: Deps, clock: Clock) -> None:
    account_id, owner = onboard(api)

    class Refusing:
        def send(self, email: OutgoingEmail) -> None:
            raise MailDeliveryError("MessageRejected")

    deps.mailer = Refusing()
    invite(api, account_id, owner.token, ["ann@example.com"])
    later = clock()
    for _ in range(12):
        later += timedelta(hours=6)
        drain_outbox(deps, later)
    [listed] = api.get(path(account_id), token=owner.token).body["items"]
    assert listed["delivery"] == "failed"
    assert drain_outbox(deps, later + timedelta(days=1)).attempted == 0  # given up: never again


def test_resend_gives_a_new_link_and_expiry_once_a_minute(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    invitation = invite(api, account_id, owner.token, ["ann@example.com"])["results"][0]["invitation"]
    old_link = latest_link("ann@example.com")
    resend_path = path(account_id, f"/{invitation['invitation_id']}/resend")
    too_soon = api.post(resend_path, token=owner.token)
    assert too_soon.status == 429 and too_soon.headers["retry-after"] == "60"
    clock.advance(hours=1)
    resent = api.post(resend_path, token=owner.token)
    assert resent.status == 200
    assert resent.body["send_count"] == 2
    assert resent.body["expires_at"] == "2026-11-30T10:00:00Z"
    assert resent.body["last_sent_at"] == "2026-11-23T10:00:00Z"
    new_link = latest_link("ann@example.com")
    assert new_link != old_link
    assert api.post("/invitations/lookup", {"token": old_link}).code == "not_found"
    assert api.post("/invitations/lookup", {"token": new_link}).status == 200


def test_an_invitation_can_have_its_own_validity_which_a_resend_keeps(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    result = invite(api, account_id, owner.token, ["ann@example.com"], expires_in_days=2)["results"][0]
    invitation = result["invitation"]
    assert invitation["expires_at"] == "2026-11-25T09:00:00Z"  # two days, not the service's seven
    clock.advance(days=1)
    token = sign_in(api, owner.email)  # the first token has lapsed
    resent = api.post(path(account_id, f"/{invitation['invitation_id']}/resend"), token=token)
    assert resent.body["expires_at"] == "2026-11-26T09:00:00Z"  # again two days from the resend
    clock.advance(days=2)
    expired = api.post("/invitations/lookup", {"token": latest_link("ann@example.com")})
    assert expired.status == 410 and expired.code == "invitation_expired"
    default = invite(api, account_id, sign_in(api, owner.email), ["bob@example.com"])["results"][0]
    assert default["invitation"]["expires_at"] == "2026-12-03T09:00:00Z"  # seven days from 26 November


def test_an_invitations_validity_is_one_to_thirty_days(api: Api) -> None:
    account_id, owner = onboard(api)
    for days in (0, 31, -1, "seven", 2.5):
        reply = api.post(
            path(account_id), {"emails": ["ann@example.com"], "expires_in_days": days}, token=owner.token
        )
        assert reply.code == "validation_error", days
        assert reply.body["error"]["details"][0]["field"] == "expires_in_days"
    longest = invite(api, account_id, owner.token, ["ann@example.com"], expires_in_days=30)["results"][0]
    assert longest["invitation"]["expires_at"] == "2026-12-23T09:00:00Z"


def test_expired_invitations_are_listed_apart_and_can_be_resent(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    invitation = invite(api, account_id, owner.token, ["ann@example.com"])["results"][0]["invitation"]
    clock.advance(days=7)
    token = sign_in(api, owner.email)
    assert api.get(path(account_id), token=token).body["items"] == []
    expired = api.get(path(account_id, "?status=expired"), token=token).body["items"]
    assert [(i["email"], i["status"]) for i in expired] == [("ann@example.com", "expired")]
    assert api.post(path(account_id, f"/{invitation['invitation_id']}/resend"), token=token).status == 200
    accept_new(api, "ann@example.com")


def test_an_expired_invitation_does_not_block_a_new_one(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    first = invite(api, account_id, owner.token, ["ann@example.com"])["results"][0]["invitation"]
    clock.advance(days=8)
    token = sign_in(api, owner.email)
    again = invite(api, account_id, token, ["ann@example.com"])["results"][0]
    assert again["status"] == "invited"
    expired = api.get(path(account_id, "?status=expired"), token=token).body["items"]
    assert first["invitation_id"] not in [i["invitation_id"] for i in expired]  # replaced, not left behind
    accept_new(api, "ann@example.com")


def test_revoke_kills_the_link_and_frees_the_email(api: Api) -> None:
    account_id, owner = onboard(api)
    invitation = invite(api, account_id, owner.token, ["ann@example.com"])["results"][0]["invitation"]
    link = latest_link("ann@example.com")
    assert api.delete(path(account_id, f"/{invitation['invitation_id']}"), token=owner.token).status == 204
    assert api.post("/invitations/lookup", {"token": link}).code == "not_found"
    assert (
        api.delete(path(account_id, f"/{invitation['invitation_id']}"), token=owner.token).code == "not_found"
    )
    assert invite(api, account_id, owner.token, ["ann@example.com"])["results"][0]["status"] == "invited"


def test_invitation_list_pages(api: Api) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, [f"u{i}@example.com" for i in range(7)])
    seen, cursor = [], None
    while True:
        reply = api.get(
            path(account_id, "?limit=3" + (f"&cursor={cursor}" if cursor else "")), token=owner.token
        )
        seen += [i["email"] for i in reply.body["items"]]
        cursor = reply.body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(f"u{i}@example.com" for i in range(7))
    assert api.get(path(account_id, "?limit=0"), token=owner.token).code == "validation_error"
    assert api.get(path(account_id, "?cursor=bogus"), token=owner.token).code == "validation_error"
    assert api.get(path(account_id, "?status=old"), token=owner.token).code == "validation_error"


def test_invitations_need_user_management_and_stay_in_their_account(api: Api) -> None:
    account_id, owner = onboard(api)
    other_id, other_owner = onboard(api, "Other Co", "boss@other.com")
    helper = join(api, account_id, owner.token, "helper@acme.com", permissions=["tickets"])
    invitation = invite(api, account_id, owner.token, ["ann@example.com"])["results"][0]["invitation"]
    inv_path = path(account_id, f"/{invitation['invitation_id']}")
    for token, code in [(helper.token, "forbidden"), (other_owner.token, "not_found")]:
        assert api.get(path(account_id), token=token).code == code
        assert (
            api.post(path(account_id), {"emails": ["z@example.com"], "role": "member"}, token=token).code
            == code
        )
        assert api.post(inv_path + "/resend", token=token).code == code
        assert api.delete(inv_path, token=token).code == code
    # an invitation id of account A under account B's path does not exist
    assert (
        api.delete(path(other_id, f"/{invitation['invitation_id']}"), token=other_owner.token).code
        == "not_found"
    )
    assert api.get(path(account_id), operator=True).status == 200


def test_the_email_says_role_modules_and_expiry_in_words_with_a_button_and_a_link(api: Api) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com"], permissions=["invoices", "tickets"])
    [message] = emails_to("ann@example.com")  # moto keeps the HTML part
    assert "View and pay invoices, Open and view support tickets" in message.body
    assert (
        "Monday 30 November 2026, 09:00 UTC" in message.body and ">Accept the invitation</a>" in message.body
    )
    link = present(re.search(r'href="([^"]+#token=[^"]+)"', message.body)).group(1)
    assert message.body.count(f'href="{link}"') == 2 and f">{link}</a>" in message.body


def test_a_personal_message_with_a_link_is_refused(api: Api) -> None:
    account_id, owner = onboard(api)
    for text in (
        "Log in at https://evil.example",
        "see www.evil.example",
        "mail bob@evil.example",
        "evil.com",
        "203.0.113.5/login",  # issue 25, item 6: these passed and were printed as they are
        "203.0.113.5:8443",
        "mailto:bob",
        "data:text/html,hi",
        "javascript:alert(1)",
    ):
        reply = api.post(path(account_id), {"emails": ["a@example.com"], "message": text}, token=owner.token)
        assert reply.code == "validation_error", text
        [detail] = reply.body["error"]["details"]
        assert detail["field"] == "message" and "a mail client could make a link of" in detail["message"]
    assert emails_to("a@example.com") == []
    ok = api.post(
        path(account_id),
        {"emails": ["a@example.com"], "message": "Welcome, e.g. for billing."},
        token=owner.token,
    )
    assert ok.status == 200


def test_names_in_the_subject_are_bounded_and_defanged(api: Api) -> None:
    made = api.post(
        "/accounts",
        {"name": "Pay at evil.example now " + "x" * 80, "owner_email": "o@example.com"},
        operator=True,
    )
    assert made.status == 201
    [message] = emails_to("o@example.com")
    assert "evil.example" not in message.subject and "evil[.]example" in message.subject
    # 60 characters of the name, plus the two brackets of its one defanged dot
    assert len(message.subject) == len("You are invited to ") + 60 + 2 and message.subject.endswith("…")
    assert "evil.example" not in message.body
