"""The account settings screen's invitation reminders switch, in a real browser against the local server:
reached and turned off with the keyboard alone, saved through PATCH /accounts, announced, and axe clean."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.test_portal_pages import axe_check, owned_account, sign_in_page, tab_to
from tests.helpers.flows import join

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e


def test_the_reminders_switch_turns_them_off_with_the_keyboard(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Reminders Co")
    sign_in_page(page, live, owner)
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Account settings").click()
    expect(page.get_by_role("heading", name="Account settings", exact=True)).to_be_visible()
    switch = page.get_by_role("switch", name="Remind invitees before their invitation ends")
    expect(switch).to_be_checked()
    expect(switch).to_have_accessible_description(
        "One email, two days before the end (one day for invitations valid less than three days), with a "
        "fresh link. Never for invitations valid under two days."
    )
    checked: list[str] = []
    axe_check(page, checked)("Account settings")
    tab_to(page, switch)
    page.keyboard.press("Space")
    expect(switch).not_to_be_checked()
    tab_to(page, page.get_by_role("button", name="Save settings"))
    page.keyboard.press("Enter")
    expect(page.locator("#flash")).to_have_text("Settings saved: invitation reminders are off.")
    account = live.get(f"/accounts/{account_id}", token=token).body
    assert (account["invitation_reminders"], account["name"]) == (False, "Reminders Co")
    page.reload()
    switch = page.get_by_role("switch", name="Remind invitees before their invitation ends")
    expect(switch).not_to_be_checked()


def test_the_screen_is_for_the_profile_permission_only(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Settings Co")
    member = join(live, account_id, token, "kim-settings@example.com", permissions=["tickets"])
    sign_in_page(page, live, member.email)
    nav = page.get_by_role("navigation", name="Portal")
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="Account settings")).to_have_count(0)
    page.goto(f"{live.base_url}/portal/account")
    expect(page.get_by_text("Account settings need the Edit account profile permission")).to_be_visible()
