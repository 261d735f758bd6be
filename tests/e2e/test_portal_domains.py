"""The Email domains screen in Chromium: the owner adds a domain and sees the TXT record to publish; once
the operator vouches for it through the API, the screen shows it verified and its policy can be set to
`request` (which the screen offers only for a verified domain). axe-clean at each step."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.test_portal_pages import axe_check, owned_account, row_action, sign_in_page

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e


def test_an_owner_adds_a_domain_sees_its_record_and_sets_request_once_verified(
    live: Live, page: Page
) -> None:
    checked: list[str] = []
    check = axe_check(page, checked)
    account_id, owner, _ = owned_account(live, "Domains Co")
    domain = f"d{uuid.uuid4().hex[:8]}.example.com"
    sign_in_page(page, live, owner)
    expect(page.get_by_role("heading", name="User Management")).to_be_visible()
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Email domains").click()
    expect(page.get_by_role("heading", name="Email domains")).to_be_visible()
    expect(page.locator("#panel")).to_contain_text("No email domains yet")
    check("domains, empty")
    page.get_by_role("button", name="Add domain").click()
    page.get_by_role("textbox", name="Domain").fill(f"  {domain.upper()} ")
    check("add domain")
    page.get_by_role("dialog").get_by_role("button", name="Add domain").click()
    record = page.get_by_role("dialog", name=f"DNS record for {domain}")
    expect(record).to_be_visible()
    expect(record.get_by_role("textbox", name="Name")).to_have_value(f"_portal-access.{domain}")
    stored = live.get(f"/accounts/{account_id}/email-domains/{domain}", operator=True).body
    expect(record.get_by_role("textbox", name="Value")).to_have_value(stored["verification"]["value"])
    check("dns record")
    record.get_by_role("button", name="Close").click()
    row = page.locator("#panel tbody tr", has_text=domain)
    expect(row).to_contain_text("Pending")
    policy = page.get_by_label(f"Who may join through {domain}")
    expect(policy.locator("option[value=request]")).to_be_disabled()  # not offered before it is verified
    check("domains, pending")
    vouched = live.patch(f"/accounts/{account_id}/email-domains/{domain}", {"verified": True}, operator=True)
    assert vouched.status == 200 and vouched.body["status"] == "verified"
    page.reload()
    expect(row).to_contain_text("Verified")
    policy.select_option("request")
    expect(page.locator("#flash")).to_contain_text(f"People at {domain}: ask to join")
    stored = live.get(f"/accounts/{account_id}/email-domains/{domain}", operator=True).body
    assert stored["join_policy"] == "request"
    row_action(page, domain, f"DNS record for {domain}")
    expect(page.get_by_role("dialog", name=f"DNS record for {domain}")).to_be_visible()
    check("domains, verified")
    assert len(checked) == 5
