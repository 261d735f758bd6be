"""The portal's pages in a real browser (Debian's chromium) against the real local server: what a person
does from the emailed link on, with the keyboard alone where it matters, and an axe-core check."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

import boto3
import pytest
from playwright.sync_api import Page, expect

from chalicelib.store.models import format_time
from tests.e2e.browser import emailed_link
from tests.helpers.flows import accept_new, invite, sign_in
from tests.helpers.settings import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Locator

    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "a much longer new passphrase"


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


def new_account(live: Live, name: str, owner: str) -> str:
    reply = live.post("/accounts", {"name": name, "owner_email": owner}, operator=True)
    assert reply.status == 201, reply.body
    return cast("str", reply.body["account"]["account_id"])


def owned_account(live: Live, name: str) -> tuple[str, str, str]:
    """An account whose owner joined through the API: (account_id, owner email, owner token)."""
    owner = unique("owner")
    account_id = new_account(live, name, owner)
    return account_id, owner, accept_new(live, owner, "Olive", "Owner").token


def sign_in_page(page: Page, live: Live, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{live.base_url}/portal/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def row_action(page: Page, who: str, action: str) -> None:
    """Opens a row's Actions menu (named after whom the row is) and picks one of its items."""
    page.get_by_role("button", name=f"Actions for {who}").click()
    page.get_by_role("menuitem", name=action).click()


def expire_invitation(live: Live, invitation_id: str) -> None:
    """Moves an invitation's expiry (and its link's) into the past in the server's own table."""
    age_invitation(live, invitation_id, "expires_at")


def age_invitation(live: Live, invitation_id: str, attribute: str) -> None:
    """Moves a time of an invitation's items into the past in the server's own table (the live server's
    clock is the real one)."""
    dynamodb = boto3.client(
        "dynamodb", endpoint_url=live.moto, region_name="us-east-1",
        aws_access_key_id="local", aws_secret_access_key="local",
    )  # fmt: skip
    # A test's look, not a request path; every page of the scan: the shared server's table outgrows one
    # (1 MB) as the suite runs, and the invitation was then past the first.
    pages = dynamodb.get_paginator("scan").paginate(
        TableName="portal-access-local",
        FilterExpression="invitation_id = :id AND attribute_exists(#at)",
        ExpressionAttributeNames={"#at": attribute},
        ExpressionAttributeValues={":id": {"S": invitation_id}},
    )
    past = format_time(datetime(2026, 1, 1, tzinfo=UTC))
    found = [item for page in pages for item in page["Items"]]
    assert found
    for item in found:
        dynamodb.update_item(
            TableName="portal-access-local", Key={"pk": item["pk"], "sk": item["sk"]},
            UpdateExpression=f"SET {attribute} = :past", ExpressionAttributeValues={":past": {"S": past}},
        )  # fmt: skip


def test_a_new_user_accepts_from_the_emailed_link_and_lands_in_user_management(
    live: Live, page: Page
) -> None:
    owner = unique("olive")
    new_account(live, "Fresh Hosting", owner)
    link = emailed_link(live, owner)
    assert link.startswith(f"{live.base_url}/portal/invitations/accept#token=")
    page.goto(link)
    expect(page.get_by_role("heading", name="Accept your invitation")).to_be_visible()
    assert "#token" not in page.url and "token" not in page.evaluate("location.href")
    expect(page.locator(".invite-summary")).to_contain_text("Fresh Hosting")
    expect(page.locator(".invite-summary")).to_contain_text("Owner")
    # the operator has one name, here and in the email; a time says its zone; the page has its own icon
    expect(page.locator(".invite-summary")).to_contain_text("Invited byYour hosting provider")
    assert "Your hosting provider" in live.emails_to(owner)[-1].body
    expect(page.locator(".invite-summary")).to_contain_text(re.compile(r"\d:\d\d\s?[AP]M (UTC|GMT)"))
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon == "/portal/assets/favicon.svg" and page.request.get(f"{live.base_url}{icon}").ok
    page.get_by_label("First name").fill("Olive")
    page.get_by_label("Last name").fill("Owner")
    page.get_by_label("Choose a password").fill("short")
    page.get_by_label("Repeat the password").fill("short")
    page.get_by_role("button", name="Accept invitation").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "at least 10 characters"
    )  # the API's rule, before asking
    page.get_by_label("Choose a password").fill(PASSWORD)
    expect(page.get_by_text("Strength:")).to_be_visible()
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Accept invitation").click()
    expect(page.get_by_role("heading", name="User Management")).to_be_visible()
    expect(page.get_by_role("tabpanel")).to_contain_text(owner)
    assert page.evaluate("localStorage.length") == 0
    token = page.evaluate("JSON.parse(sessionStorage.getItem('portal.session')).token")
    assert live.get("/me", token=token).status == 200
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0
    assert live.get("/me", token=token).status == 401  # sign-out ended the token, not only forgot it


