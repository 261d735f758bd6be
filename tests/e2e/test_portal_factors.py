"""Two-step sign-in and passkeys in a real browser (Debian's chromium) against a local server whose portal
is at `localhost` (a passkey's relying party is a name, never an IP address): TOTP enrolled by reading the
secret from the page and computing codes, a sign-in with a code and with a recovery code; a passkey
registered through Chromium's virtual authenticator (DevTools WebAuthn domain), then a sign-in with it as the
second step and without a password."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_portal_pages import axe_check
from tests.helpers.flows import accept_new
from tests.helpers.settings import PASSWORD

if TYPE_CHECKING:
    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e


def owner_of_new_account(live: Live) -> str:
    email = f"olive-{uuid.uuid4().hex[:8]}@example.com"
    reply = live.post("/accounts", {"name": "Factor Hosting", "owner_email": email}, operator=True)
    assert reply.status == 201, reply.body
    accept_new(live, email, "Olive", "Owner")
    return email


def sign_in(page: Page, live: Live, email: str) -> None:
    page.goto(f"{live.base_url}/portal/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def your_info(page: Page) -> None:
    page.get_by_role("link", name="Your info").click()
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_an_app_is_enrolled_from_the_page_and_signs_in_with_a_code_and_a_recovery_code(
    localhost_server: Live, page: Page
) -> None:
    live = localhost_server
    checked: list[str] = []
    check = axe_check(page, checked)
    email = owner_of_new_account(live)
    sign_in(page, live, email)
    expect(page.get_by_role("heading", name="User Management")).to_be_visible()
    your_info(page)
    expect(page.locator("#passkey-list")).to_contain_text("No passkey yet.")
    check("Your info")
    page.get_by_role("button", name="Set up an authenticator app").click()
    page.get_by_role("dialog").get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    totp = pyotp.TOTP(page.locator("#totp-secret").inner_text())
    page.get_by_label("Code from your app").fill(totp.now())
    page.get_by_role("button", name="Turn on").click()
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    check("recovery codes")
    recovery = codes.nth(0).inner_text()
    expect(page.get_by_role("link", name="Download codes")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#two-step-status")).to_contain_text("On:")
    sign_out(page)

    sign_in(page, live, email)
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    code = page.get_by_label("Code from your authenticator app")
    expect(code).to_be_focused()
    check("the second step")
    code.fill(totp.at(time.time() + 30))  # the next step's code: the one that turned it on was used
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="User Management")).to_be_visible()
    sign_out(page)

    sign_in(page, live, email)
    page.get_by_role("button", name="Use a recovery code instead").click()
    page.get_by_label("Recovery code").fill(recovery)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="User Management")).to_be_visible()
    assert checked == ["Your info", "recovery codes", "the second step"]


def test_a_passkey_is_registered_on_your_info_and_signs_in_with_and_without_a_password(
    localhost_server: Live, page: Page
) -> None:
    live = localhost_server
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True,
    }  # fmt: skip
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    email = owner_of_new_account(live)
    sign_in(page, live, email)
    your_info(page)
    page.get_by_role("button", name="Add a passkey").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill("Test laptop")
    dialog.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Add passkey").click()
    expect(page.locator("#passkey-list")).to_contain_text("Test laptop")
    assert [p["name"] for p in live.get("/me/passkeys", token=_token(page)).body["items"]] == ["Test laptop"]
    sign_out(page)

    sign_in(page, live, email)  # the password, then the passkey as the second step
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("heading", name="User Management")).to_be_visible()
    sign_out(page)

    page.get_by_role("button", name="Sign in with a passkey").click()  # no email, no password
    expect(page.get_by_role("heading", name="User Management")).to_be_visible()


def _token(page: Page) -> str:
    token: str = page.evaluate("JSON.parse(sessionStorage.getItem('portal.session')).token")
    return token
