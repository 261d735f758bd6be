"""A reseller's brand in Chromium (issue 32): its invitation's email and accept page, the signed-in User
Management and an admin's reset page show the reseller's logo and colour and never the default's; the
sign-in page shows the default. axe-clean (colour contrast included) on each."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page, expect

from tests.api.test_brands import tiny_png
from tests.e2e.browser import emailed_link
from tests.e2e.test_portal_pages import axe_check, owned_account, sign_in_page, unique
from tests.helpers.flows import accept_new, invite

if TYPE_CHECKING:
    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e
PURPLE = "rgb(123, 31, 162)"  # #7b1fa2


def reseller_account(live: Live) -> tuple[str, str, str, dict[str, Any]]:
    """An account under a reseller's brand with a PNG logo: (account_id, owner email, owner token, brand)."""
    made = live.post(
        "/brands",
        {"name": "Reseller Hosting", "primary_color": "#7b1fa2", "support_email": "help@reseller.example"},
        operator=True,
    )
    assert made.status == 201, made.body
    logo = live.call(
        "PUT",
        f"/brands/{made.body['brand_id']}/logo",
        raw=tiny_png(),
        operator=True,
        headers={"Content-Type": "image/png"},
    )
    assert logo.status == 200, logo.body
    account_id, owner, token = owned_account(live, "Customer of Reseller")
    given = live.patch(f"/accounts/{account_id}", {"brand_id": made.body["brand_id"]}, operator=True)
    assert given.status == 200, given.body
    return account_id, owner, token, logo.body


def shows_reseller(page: Page) -> None:
    header = page.locator("header.topbar")
    expect(header.get_by_role("img", name="Reseller Hosting")).to_be_visible()
    # the logo the project serves loads (waited for: it may still be on its way)
    page.wait_for_function(
        "() => { const i = document.querySelector('header img.brand-logo'); return i && i.complete"
        " && i.naturalWidth > 0; }",
        timeout=5000,
    )
    assert page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--brand').trim()") == (
        "#7b1fa2"
    )
    expect(page).to_have_title(re.compile(r"· Reseller Hosting$"))
    assert "Client portal" not in page.locator("body").inner_text()


def test_a_resellers_invitation_accept_page_and_portal_carry_its_brand(live: Live, page: Page) -> None:
    account_id, owner, token, brand = reseller_account(live)
    invitee = unique("ann")
    invite(live, account_id, token, [invitee])
    email = live.emails_to(invitee)[-1]
    assert brand["logo_url"] in email.body and "#7b1fa2" in email.body and "Client portal" not in email.body
    checked: list[str] = []
    check = axe_check(page, checked)
    page.goto(emailed_link(live, invitee))
    expect(page.get_by_role("heading", name=re.compile("invit", re.IGNORECASE)).first).to_be_visible()
    shows_reseller(page)
    button = page.locator("main button.primary").first
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == PURPLE
    check("accept page (reseller)")
    page.get_by_label("First name").fill("Ann")
    page.get_by_label("Last name").fill("Reseller")
    page.get_by_label("Choose a password").fill("a long enough passphrase")
    page.get_by_label("Repeat the password").fill("a long enough passphrase")
    page.get_by_role("button", name="Accept invitation").click()
    expect(page.get_by_role("navigation", name="Portal")).to_be_visible()
    shows_reseller(page)
    check("signed-in portal (reseller)")
    assert checked == ["accept page (reseller)", "signed-in portal (reseller)"]


def test_an_admins_reset_page_carries_the_accounts_brand_and_sign_in_the_default(
    live: Live, page: Page
) -> None:
    account_id, owner, token, _ = reseller_account(live)
    member = unique("bob")
    invite(live, account_id, token, [member])
    bob = accept_new(live, member, "Bob", "Member")
    asked = live.post(f"/accounts/{account_id}/members/{bob.user_id}/password-reset", token=token)
    assert asked.status == 202, asked.body
    checked: list[str] = []
    check = axe_check(page, checked)
    page.goto(emailed_link(live, member, after=1))
    expect(page.get_by_role("heading", name=re.compile("password", re.IGNORECASE)).first).to_be_visible()
    shows_reseller(page)
    check("reset page (reseller)")
    page.goto(f"{live.base_url}/portal/login")
    expect(page.locator("header.topbar .brand")).to_contain_text("Client portal")
    assert "Reseller" not in page.locator("body").inner_text()
    check("sign-in (default brand)")
    sign_in_page(page, live, member)
    expect(page.get_by_role("navigation", name="Portal")).to_be_visible()
    shows_reseller(page)


def test_a_german_logins_reset_page_is_german_in_its_accounts_brand(live: Live, page: Page) -> None:
    """The reset page follows the link's login (its lookup's `locale`), whatever the browser speaks."""
    account_id, owner, token, _ = reseller_account(live)
    member = unique("greta")
    invite(live, account_id, token, [member])
    greta = accept_new(live, member, "Greta", "Member")
    assert live.patch("/me", {"locale": "de"}, token=greta.token).status == 200
    asked = live.post(f"/accounts/{account_id}/members/{greta.user_id}/password-reset", token=token)
    assert asked.status == 202, asked.body
    page.goto(emailed_link(live, member, after=1))  # an English browser
    expect(page.get_by_role("heading", name="Neues Passwort festlegen")).to_be_visible()
    expect(page.get_by_role("button", name="Neues Passwort festlegen")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "de"
    shows_reseller(page)
