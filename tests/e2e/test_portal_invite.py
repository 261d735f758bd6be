"""Invite users as a hosting customer expects it (seeds 000 and 003): the user group first, a group's
modules and sub-accounts shown once it is picked, "All permissions" or chosen ones for a User, and the
person's name, title and phones for a single address."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.test_portal_pages import owned_account, sign_in_page, sub_accounts, unique
from tests.helpers.flows import accept_new

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e
BEFORE = "(a, b) => Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING)"


def test_the_group_comes_first_and_shows_its_modules_and_sub_accounts(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Preview Co")
    sub_accounts(live, account_id, token, "Web shop", "Company blog")
    shop = {
        s["name"]: s["sub_account_id"]
        for s in live.get(f"/accounts/{account_id}/sub-accounts", token=token).body["items"]
    }
    group = {"name": "Shop desk", "permissions": ["invoices", "quotes"], "sub_accounts": [shop["Web shop"]]}
    assert live.post(f"/accounts/{account_id}/groups", group, token=token).status == 201
    sign_in_page(page, live, owner)
    page.get_by_role("button", name="Invite users").click()
    dialog = page.get_by_role("dialog", name="Invite users")
    group_select = dialog.get_by_label("User group")
    assert group_select.evaluate(BEFORE, dialog.get_by_role("group", name="Role").element_handle())
    dialog.get_by_label("Open and view support tickets").check()  # the person's own choice
    dialog.get_by_label("Only these").check()
    dialog.get_by_label("Company blog").check()
    group_select.select_option(label="Shop desk")
    for label, ticked in (("View and pay invoices", True), ("View and accept quotes", True),
                          ("Open and view support tickets", False)):  # fmt: skip
        box = dialog.get_by_label(label)
        expect(box).to_be_disabled()
        expect(box).to_be_checked() if ticked else expect(box).not_to_be_checked()
    expect(dialog.get_by_label("Only these")).to_be_checked()
    expect(dialog.get_by_label("Web shop")).to_be_checked()
    expect(dialog.get_by_label("Company blog")).not_to_be_checked()
    expect(dialog).to_contain_text("Members of Shop desk hold its modules and reach its sub-accounts")
    group_select.select_option(label="Default User Group (own role and modules)")
    expect(dialog.get_by_label("Open and view support tickets")).to_be_checked()  # their own choice again
    expect(dialog.get_by_label("View and pay invoices")).not_to_be_checked()
    expect(dialog.get_by_label("Company blog")).to_be_checked()
    expect(dialog.get_by_label("Web shop")).not_to_be_checked()


def test_all_permissions_and_the_persons_details_at_invite_time(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "All Perms Co")
    sign_in_page(page, live, owner)
    page.get_by_role("button", name="Invite users").click()
    dialog = page.get_by_role("dialog", name="Invite users")
    ann, bob = unique("ann"), unique("bob")
    dialog.get_by_label("All permissions").check()
    expect(dialog.get_by_label("View and pay invoices")).to_be_checked()
    expect(dialog.get_by_label("View and pay invoices")).to_be_disabled()
    expect(dialog.get_by_label("Manage payment methods")).not_to_be_checked()  # admin-only: not a User's
    dialog.get_by_text("Their name, title and phones").click()
    dialog.get_by_label("First name").fill("Ann")
    dialog.get_by_label("Last name").fill("Archer")
    dialog.get_by_label("Title").fill("Bookkeeper")
    dialog.get_by_label("Cell phone").fill("+44 7700 900123")
    dialog.get_by_label("Email addresses").fill(f"{ann}\n{bob}")
    dialog.get_by_role("button", name="Send invitations").click()
    expect(dialog.get_by_role("alert")).to_have_text(
        "A name, title or phone goes with one address at a time."
    )
    dialog.get_by_label("Email addresses").fill(ann)
    dialog.get_by_role("button", name="Send invitations").click()
    expect(dialog.get_by_role("list", name="Results")).to_contain_text("Invited")
    [made] = live.get(f"/accounts/{account_id}/invitations", token=token).body["items"]
    catalog = live.get("/permissions").body["permissions"]
    assert sorted(made["permissions"]) == sorted(p["key"] for p in catalog if not p["admin_only"])
    joined = accept_new(live, ann, "Ann", "Archer")
    member = live.get(f"/accounts/{account_id}/members/{joined.user_id}", token=token).body
    assert (member["title"], member["cell_phone"]) == ("Bookkeeper", "+44 7700 900123")
