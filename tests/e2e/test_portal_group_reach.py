"""A custom group's member, in the browser: the invitation email and the Choose account page name the
group's sub-accounts, as /authorize decides them (not "all")."""

from __future__ import annotations

import re
from contextlib import closing
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import emailed_link
from tests.e2e.test_portal_pages import new_account, owned_account, sign_in_page, sub_accounts, unique
from tests.helpers.flows import sign_in
from tests.helpers.settings import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e


def test_a_group_member_is_shown_the_groups_sub_accounts_as_authorize_decides(
    live: Live, browser: Browser
) -> None:
    account_id, owner, token = owned_account(live, "Reach Hosting")
    ids = sub_accounts(live, account_id, token, "Web shop", "Company blog")
    group = {"name": "Shop desk", "permissions": ["invoices"], "sub_accounts": [ids["Web shop"]]}
    gid = live.post(f"/accounts/{account_id}/groups", group, token=token).body["group_id"]
    ann = unique("ann")
    body = {"emails": [ann], "group_id": gid}
    assert live.post(f"/accounts/{account_id}/invitations", body, token=token).status == 200
    link = emailed_link(live, ann)
    summary = re.sub(r"<[^>]+>", " ", live.emails_to(ann)[-1].body)
    assert re.search(r"Sub-accounts\s+Web shop\s", summary) and "all of them" not in summary
    assert "in the user group Shop desk" in summary
    # the session's browser (a second Playwright in one thread would refuse to start), at a phone's width
    with closing(browser.new_context(viewport={"width": 375, "height": 740})) as context:
        page = context.new_page()
        page.goto(link)
        expect(page.locator(".invite-summary")).to_contain_text("Reach Hosting")
        page.get_by_label("First name").fill("Ann")
        page.get_by_label("Last name").fill("Desk")
        page.get_by_label("Choose a password").fill(PASSWORD)
        page.get_by_label("Repeat the password").fill(PASSWORD)
        page.get_by_role("button", name="Accept invitation").click()
        expect(page.locator(".page-head")).to_contain_text("Reach Hosting")  # signed in
        page.get_by_role("button", name="Sign out", exact=True).click()
        # a second account, so that signing in asks which one
        new_account(live, "Other Hosting", ann)  # as its owner: every sub-account
        assert (
            live.post("/invitations/accept", {"token": live.latest_link(ann), "password": PASSWORD}).status
            == 201
        )
        sign_in_page(page, live, ann)
        expect(page.get_by_role("heading", name="Choose account")).to_be_visible()
        reach = page.get_by_role("button", name=re.compile("Reach Hosting"))
        expect(reach).to_contain_text("Web shop")
        expect(reach).not_to_contain_text("All sub-accounts")
        expect(page.get_by_role("button", name=re.compile("Other Hosting"))).to_contain_text(
            "All sub-accounts"
        )
    ann_token = sign_in(live, ann)
    decide = {"account_id": account_id, "permission": "invoices"}
    for name, allowed in (("Web shop", True), ("Company blog", False)):
        answer = live.post("/authorize", {**decide, "sub_account_id": ids[name]}, token=ann_token).body
        assert answer["allowed"] is allowed, (name, answer)