def test_an_existing_login_accepts_with_its_password(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Second Home")
    other_account, other_owner, other_token = owned_account(live, "Elsewhere")
    invite(live, other_account, other_token, [owner], permissions=["tickets"])
    page.goto(emailed_link(live, owner))
    expect(page.get_by_label("Your password")).to_be_visible()
    page.get_by_label("Your password").fill("not the password at all")
    page.get_by_role("button", name="Accept invitation").click()
    expect(page.get_by_role("alert")).to_have_text("That password is not right.")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Accept invitation").click()
    # a User without user management lands on what they may use, at its address
    expect(page.get_by_role("heading", name="Your info")).to_be_visible()
    assert page.url.endswith("/portal/profile")
    assert {a["name"] for a in live.get("/me", token=sign_in(live, owner)).body["accounts"]} == {
        "Second Home", "Elsewhere",
    }  # fmt: skip


def test_expired_used_and_revoked_links_each_say_so(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Links Ltd")
    expired, revoked = unique("late"), unique("gone")
    results = invite(live, account_id, token, [expired, revoked])["results"]
    expire_invitation(live, results[0]["invitation"]["invitation_id"])
    page.goto(emailed_link(live, expired))
    expect(page.get_by_role("heading", name="This invitation has expired")).to_be_visible()
    assert "token" not in page.url
    assert (
        live.delete(
            f"/accounts/{account_id}/invitations/{results[1]['invitation']['invitation_id']}", token=token
        ).status
        == 204
    )
    page.goto(emailed_link(live, revoked))
    expect(page.get_by_role("heading", name="This invitation is no longer valid")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text(
        "This invitation was withdrawn by the account; ask them for a new one."
    )
    page.goto(emailed_link(live, owner))  # the owner's own, used when they joined
    expect(page.get_by_role("heading", name="This invitation is no longer valid")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text("This invitation was already accepted: sign in.")
    expect(page.get_by_role("link", name="Go to sign in")).to_be_visible()


def test_sign_in_with_two_accounts_asks_which_one(live: Live, page: Page) -> None:
    first, owner, token = owned_account(live, "Alpha Hosting")
    second = new_account(live, "Beta Cloud", owner)
    assert (
        live.post("/invitations/accept", {"token": live.latest_link(owner), "password": PASSWORD}).status
        == 201
    )
    sign_in_page(page, live, owner)
    expect(page.get_by_role("heading", name="Choose account")).to_be_visible()
    page.get_by_role("button", name="Beta Cloud").click()
    expect(page.get_by_role("heading", name="User Management")).to_be_visible()
    expect(page.locator(".page-head")).to_contain_text("Beta Cloud")
    page.get_by_label("Account").select_option(label="Alpha Hosting")
    expect(page.locator(".page-head")).to_contain_text("Alpha Hosting")
    assert page.evaluate("JSON.parse(sessionStorage.getItem('portal.session')).account_id") == first != second


def test_sign_in_with_one_account_goes_straight_in_and_a_wrong_password_says_so(
    live: Live, page: Page
) -> None:
    _, owner, _ = owned_account(live, "Solo Sites")
    sign_in_page(page, live, owner, "wrong password here")
    expect(page.get_by_role("alert")).to_have_text("The email or password is not right.")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator(".page-head")).to_contain_text("Solo Sites")


def test_invite_users_with_chosen_modules_shows_each_result(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Invite Co")
    ann, bob = unique("ann"), unique("bob")
    sign_in_page(page, live, owner)
    page.get_by_role("button", name="Invite users").click()
    dialog = page.get_by_role("dialog", name="Invite users")
    dialog.get_by_label("Email addresses").fill(f"{ann}, {bob}\nnot-an-email\n{ann}")
    expect(dialog.get_by_label("Manage payment methods")).to_be_disabled()  # admin-only, locked for a User
    dialog.get_by_label("Open and view support tickets").check()
    dialog.get_by_label("View and pay invoices").check()
    dialog.get_by_role("button", name="Send invitations").click()
    results = dialog.get_by_role("list", name="Results")
    expect(results.get_by_role("listitem")).to_have_count(4)
    expect(results).to_contain_text("Skipped: not a valid email address")
    expect(results).to_contain_text("Skipped: listed twice")
    dialog.get_by_role("button", name="Close").click()
    page.get_by_role("tab", name="Pending invitations").click()
    expect(page.get_by_role("tabpanel")).to_contain_text(ann)
    pending = live.get(f"/accounts/{account_id}/invitations", token=token).body["items"]
    assert {i["email"]: sorted(i["permissions"]) for i in pending} == {
        ann: ["invoices", "tickets"], bob: ["invoices", "tickets"],
    }  # fmt: skip
    page.get_by_role("button", name="Invite users").click()
    dialog.get_by_label("Admin", exact=True).check()
    expect(dialog.get_by_label("Manage payment methods")).to_be_checked()  # an admin holds every module


def test_columns_sort_through_the_api_and_say_so(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Sorted Inc")
    for first, last in (("Zoe", "Adams"), ("Amy", "Young")):
        email = unique(first.lower())
        invite(live, account_id, token, [email])
        accept_new(live, email, first, last)
    sign_in_page(page, live, owner)
    rows = page.get_by_role("tabpanel").locator("tbody tr")
    expect(rows).to_have_count(3)
    header = page.get_by_role("columnheader", name="Last name")
    expect(header).to_have_attribute("aria-sort", "none")
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(rows.locator("td:nth-child(2)")).to_have_text(["Adams", "Owner", "Young"])
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(rows.locator("td:nth-child(2)")).to_have_text(["Young", "Owner", "Adams"])
    page.get_by_role("columnheader", name="First name").get_by_role("button").click()
    expect(rows.locator("td:nth-child(1)")).to_have_text(["Amy", "Olive", "Zoe"])


def test_deactivate_reactivate_remove_resend_and_revoke(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Actions Ltd")
    dan, eve, pat = unique("dan"), unique("eve"), unique("pat")
    for email, first in ((dan, "Dan"), (eve, "Eve")):
        invite(live, account_id, token, [email])
        accept_new(live, email, first, "Member")
    invite(live, account_id, token, [pat])
    sign_in_page(page, live, owner)
    row_action(page, "Dan Member", "Deactivate Dan Member")
    page.get_by_role("dialog").get_by_role("button", name="Deactivate").click()
    expect(page.locator("#flash")).to_have_text("Dan Member was deactivated.")
    expect(page.get_by_role("tab", name="Deactivated users")).to_contain_text("1")
    page.get_by_role("tab", name="Deactivated users").click()
    row_action(page, "Dan Member", "Reactivate Dan Member")
    expect(page.locator("#flash")).to_have_text("Dan Member was reactivated.")
    page.get_by_role("tab", name="Active users").click()
    row_action(page, "Eve Member", "Remove Eve Member")
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("tabpanel")).to_contain_text(eve)  # cancelled: nothing happened
    row_action(page, "Eve Member", "Remove Eve Member")
    page.get_by_role("dialog").get_by_role("button", name="Remove").click()
    expect(page.locator("#flash")).to_have_text("Eve Member was removed.")
    expect(page.get_by_role("tabpanel")).not_to_contain_text(eve)
    row_action(page, "Dan Member", "Reset password for Dan Member")
    page.get_by_role("dialog").get_by_role("button", name="Send reset link").click()  # it asks first
    expect(page.locator("#flash")).to_contain_text(f"sent to {dan}")
    assert "password" in live.emails_to(dan)[-1].subject.lower()
    statuses = {
        m["email"]: m["status"]
        for m in live.get(f"/accounts/{account_id}/members", token=token).body["items"]
    }
    assert statuses == {owner: "active", dan: "active"}
    page.get_by_role("tab", name="Pending invitations").click()
    row_action(page, f"the invitation to {pat}", f"Resend the invitation to {pat}")
    expect(page.get_by_role("alert")).to_contain_text("sent less than a minute ago")
    pending = live.get(f"/accounts/{account_id}/invitations", token=token).body["items"]
    age_invitation(live, pending[0]["invitation_id"], "last_sent_at")
    row_action(page, f"the invitation to {pat}", f"Resend the invitation to {pat}")
    expect(page.locator("#flash")).to_have_text(f"The invitation to {pat} was sent again.")
    assert len(live.emails_to(pat)) == 2
    row_action(page, f"the invitation to {pat}", f"Revoke the invitation to {pat}")
    page.get_by_role("dialog").get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("tabpanel")).to_contain_text("No pending invitations.")


def test_password_reset_by_the_emailed_link(live: Live, page: Page) -> None:
    _, owner, _ = owned_account(live, "Reset Hosting")
    page.goto(f"{live.base_url}/portal/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(owner)
    before = len(live.emails_to(owner))
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    link = emailed_link(live, owner, after=before)  # the outbox worker sends it
    assert link.startswith(f"{live.base_url}/portal/password-reset#token=")
    page.goto(link)  # the same page with a fragment: it starts again from the link
    expect(page.get_by_label("New password", exact=True)).to_be_visible()
    assert "token" not in page.url
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("status").first).to_contain_text("Your password is changed")
    assert page.url == f"{live.base_url}/portal/login"  # a reload signs in; it does not reset again
    sign_in_page(page, live, owner, NEW_PASSWORD)
    expect(page.locator(".page-head")).to_contain_text("Reset Hosting")
    page.goto(link)  # the same link again: used
    expect(page.get_by_label("New password", exact=True)).to_be_visible()
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD + "!")
    page.get_by_label("Repeat the password").fill(NEW_PASSWORD + "!")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()


def test_inviting_with_the_keyboard_alone(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Keys Ltd")
    kim = unique("kim")
    sign_in_page(page, live, owner)
    expect(page.get_by_role("heading", name="User Management")).to_be_visible()
    invite_button = page.get_by_role("button", name="Invite users")
    page.keyboard.press("Tab")  # the first stop is the skip link, past the menu (which grows with screens)
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main .content")).to_be_focused()
    for _ in range(12):
        page.keyboard.press("Tab")
        if invite_button.evaluate("b => b === document.activeElement"):
            break
    expect(invite_button).to_be_focused()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Invite users")
    expect(dialog.get_by_label("Email addresses")).to_be_focused()
    page.keyboard.type(kim)
    page.keyboard.press("Tab")  # the role: User
    expect(dialog.get_by_label("User", exact=True)).to_be_focused()
    page.keyboard.press("Tab")  # all permissions, or chosen ones (as it is)
    expect(dialog.get_by_label("Choose permissions")).to_be_focused()
    page.keyboard.press("Tab")  # the first module
    page.keyboard.press("Space")
    send = dialog.get_by_role("button", name="Send invitations")
    for _ in range(25):
        page.keyboard.press("Tab")
        if send.evaluate("b => b === document.activeElement"):
            break
    page.keyboard.press("Enter")
    expect(dialog.get_by_role("list", name="Results")).to_contain_text("Invited")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(invite_button).to_be_focused()  # focus goes back where it was
    pending = live.get(f"/accounts/{account_id}/invitations", token=token).body["items"]
    assert [(i["email"], i["permissions"]) for i in pending] == [(kim, ["profile"])]


def axe_check(page: Page, checked: list[str]) -> Callable[[str], None]:
    """check(name): axe-core over the page as it is now, no serious or critical violation; names the
    screens checked into `checked`."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(name: str) -> None:
        violations = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
            for v in axe.run(page).response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not violations, (name, violations)
        checked.append(name)

    return check


def test_every_page_passes_axe_with_no_serious_or_critical_violation(live: Live, page: Page) -> None:
    checked: list[str] = []
    check = axe_check(page, checked)

    account_id, owner, token = owned_account(live, "Axe Hosting")
    new_account(live, "Axe Second", owner)
    invitee = unique("ivy")
    invite(live, account_id, token, [invitee])
    page.goto(emailed_link(live, invitee))
    expect(page.get_by_label("First name")).to_be_visible()
    check("accept, new user")
    page.goto(emailed_link(live, owner))
    expect(page.get_by_label("Your password")).to_be_visible()
    check("accept, existing login")
    assert (
        live.post("/invitations/accept", {"token": live.latest_link(owner), "password": PASSWORD}).status
        == 201
    )
    page.goto(f"{live.base_url}/portal/invitations/accept")
    expect(page.get_by_role("heading", name="This link is incomplete")).to_be_visible()
    check("accept, no token")
    page.goto(f"{live.base_url}/portal/password-reset")
    expect(page.get_by_label("Email")).to_be_visible()
    check("password reset")
    page.goto(f"{live.base_url}/portal/password-reset#token={'x' * 43}")
    expect(page.get_by_label("New password", exact=True)).to_be_visible()
    check("new password")
    sign_in_page(page, live, owner)
    expect(page.get_by_role("heading", name="Choose account")).to_be_visible()
    check("choose account")
    page.get_by_role("button", name="Axe Hosting").click()
    for tab in ("Active users", "Pending invitations", "Deactivated users"):
        page.get_by_role("tab", name=tab).click()
        expect(page.get_by_role("tabpanel")).not_to_contain_text("Loading")
        check(tab)
    page.get_by_role("button", name="Invite users").click()
    check("invite users")
    page.goto(f"{live.base_url}/portal/login")  # signed in: straight to the portal
    expect(page.get_by_role("heading", name="User Management")).to_be_visible()
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    check("sign in")
    assert len(checked) == 11


# ---------- the screens after User Management


def sub_accounts(live: Live, account_id: str, token: str, *names: str) -> dict[str, str]:
    made = {}
    for name in names:
        reply = live.post(f"/accounts/{account_id}/sub-accounts", {"name": name}, token=token)
        assert reply.status == 201, reply.body
        made[name] = reply.body["sub_account_id"]
    return made


def test_invite_three_users_with_modules_sub_accounts_and_a_group(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Three Co")
    ids = sub_accounts(live, account_id, token, "Web shop", "Blog")
    group = live.post(
        f"/accounts/{account_id}/groups", {"name": "Billing", "permissions": ["invoices"]}, token=token
    ).body
    ann, bob, cat = unique("ann"), unique("bob"), unique("cat")
    sign_in_page(page, live, owner)
    page.get_by_role("button", name="Invite users").click()
    dialog = page.get_by_role("dialog", name="Invite users")
    dialog.get_by_label("Email addresses").fill(f"{ann}\n{bob}")
    dialog.get_by_label("View and pay invoices").check()
    dialog.get_by_label("Place new orders").check()
    dialog.get_by_label("Only these").check()
    dialog.get_by_label("Web shop").check()
    dialog.get_by_role("button", name="Send invitations").click()
    expect(dialog.get_by_role("list", name="Results").get_by_text("Invited")).to_have_count(2)
    dialog.get_by_label("Email addresses").fill(cat)
    dialog.get_by_label("User group").select_option(label="Billing")
    expect(dialog.get_by_label("View and pay invoices")).to_be_disabled()  # the group's modules apply
    expect(dialog.get_by_label("Admin", exact=True)).to_be_disabled()  # groups hold members only
    dialog.get_by_label("Group manager").check()
    dialog.get_by_role("button", name="Send invitations").click()
    expect(dialog.get_by_role("list", name="Results").get_by_text("Invited")).to_have_count(1)
    pending = {
        i["email"]: i for i in live.get(f"/accounts/{account_id}/invitations", token=token).body["items"]
    }
    for email in (ann, bob):
        assert sorted(pending[email]["permissions"]) == ["invoices", "orders"]
        assert pending[email]["sub_accounts"] == [ids["Web shop"]] and pending[email]["group_id"] == "default"
    assert pending[cat]["group_id"] == group["group_id"] and pending[cat]["group_manager"] is True
    assert live.emails_to(ann)[-1].subject == "Olive Owner invited you to Three Co"
    assert "View and pay invoices, Place new orders" in live.emails_to(ann)[-1].body


def test_edit_a_users_modules_and_sub_accounts(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Edit Co")
    ids = sub_accounts(live, account_id, token, "North", "South")
    dan = unique("dan")
    invite(live, account_id, token, [dan], permissions=["tickets"])
    dan_id = accept_new(live, dan, "Dan", "Member").user_id
    sign_in_page(page, live, owner)
    row_action(page, "Dan Member", "Edit Dan Member")
    dialog = page.get_by_role("dialog", name="Edit Dan Member")
    expect(dialog.get_by_label("Open and view support tickets")).to_be_checked()
    dialog.get_by_label("Open and view support tickets").uncheck()
    dialog.get_by_label("View domains").check()
    dialog.get_by_label("Only these").check()
    dialog.get_by_label("South").check()
    dialog.get_by_label("Title").fill("Webmaster")
    dialog.get_by_role("button", name="Save changes").click()
    expect(page.locator("#flash")).to_have_text("Dan Member was updated.")
    member = live.get(f"/accounts/{account_id}/members/{dan_id}", token=token).body
    assert member["permissions"] == ["domains"] and member["sub_accounts"] == [ids["South"]]
    assert member["title"] == "Webmaster"
    row_action(page, "Dan Member", "Edit Dan Member")
    dialog.get_by_label("Admin", exact=True).check()
    expect(dialog.get_by_label("View domains")).to_be_disabled()
    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("tabpanel").locator("tr", has_text=dan)).to_contain_text("Admin")
    assert live.get(f"/accounts/{account_id}/members/{dan_id}", token=token).body["role"] == "admin"


ROLE_KEYS = {"Owner": "owner", "Admin": "admin", "User": "member"}


def test_sort_every_column(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Every Column")
    for first, last, title in (("Zoe", "Adams", "CFO"), ("Amy", "Young", "Designer")):
        email = unique(first.lower())
        invite(live, account_id, token, [email], title=title)
        accept_new(live, email, first, last)
    invite(live, account_id, token, [unique("aaa")])
    invite(live, account_id, token, [unique("zzz")], role="admin")
    sign_in_page(page, live, owner)
    panel = page.get_by_role("tabpanel")
    expect(panel.locator("tbody tr")).to_have_count(3)

    def check_column(label: str, index: int) -> None:
        header = panel.get_by_role("columnheader", name=label)
        for _ in range(2):  # both ways, from whichever way it is sorted now
            order = "descending" if header.get_attribute("aria-sort") == "ascending" else "ascending"
            header.get_by_role("button").click()
            expect(header).to_have_attribute("aria-sort", order)
            expect(header.get_by_role("button")).to_be_focused()  # focus stays on the header
            cells = panel.locator(f"tbody tr td:nth-child({index})")
            # what the column sorts by: a date's exact time, a role's key (as the API sorts), else the text
            keys = cells.evaluate_all(
                "cells => cells.map(c => c.querySelector('time')?.getAttribute('datetime') ?? c.innerText)"
            )
            keys = [ROLE_KEYS.get(k, k).lower() for k in keys if k != "—"]
            assert keys == sorted(keys, reverse=order == "descending"), (label, order, keys)

    sortable = {
        "First name": 1,
        "Last name": 2,
        "Email": 3,
        "Title": 4,
        "Role": 5,
        "Joined": 9,
        "Last sign-in": 10,
    }
    for label, index in sortable.items():  # (6 to 8: group, modules, sub-accounts, shown and not sorted)
        check_column(label, index)
    page.get_by_role("tab", name="Pending invitations").click()
    expect(panel.locator("tbody tr")).to_have_count(2)
    for index, label in enumerate(["Email", "Role", "Invited", "Last sent", "Expires", "Status"], start=1):
        check_column(label, index)


def test_contacts_with_their_email_categories(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Contact Co")
    sign_in_page(page, live, owner)
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Contacts").click()
    expect(page.get_by_role("heading", name="Contacts", exact=True)).to_be_visible()
    expect(page.locator("#panel")).to_contain_text("No contacts yet")
    page.get_by_role("button", name="Add contact").click()
    dialog = page.get_by_role("dialog", name="Add contact")
    dialog.get_by_label("First name").fill("Bea")
    dialog.get_by_label("Last name").fill("Books")
    dialog.get_by_label("Email").fill("bea@books.example")
    dialog.get_by_label("Company").fill("Books & Co")
    dialog.get_by_label("Invoices").check()
    dialog.get_by_label("Domains").check()
    dialog.get_by_role("button", name="Add contact").click()
    expect(page.locator("#flash")).to_have_text("bea@books.example was added.")
    row = page.locator("#panel tbody tr", has_text="bea@books.example")
    expect(row).to_contain_text("Invoices")
    expect(row).to_contain_text("Domains")
    page.get_by_role("button", name="Add contact").click()
    dialog.get_by_label("Email").fill("BEA@books.example")
    dialog.get_by_role("button", name="Add contact").click()
    expect(dialog.get_by_role("alert")).to_contain_text("already a contact")
    dialog.get_by_role("button", name="Cancel").click()
    row_action(page, "Bea Books", "Edit Bea Books")
    dialog = page.get_by_role("dialog", name="Edit Bea Books")
    expect(dialog.get_by_label("Invoices")).to_be_checked()
    dialog.get_by_label("Domains").uncheck()
    dialog.get_by_label("Support").check()
    dialog.get_by_role("button", name="Save changes").click()
    expect(page.locator("#flash")).to_have_text("bea@books.example was updated.")
    [contact] = live.get(f"/accounts/{account_id}/contacts", token=token).body["items"]
    assert {k for k, v in contact["email_preferences"].items() if v} == {"invoice", "support"}
    recipients = live.get(
        f"/accounts/{account_id}/notification-recipients?category=invoice", token=token
    ).body
    assert recipients["cc"] == ["bea@books.example"]
    row_action(page, "Bea Books", "Remove Bea Books")
    page.get_by_role("dialog").get_by_role("button", name="Remove").click()
    expect(page.locator("#flash")).to_have_text("Bea Books was removed.")
    expect(page.locator("#panel")).to_contain_text("No contacts yet")


def test_groups_members_and_managers(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Group Co")
    sub_accounts(live, account_id, token, "Shop")
    sign_in_page(page, live, owner)
    page.get_by_role("link", name="Groups").click()
    expect(page.locator("#panel")).to_contain_text("Default User Group")
    page.get_by_role("button", name="Create group").click()
    dialog = page.get_by_role("dialog", name="Create group")
    dialog.get_by_label("Name").fill("Billing")
    dialog.get_by_label("Description").fill("Pays the invoices")
    dialog.get_by_label("View and pay invoices").check()
    dialog.get_by_label("Only these").check()
    dialog.get_by_label("Shop").check()
    dialog.get_by_role("button", name="Create group").click()
    expect(page.locator("#flash")).to_have_text("The group Billing was created.")
    row = page.locator("#panel tbody tr", has_text="Billing")
    expect(row).to_contain_text("View and pay invoices")
    expect(row).to_contain_text("Shop")
    [group] = [
        g
        for g in live.get(f"/accounts/{account_id}/groups", token=token).body["items"]
        if g["name"] == "Billing"
    ]
    clerk = unique("clerk")
    invited = live.post(
        f"/accounts/{account_id}/invitations", {"emails": [clerk], "group_id": group["group_id"]}, token=token
    )
    assert invited.status == 200, invited.body
    accept_new(live, clerk, "Cid", "Clerk")
    page.reload()
    row_action(page, "Billing", "Members of Billing")
    members = page.get_by_role("dialog", name="Members of Billing")
    expect(members).to_contain_text(clerk)
    members.get_by_role("button", name="Make manager: Cid Clerk").click()
    expect(members.get_by_role("button", name="Remove as manager: Cid Clerk")).to_be_focused()
    expect(members).to_contain_text("Manager")
    members.get_by_role("button", name="Close").click()
    clerks = live.get(f"/accounts/{account_id}/members?group_id={group['group_id']}", token=token).body
    assert [m["group_manager"] for m in clerks["items"]] == [True]
    row_action(page, "Billing", "Delete Billing")
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.get_by_role("dialog").get_by_role("alert")).to_contain_text("members")  # not empty: refused
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    row_action(page, "Billing", "Edit Billing")
    dialog = page.get_by_role("dialog", name="Edit Billing")
    dialog.get_by_label("View and accept quotes").check()
    dialog.get_by_role("button", name="Save changes").click()
    expect(page.locator("#flash")).to_have_text("The group Billing was saved.")
    got = live.get(f"/accounts/{account_id}/groups/{group['group_id']}", token=token).body
    assert sorted(got["permissions"]) == ["invoices", "quotes"]


def test_your_info_and_a_new_password(live: Live, page: Page) -> None:
    _, owner, _ = owned_account(live, "Profile Co")
    sign_in_page(page, live, owner)
    page.get_by_role("link", name="Your info").click()
    expect(page.get_by_label("First name")).to_have_value("Olive")
    page.get_by_label("Title").fill("Founder")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("#flash")).to_have_text("Your profile was saved.")
    assert live.get("/me", token=sign_in(live, owner)).body["user"]["title"] == "Founder"
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_have_text("The current password is not right.")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#flash")).to_contain_text("Your password was changed.")
    page.get_by_role("link", name="User Management").click()  # the new token carries on
    expect(page.get_by_role("tabpanel")).to_contain_text(owner)
    assert live.post("/auth/login", {"email": owner, "password": NEW_PASSWORD}).status == 200


def test_audit_log_filters_and_loads_more(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Audit Co")
    for n in range(52):  # more than one page of the portal's lists (50)
        reply = live.post(
            f"/accounts/{account_id}/contacts", {"email": f"c{n:02d}@audit.example"}, token=token
        )
        assert reply.status == 201
    dan = unique("dan")
    invite(live, account_id, token, [dan])
    sign_in_page(page, live, owner)
    page.get_by_role("link", name="Contacts").click()
    rows = page.locator("#panel tbody tr")
    expect(rows).to_have_count(50)
    page.get_by_role("button", name="Load more").click()
    expect(rows).to_have_count(52)
    expect(page.get_by_role("button", name="Load more")).to_have_count(0)
    page.get_by_role("link", name="Audit log").click()
    rows = page.locator("#panel tbody tr")
    expect(rows).to_have_count(50)
    expect(rows.first).to_contain_text("Invitation created")  # newest first
    events, cursor = 0, ""
    while cursor is not None:  # how many the API holds, page by page
        got = live.get(
            f"/accounts/{account_id}/audit-events?limit=100{cursor and '&cursor=' + cursor}", token=token
        )
        events, cursor = events + len(got.body["items"]), got.body["next_cursor"]
    assert events > 52 + 1
    page.get_by_role("button", name="Load more").click()
    expect(rows).to_have_count(events)
    page.get_by_label("Event").select_option("invitation.created")
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(dan)
    page.get_by_label("Done by").select_option(label=f"Olive Owner ({owner})")
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(1)
    page.get_by_label("Event").select_option("")
    page.get_by_label("From").fill("2020-01-01")
    page.get_by_label("Until").fill("2020-12-31")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#panel")).to_contain_text("No events match.")


def test_webhooks_show_the_secret_once_and_list_deliveries(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Hook Co")
    sign_in_page(page, live, owner)
    page.get_by_role("link", name="Webhooks").click()
    page.get_by_role("button", name="Add endpoint").click()
    dialog = page.get_by_role("dialog", name="Add endpoint")
    dialog.get_by_label("Endpoint URL").fill("http://127.0.0.1:9/hooks")
    dialog.get_by_label("Only these").check()
    dialog.get_by_label("Contact created").check()
    dialog.get_by_role("button", name="Add endpoint").click()
    secret_dialog = page.get_by_role("dialog", name="Signing secret")
    secret = secret_dialog.get_by_label("Secret").input_value()
    assert secret.startswith("whsec_")
    secret_dialog.get_by_role("button", name="Close").click()
    expect(page.locator("#panel")).not_to_contain_text(secret)
    [hook] = live.get(f"/accounts/{account_id}/webhooks", token=token).body["items"]
    assert hook["event_types"] == ["contact.created"] and "secret" not in hook
    live.post(f"/accounts/{account_id}/contacts", {"email": "x@hook.example"}, token=token)
    path = f"/accounts/{account_id}/webhooks/{hook['webhook_id']}/deliveries"
    for _ in range(60):  # the local worker fans events out every 2 s and tries port 9 (nothing listens)
        made = live.get(path, token=token).body["items"]
        if made and made[0]["attempts"] > 0:
            break
        time.sleep(0.5)
    assert made and made[0]["status"] != "succeeded", made
    row_action(page, "http://127.0.0.1:9/hooks", "Deliveries to http://127.0.0.1:9/hooks")
    deliveries = page.get_by_role("dialog", name="Deliveries to http://127.0.0.1:9/hooks")
    expect(deliveries.locator("tbody tr")).to_have_count(1)
    expect(deliveries).to_contain_text("Contact created")
    deliveries.get_by_role("button", name="Retry the Contact created delivery").click()
    expect(page.locator("#announcer")).to_have_text("It will be sent again shortly.")
    deliveries.get_by_role("button", name="Close").click()
    row_action(page, "http://127.0.0.1:9/hooks", "Turn off http://127.0.0.1:9/hooks")
    expect(page.locator("#flash")).to_contain_text("turned off")
    assert live.get(f"/accounts/{account_id}/webhooks", token=token).body["items"][0]["enabled"] is False


def test_every_new_screen_passes_axe(live: Live, page: Page) -> None:
    checked: list[str] = []
    check = axe_check(page, checked)

    account_id, owner, token = owned_account(live, "Axe Screens")
    sub_accounts(live, account_id, token, "Shop")
    live.post(f"/accounts/{account_id}/groups", {"name": "Billing", "permissions": ["invoices"]}, token=token)
    live.post(
        f"/accounts/{account_id}/contacts",
        {"email": "c@axe.example", "email_preferences": {"invoice": True}},
        token=token,
    )
    dan = unique("dan")
    invite(live, account_id, token, [dan])
    accept_new(live, dan, "Dan", "Member")
    sign_in_page(page, live, owner)
    row_action(page, "Dan Member", "Edit Dan Member")
    expect(page.get_by_role("dialog", name="Edit Dan Member")).to_be_visible()
    check("edit user")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Invite users").click()
    expect(page.get_by_label("User group")).to_be_visible()
    check("invite users with groups and sub-accounts")
    page.keyboard.press("Escape")
    screens = {"Contacts": "Add contact", "Groups": "Create group", "Webhooks": "Add endpoint"}
    for link, button in screens.items():
        page.get_by_role("link", name=link).click()
        expect(page.locator("#panel")).not_to_contain_text("Loading")
        check(link)
        page.get_by_role("button", name=button).click()
        expect(page.get_by_role("dialog")).to_be_visible()
        check(f"{link}: {button}")
        page.keyboard.press("Escape")
    page.get_by_role("link", name="Groups").click()
    row_action(page, "Billing", "Members of Billing")
    expect(page.get_by_role("dialog")).to_contain_text("No members yet")
    check("group members")
    page.keyboard.press("Escape")
    page.get_by_role("link", name="Audit log").click()
    expect(page.locator("#panel tbody tr").first).to_be_visible()
    check("Audit log")
    page.get_by_role("link", name="Your info").click()
    expect(page.get_by_label("First name")).to_be_visible()
    check("Your info")
    assert len(checked) == 11


def tab_to(page: Page, target: Locator, most: int = 30) -> None:
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("node => node === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def test_adding_a_contact_with_the_keyboard_alone(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Keyboard Contacts")
    sign_in_page(page, live, owner)
    expect(page.get_by_role("heading", name="User Management")).to_be_visible()
    tab_to(page, page.get_by_role("link", name="Contacts"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Contacts", exact=True)).to_be_visible()
    add = page.get_by_role("button", name="Add contact")
    tab_to(page, add)
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Add contact")
    expect(dialog.get_by_label("First name")).to_be_focused()
    page.keyboard.type("Kay")
    page.keyboard.press("Tab")
    page.keyboard.type("Board")
    page.keyboard.press("Tab")
    page.keyboard.type("kay@keys.example")
    tab_to(page, dialog.get_by_label("Invoices"))
    page.keyboard.press("Space")
    page.keyboard.press("Enter")  # submits the form
    expect(dialog).to_be_hidden()
    expect(page.locator("#flash")).to_have_text("kay@keys.example was added.")
    expect(add).to_be_focused()  # back where the dialog was opened
    [contact] = live.get(f"/accounts/{account_id}/contacts", token=token).body["items"]
    assert (contact["first_name"], contact["email_preferences"]["invoice"]) == ("Kay", True)
    assert not any(v for k, v in contact["email_preferences"].items() if k != "invoice")


def test_a_group_manager_manages_their_group_only(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Managed Co")
    group = live.post(
        f"/accounts/{account_id}/groups", {"name": "Support", "permissions": ["tickets"]}, token=token
    )
    gid = group.body["group_id"]
    boss, clerk, outsider = unique("boss"), unique("clerk"), unique("out")
    for email, first, manager in ((boss, "Bo", True), (clerk, "Cy", False)):
        body = {"emails": [email], "group_id": gid, "group_manager": manager}
        assert live.post(f"/accounts/{account_id}/invitations", body, token=token).status == 200
        accept_new(live, email, first, "Desk")
    invite(live, account_id, token, [outsider])
    accept_new(live, outsider, "Oz", "Out")
    sign_in_page(page, live, boss)
    panel = page.get_by_role("tabpanel")
    expect(panel.locator("tbody tr")).to_have_count(2)  # their group: themself and the clerk
    expect(panel).not_to_contain_text(outsider)
    page.get_by_role("button", name="Actions for Cy Desk").click()
    expect(page.get_by_role("menuitem", name="Deactivate Cy Desk")).to_be_visible()
    expect(page.get_by_role("menuitem", name="Edit Cy Desk")).to_have_count(0)  # access is not theirs to set
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Invite users").click()
    dialog = page.get_by_role("dialog", name="Invite users")
    expect(dialog.get_by_label("Admin", exact=True)).to_be_hidden()
    newcomer = unique("new")
    dialog.get_by_label("Email addresses").fill(newcomer)
    dialog.get_by_role("button", name="Send invitations").click()
    expect(dialog.get_by_role("list", name="Results")).to_contain_text("Invited")
    [made] = [
        i
        for i in live.get(f"/accounts/{account_id}/invitations", token=token).body["items"]
        if i["email"] == newcomer
    ]
    assert made["group_id"] == gid and made["permissions"] == ["tickets"]
    dialog.get_by_role("button", name="Close").click()
    row_action(page, "Cy Desk", "Deactivate Cy Desk")
    page.get_by_role("dialog").get_by_role("button", name="Deactivate").click()
    expect(page.locator("#flash")).to_have_text("Cy Desk was deactivated.")
    expect(page.get_by_role("navigation", name="Portal").get_by_role("link")).to_have_text(
        ["User Management", "Join requests", "Your info"]  # requests into their group are theirs to decide
    )


def test_pending_invitations_load_more_past_the_first_page(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Many Invites")
    emails = [f"guest{n:02d}-{uuid.uuid4().hex[:6]}@example.com" for n in range(52)]
    invite(live, account_id, token, emails[:50])
    invite(live, account_id, token, emails[50:])
    sign_in_page(page, live, owner)
    expect(page.get_by_role("tab", name="Pending invitations")).to_contain_text("50+")
    page.get_by_role("tab", name="Pending invitations").click()
    rows = page.get_by_role("tabpanel").locator("tbody tr")
    expect(rows).to_have_count(50)
    page.get_by_role("button", name="Load more").click()
    expect(rows).to_have_count(52)
    expect(rows.nth(50)).to_be_focused()  # focus moves on to row 51, for a keyboard or screen reader user
    expect(page.get_by_role("tab", name="Pending invitations")).to_contain_text("52")
    expect(page.get_by_role("button", name="Load more")).to_have_count(0)
