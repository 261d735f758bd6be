"""The portal's pages in a real browser (Debian's chromium) against the real local server: what a person
does from the emailed link on, with the keyboard alone where it matters, and an axe-core check."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import boto3
import pytest
from playwright.sync_api import Page, expect

from chalicelib.store.models import format_time
from tests.e2e.browser import chromium, emailed_link
from tests.helpers.flows import accept_new, invite, sign_in
from tests.helpers.settings import PASSWORD

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "a much longer new passphrase"


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    opened = context.new_page()
    errors: list[str] = []
    # (an answer of 4xx is logged by the browser itself as "Failed to load resource": the pages expect those)
    opened.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and "Failed to load" not in m.text else None,
    )
    opened.on("pageerror", lambda e: errors.append(str(e)))
    yield opened
    context.close()
    assert not errors, errors  # no script error, no CSP violation on any page


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


def new_account(live, name: str, owner: str) -> str:
    reply = live.post("/accounts", {"name": name, "owner_email": owner}, operator=True)
    assert reply.status == 201, reply.body
    return reply.body["account"]["account_id"]


def owned_account(live, name: str) -> tuple[str, str, str]:
    """An account whose owner joined through the API: (account_id, owner email, owner token)."""
    owner = unique("owner")
    account_id = new_account(live, name, owner)
    return account_id, owner, accept_new(live, owner, "Olive", "Owner").token


def sign_in_page(page: Page, live, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{live.base_url}/portal/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def expire_invitation(live, invitation_id: str) -> None:
    """Moves an invitation's expiry (and its link's) into the past in the server's own table."""
    age_invitation(live, invitation_id, "expires_at")


def age_invitation(live, invitation_id: str, attribute: str) -> None:
    """Moves a time of an invitation's items into the past in the server's own table (the live server's
    clock is the real one)."""
    dynamodb = boto3.client(
        "dynamodb", endpoint_url=live.moto, region_name="us-east-1",
        aws_access_key_id="local", aws_secret_access_key="local",
    )  # fmt: skip
    items = dynamodb.scan(TableName="portal-access-local")["Items"]  # a test's look, not a request path
    past = format_time(datetime(2026, 1, 1, tzinfo=UTC))
    found = [i for i in items if i.get("invitation_id", {}).get("S") == invitation_id and attribute in i]
    assert found
    for item in found:
        dynamodb.update_item(
            TableName="portal-access-local", Key={"pk": item["pk"], "sk": item["sk"]},
            UpdateExpression=f"SET {attribute} = :past", ExpressionAttributeValues={":past": {"S": past}},
        )  # fmt: skip


def test_a_new_user_accepts_from_the_emailed_link_and_lands_in_user_management(live, page):
    owner = unique("olive")
    new_account(live, "Fresh Hosting", owner)
    link = emailed_link(live, owner)
    assert link.startswith(f"{live.base_url}/portal/invitations/accept#token=")
    page.goto(link)
    expect(page.get_by_role("heading", name="Accept your invitation")).to_be_visible()
    assert "#token" not in page.url and "token" not in page.evaluate("location.href")
    expect(page.locator(".invite-summary")).to_contain_text("Fresh Hosting")
    expect(page.locator(".invite-summary")).to_contain_text("Owner")
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
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0
    assert live.get("/me", token=token).status == 401  # sign-out ended the token, not only forgot it


def test_an_existing_login_accepts_with_its_password(live, page):
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
    expect(page.get_by_role("heading", name="User Management")).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("User management permission")  # a User
    assert {a["name"] for a in live.get("/me", token=sign_in(live, owner)).body["accounts"]} == {
        "Second Home", "Elsewhere",
    }  # fmt: skip


def test_expired_used_and_revoked_links_each_say_so(live, page):
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
    page.goto(emailed_link(live, owner))  # the owner's own, used when they joined
    expect(page.get_by_role("heading", name="This invitation is no longer valid")).to_be_visible()


def test_sign_in_with_two_accounts_asks_which_one(live, page):
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


