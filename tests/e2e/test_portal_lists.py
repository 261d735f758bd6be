"""The lists as a hosting customer uses them (issue: WHMCS users expect it): searching the users, each
one's group, modules and sub-accounts in the table, Contacts sorted by their headers, and a person without
user management landing on a screen they may use."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.test_portal_pages import owned_account, sign_in_page, sub_accounts, unique
from tests.helpers.flows import accept_new, invite

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e


def test_search_and_the_access_columns(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Columns Co")
    ids = sub_accounts(live, account_id, token, "Web shop", "Blog")
    group = {"name": "Billing", "permissions": ["invoices"]}
    gid = live.post(f"/accounts/{account_id}/groups", group, token=token).body["group_id"]
    amy, zoe, gil = unique("amy"), unique("zoe"), unique("gil")
    invite(live, account_id, token, [amy], permissions=["invoices"], sub_accounts=[ids["Web shop"]])
    accept_new(live, amy, "Amy", "Young")
    invite(live, account_id, token, [zoe], permissions=["invoices", "quotes", "tickets"], title="CFO")
    accept_new(live, zoe, "Zoe", "Adams")
    body = {"emails": [gil], "group_id": gid, "group_manager": True}
    assert live.post(f"/accounts/{account_id}/invitations", body, token=token).status == 200
    accept_new(live, gil, "Gil", "Grant")
    sign_in_page(page, live, owner)
    rows = page.get_by_role("tabpanel").locator("tbody tr")
    expect(rows).to_have_count(4)
    cells = {"Group": 6, "Modules": 7, "Sub-accounts": 8}

    def row(email: str) -> dict[str, str]:
        line = rows.filter(has_text=email)
        return {name: line.locator(f"td:nth-child({n})").inner_text() for name, n in cells.items()}

    assert row(amy) == {"Group": "Default", "Modules": "View and pay invoices", "Sub-accounts": "Web shop"}
    assert row(zoe) == {"Group": "Default", "Modules": "3 modules", "Sub-accounts": "All"}
    assert row(gil) == {
        "Group": "Billing (manager)",
        "Modules": "View and pay invoices",
        "Sub-accounts": "All",
    }
    assert row(owner)["Modules"] == "All"
    search = page.get_by_role("searchbox", name="Search users")
    search.fill("young")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(amy)
    search.fill("cfo adams")  # every word, in names, email or title
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(zoe)
    search.fill("nobody here")
    expect(page.get_by_role("tabpanel")).to_contain_text("No user matches “nobody here”.")
    search.fill("")
    expect(rows).to_have_count(4)


def test_contacts_sort_by_their_headers(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Sorted Contacts")
    for first, last, email in (("Cy", "Brown", "c@b.example"), ("Al", "Young", "a@y.example"),
                               ("Bo", "Adams", "z@a.example")):  # fmt: skip
        body = {"email": email, "first_name": first, "last_name": last}
        assert live.post(f"/accounts/{account_id}/contacts", body, token=token).status == 201
    sign_in_page(page, live, owner)
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Contacts").click()
    rows = page.locator("#panel tbody tr")
    expect(rows.locator("td:nth-child(1)")).to_have_text(["Bo Adams", "Cy Brown", "Al Young"])  # by last name
    header = page.get_by_role("columnheader", name="Name")
    expect(header).to_have_attribute("aria-sort", "ascending")
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(rows.locator("td:nth-child(1)")).to_have_text(["Al Young", "Cy Brown", "Bo Adams"])
    by_email = page.get_by_role("columnheader", name="Email", exact=True)
    by_email.get_by_role("button").click()
    expect(by_email).to_have_attribute("aria-sort", "ascending")
    expect(by_email.get_by_role("button")).to_be_focused()
    expect(rows.locator("td:nth-child(2)")).to_have_text(["a@y.example", "c@b.example", "z@a.example"])


def test_without_user_management_a_person_lands_on_what_they_may_use(live: Live, page: Page) -> None:
    account_id, owner, token = owned_account(live, "Landing Co")
    clerk = unique("clerk")
    invite(live, account_id, token, [clerk], permissions=["contacts", "tickets"])
    accept_new(live, clerk, "Cy", "Clerk")
    sign_in_page(page, live, clerk)
    expect(page.get_by_role("heading", name="Contacts", exact=True)).to_be_visible()
    assert page.url == f"{live.base_url}/portal/contacts"
    nav = page.get_by_role("navigation", name="Portal").get_by_role("link")
    expect(nav).to_have_text(["Contacts", "Your info"])
    expect(page.get_by_role("link", name="Contacts")).to_have_attribute("aria-current", "page")
