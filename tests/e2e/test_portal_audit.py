"""The audit log reads as the portal speaks: names and labels, not ids and keys."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.test_portal_pages import owned_account, sign_in_page, sub_accounts, unique
from tests.helpers.flows import accept_new

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e


def test_the_audit_log_names_groups_sub_accounts_and_modules(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Audit Words Co")
    ids = sub_accounts(live, account_id, token, "Web shop")
    group = {"name": "Billing", "permissions": ["invoices", "tickets"], "sub_accounts": [ids["Web shop"]]}
    gid = live.post(f"/accounts/{account_id}/groups", group, token=token).body["group_id"]
    ann = unique("ann")
    body = {"emails": [ann], "group_id": gid}
    assert live.post(f"/accounts/{account_id}/invitations", body, token=token).status == 200
    accept_new(live, ann, "Ann", "Archer")
    sign_in_page(page, live, owner)
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Audit log").click()
    panel = page.locator("#panel")
    expect(panel.locator("tbody tr").first).to_be_visible()
    created = panel.locator("tbody tr", has_text="Group created")
    expect(created).to_contain_text("Group “Billing”")
    expect(created).to_contain_text("View and pay invoices, Open and view support tickets")
    expect(created).to_contain_text("sub-accounts: Web shop")
    expect(panel.locator("tbody tr", has_text="Sub-account created")).to_contain_text(
        "Sub-account “Web shop”"
    )
    invited = panel.locator("tbody tr", has_text="Invitation created").filter(has_text=ann)
    expect(invited).to_contain_text("group: Billing")
    text = panel.inner_text()
    assert gid not in text and ids["Web shop"] not in text and not re.search(r"\b(grp|sub)_\w{6}", text), text
    assert "tickets," not in text and "Sub account" not in text
