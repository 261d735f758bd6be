"""Issue 30's pages in a real browser: Your info's Sessions (two sign-ins listed, the other one ended) and
the owner's Security page (everyone must use a second factor, no grace: a member without one is told so and
pointed to Your info), each axe-checked."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.test_portal_pages import axe_check, owned_account, sign_in_page, unique
from tests.helpers.flows import accept_new

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e


def test_your_info_lists_both_sign_ins_and_ends_the_other_one(live: Live, page: Page) -> None:
    account_id, owner, api_token = owned_account(live, "Sessions Co")  # the first sign-in: over the API
    assert live.get(f"/accounts/{account_id}", token=api_token).status == 200
    sign_in_page(page, live, owner)  # the second: this browser
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Your info").click()
    sessions = page.locator("#sessions-list tbody tr")
    expect(sessions).to_have_count(2)
    current = page.get_by_text("This session", exact=True)
    expect(sessions.filter(has=current)).to_have_count(1)
    expect(sessions.filter(has_text="Accepted an invitation")).to_have_count(1)
    checked: list[str] = []
    axe_check(page, checked)("Your info with two sessions")
    page.get_by_role("button", name=re.compile(r"^Sign out the session on Python-urllib")).click()
    page.get_by_role("dialog").get_by_role("button", name="Sign out this session").click()
    expect(page.locator("#flash")).to_have_text("That session was signed out.")
    expect(sessions).to_have_count(1)
    expect(sessions.filter(has=current)).to_have_count(1)
    expect(page.get_by_role("button", name="Sign out everywhere else")).to_be_disabled()
    refused = live.get(f"/accounts/{account_id}", token=api_token)  # the other sign-in: refused at once
    assert (refused.status, refused.body["error"]["code"]) == (401, "unauthenticated")


def test_the_owner_requires_a_second_factor_and_a_member_without_one_is_shown_why(
    live: Live, page: Page, browser: Browser
) -> None:
    account_id, owner, token = owned_account(live, "Strict Co")
    member = unique("member")
    body = {"emails": [member], "role": "member", "permissions": ["tickets"]}
    assert live.post(f"/accounts/{account_id}/invitations", body, token=token).status == 200
    accept_new(live, member, "Mo", "Member")
    sign_in_page(page, live, owner)
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Security").click()
    expect(page.locator("#policy-status")).to_have_text("Now: no second factor is required at this account.")
    checked: list[str] = []
    check = axe_check(page, checked)
    check("Security")
    page.get_by_role("radio", name="Everyone").check()
    page.get_by_label("Days of grace").fill("0")
    page.get_by_role("button", name="Save policy").click()
    expect(page.locator("#flash")).to_have_text("The security policy was saved.")
    expect(page.locator("#policy-status")).to_contain_text("Now: Everyone must use a second factor, from")
    policy = live.get(f"/accounts/{account_id}/security", operator=True).body
    assert (policy["mfa_required"], policy["grace_days"]) == ("all", 0)
    other = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    sign_in_page(other, live, member)
    told = other.locator("#mfa-required")
    expect(told).to_contain_text("Strict Co requires two-step sign-in")
    expect(other.get_by_role("heading", name="Two-step sign-in required")).to_be_visible()
    axe_check(other, checked)("Two-step sign-in required")
    other.get_by_role("link", name="Go to Your info").click()
    expect(other.get_by_role("heading", name="Sessions")).to_be_visible()  # Your info works meanwhile
    expect(other.locator("#sessions-list tbody tr")).to_have_count(2)
    other.context.close()
