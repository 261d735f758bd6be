"""The plan's seats on the User Management page: "3 of 4 seats used (2 pending)" beside the Invite button,
and once the plan is full the reason right there: the button stays focusable, is described by it, and
says it instead of opening a dialog that could invite nobody; revoking an invitation frees a seat again."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.test_portal_layout import OVERFLOW
from tests.e2e.test_portal_pages import owned_account, row_action, sign_in_page, unique
from tests.helpers.flows import invite

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e


def test_the_seat_line_and_the_full_plan_where_the_invite_button_is(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Seated Co")
    assert live.put(f"/accounts/{account_id}/seats", {"limit": 4}, operator=True).status == 200
    first, second = unique("ann"), unique("bob")
    invite(live, account_id, token, [first, second])
    sign_in_page(page, live, owner)
    line = page.locator("#seat-line")
    expect(line).to_have_text("3 of 4 seats used (2 pending)")
    button = page.get_by_role("button", name="Invite users")
    expect(button).not_to_have_attribute("aria-disabled", "true")
    expect(page.locator("#seats-full")).to_be_hidden()

    invite(live, account_id, token, [unique("carl")])  # the plan is full now
    page.reload()
    expect(line).to_have_text("4 of 4 seats used (3 pending)")
    full = page.locator("#seats-full")
    expect(full).to_be_visible()
    expect(full).to_contain_text("All seats of your plan are in use")
    expect(button).to_have_attribute("aria-disabled", "true")
    expect(button).to_have_attribute("aria-describedby", "seats-full")
    expect(button).to_have_accessible_description(full.inner_text())
    page.set_viewport_size({"width": 375, "height": 800})  # a phone: the reason fits beside the button
    expect(full).to_be_visible()
    assert page.evaluate(OVERFLOW) == []
    page.set_viewport_size({"width": 1280, "height": 800})
    button.focus()
    expect(button).to_be_focused()
    button.press("Enter")
    expect(page.get_by_role("dialog")).to_have_count(0)  # nothing to invite into

    page.get_by_role("tab", name="Pending invitations").click()
    row_action(page, f"the invitation to {first}", "Revoke")
    page.get_by_role("dialog").get_by_role("button", name="Revoke").click()
    expect(line).to_have_text("3 of 4 seats used (2 pending)")
    expect(full).to_be_hidden()
    expect(button).not_to_have_attribute("aria-disabled", "true")
    button.click()
    dialog = page.get_by_role("dialog", name="Invite users")
    dialog.get_by_label("Open and view support tickets").check()
    dialog.get_by_label("Email addresses").fill(unique("dora"))
    dialog.get_by_role("button", name="Send invitations").click()
    expect(dialog.get_by_role("list", name="Results")).to_contain_text("Invited")
    expect(line).to_have_text("4 of 4 seats used (3 pending)")  # the dialog's invite shows on the line
    expect(full).to_be_visible()


def test_an_unlimited_plan_shows_no_seat_line(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Unlimited Co")
    sign_in_page(page, live, owner)
    expect(page.get_by_role("button", name="Invite users")).to_be_visible()
    expect(page.locator("#seat-line")).to_be_hidden()
    expect(page.locator("#seats-full")).to_be_hidden()