def test_sign_in_with_one_account_goes_straight_in_and_a_wrong_password_says_so(live, page):
    _, owner, _ = owned_account(live, "Solo Sites")
    sign_in_page(page, live, owner, "wrong password here")
    expect(page.get_by_role("alert")).to_have_text("The email or password is not right.")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".page-head")).to_contain_text("Solo Sites")


def test_invite_users_with_chosen_modules_shows_each_result(live, page):
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


def test_columns_sort_through_the_api_and_say_so(live, page):
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


def test_deactivate_reactivate_remove_resend_and_revoke(live, page):
    account_id, owner, token = owned_account(live, "Actions Ltd")
    dan, eve, pat = unique("dan"), unique("eve"), unique("pat")
    for email, first in ((dan, "Dan"), (eve, "Eve")):
        invite(live, account_id, token, [email])
        accept_new(live, email, first, "Member")
    invite(live, account_id, token, [pat])
    sign_in_page(page, live, owner)
    page.get_by_role("button", name="Deactivate Dan Member").click()
    page.get_by_role("dialog").get_by_role("button", name="Deactivate").click()
    expect(page.locator("#flash")).to_have_text("Dan Member was deactivated.")
    expect(page.get_by_role("tab", name="Deactivated users")).to_contain_text("1")
    page.get_by_role("tab", name="Deactivated users").click()
    page.get_by_role("button", name="Reactivate Dan Member").click()
    expect(page.locator("#flash")).to_have_text("Dan Member was reactivated.")
    page.get_by_role("tab", name="Active users").click()
    page.get_by_role("button", name="Remove Eve Member").click()
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("tabpanel")).to_contain_text(eve)  # cancelled: nothing happened
    page.get_by_role("button", name="Remove Eve Member").click()
    page.get_by_role("dialog").get_by_role("button", name="Remove").click()
    expect(page.locator("#flash")).to_have_text("Eve Member was removed.")
    expect(page.get_by_role("tabpanel")).not_to_contain_text(eve)
    page.get_by_role("button", name="Reset password for Dan Member").click()
    expect(page.locator("#flash")).to_contain_text(f"sent to {dan}")
    assert "password" in live.emails_to(dan)[-1].subject.lower()
    statuses = {
        m["email"]: m["status"]
        for m in live.get(f"/accounts/{account_id}/members", token=token).body["items"]
    }
    assert statuses == {owner: "active", dan: "active"}
    page.get_by_role("tab", name="Pending invitations").click()
    page.get_by_role("button", name=f"Resend the invitation to {pat}").click()
    expect(page.get_by_role("alert")).to_contain_text("sent less than a minute ago")
    pending = live.get(f"/accounts/{account_id}/invitations", token=token).body["items"]
    age_invitation(live, pending[0]["invitation_id"], "last_sent_at")
    page.get_by_role("button", name=f"Resend the invitation to {pat}").click()
    expect(page.locator("#flash")).to_have_text(f"The invitation to {pat} was sent again.")
    assert len(live.emails_to(pat)) == 2
    page.get_by_role("button", name=f"Revoke the invitation to {pat}").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("tabpanel")).to_contain_text("No pending invitations.")


def test_password_reset_by_the_emailed_link(live, page):
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
    sign_in_page(page, live, owner, NEW_PASSWORD)
    expect(page.locator(".page-head")).to_contain_text("Reset Hosting")
    page.goto(link)  # the same link again: used
    expect(page.get_by_label("New password", exact=True)).to_be_visible()
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD + "!")
    page.get_by_label("Repeat the password").fill(NEW_PASSWORD + "!")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()


def test_inviting_with_the_keyboard_alone(live, page):
    account_id, owner, token = owned_account(live, "Keys Ltd")
    kim = unique("kim")
    sign_in_page(page, live, owner)
    expect(page.get_by_role("heading", name="User Management")).to_be_visible()
    invite_button = page.get_by_role("button", name="Invite users")
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


def test_every_page_passes_axe_with_no_serious_or_critical_violation(live, page):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    checked: list[str] = []

    def check(name: str) -> None:
        violations = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
            for v in axe.run(page).response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not violations, (name, violations)
        checked.append(name)

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
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    check("sign in")
    assert len(checked) == 11
