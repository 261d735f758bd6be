"""The Provisioning screen in Chromium (issue 31): the owner copies the SCIM base URL and creates a token on
the page (shown once); the directory's SCIM request with it over HTTP creates a user in a verified domain;
the page shows when it was last used after a reload; a third token is refused in words (2 active at most);
the owner revokes the used token and the directory's next request with it is a 401. axe-clean, and it fits
375 px."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.test_portal_joining import fits_phone, portal_link
from tests.e2e.test_portal_pages import axe_check, owned_account, sign_in_page

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import Live
    from tests.helpers import Reply

pytestmark = pytest.mark.e2e
SCIM_JSON = "application/scim+json"
TOO_MANY = "This account already has 2 active SCIM tokens, the most it may have."


def scim_create(live: Live, account_id: str, token: str, email: str) -> Reply:
    """What Microsoft Entra ID sends to create a user, over real HTTP."""
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "externalId": uuid.uuid4().hex,
        "userName": email,
        "active": True,
        "emails": [{"primary": True, "type": "work", "value": email}],
        "name": {"givenName": "Sam", "familyName": "Directory"},
    }
    headers = {"Content-Type": SCIM_JSON}
    return live.call("POST", f"/scim/v2/{account_id}/Users", body, token=token, headers=headers)


def create_on_page(page: Page) -> str:
    """Creates a token on the screen (open) and returns it as its Copy button copied it."""
    page.get_by_role("button", name="Create SCIM token").click()
    page.get_by_role("dialog", name="Create SCIM token").get_by_role("button", name="Create token").click()
    shown = page.get_by_role("dialog", name="Your SCIM token")
    expect(shown).to_contain_text("it will not be shown again")
    token = shown.get_by_role("textbox", name="Token").input_value()
    shown.get_by_role("button", name="Copy the token").click()
    assert page.evaluate("navigator.clipboard.readText()") == token
    return token


def test_an_owner_connects_a_directory_with_a_token_sees_it_used_and_revokes_it(
    live: Live, page: Page
) -> None:
    checked: list[str] = []
    check = axe_check(page, checked)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.base_url)
    account_id, owner, owner_token = owned_account(live, "Provisioned Co")
    domain = f"p{uuid.uuid4().hex[:8]}.example.com"
    vouch = {"domain": domain, "verified": True}
    vouched = live.post(f"/accounts/{account_id}/email-domains", vouch, operator=True)
    assert vouched.status == 201, vouched.body

    sign_in_page(page, live, owner)
    portal_link(page, "Provisioning")
    expect(page.locator("#panel")).to_contain_text("No SCIM tokens yet")
    base_url = page.get_by_role("textbox", name="SCIM base URL")
    expect(base_url).to_have_value(f"{live.base_url}/scim/v2/{account_id}")
    page.get_by_role("button", name="Copy the scim base url").click()
    assert page.evaluate("navigator.clipboard.readText()") == f"{live.base_url}/scim/v2/{account_id}"
    check("provisioning, empty")
    token = create_on_page(page)
    assert token.startswith("pascim_")
    check("the token, shown once")
    page.get_by_role("dialog", name="Your SCIM token").get_by_role("button", name="Close").click()
    [listed] = live.get(f"/accounts/{account_id}/scim-tokens", token=owner_token).body["items"]
    row = page.locator("#panel tbody tr", has_text=listed["scim_token_id"][-6:])
    expect(row).to_contain_text("Never")
    expect(page.locator("#panel")).not_to_contain_text(token)  # shown once: not in the list

    person = f"sam@{domain}"
    made = scim_create(live, account_id, token, person)
    assert made.status == 201, made.body
    members = live.get(f"/accounts/{account_id}/members", token=owner_token).body["items"]
    assert person in [m["email"] for m in members]
    page.reload()
    expect(row).not_to_contain_text("Never")
    [used] = live.get(f"/accounts/{account_id}/scim-tokens", token=owner_token).body["items"]
    assert used["last_used_at"] is not None
    expect(row.locator("time").last).to_have_attribute("datetime", used["last_used_at"])
    check("provisioning, a token used")
    fits_phone(page, "provisioning")

    second = create_on_page(page)  # rotating: a second one may be active beside it
    page.get_by_role("dialog", name="Your SCIM token").get_by_role("button", name="Close").click()
    expect(page.locator("#panel tbody tr")).to_have_count(2)
    page.get_by_role("button", name="Create SCIM token").click()
    refused = page.get_by_role("dialog", name="Create SCIM token")
    refused.get_by_role("button", name="Create token").click()
    expect(refused.get_by_role("alert")).to_contain_text(TOO_MANY)
    check("a third token refused")
    refused.get_by_role("button", name="Cancel").click()

    page.get_by_role("button", name=f"Revoke the SCIM token …{listed['scim_token_id'][-6:]}").click()
    page.get_by_role("dialog", name="Revoke?").get_by_role("button", name="Revoke").click()
    expect(page.locator("#flash")).to_have_text("The SCIM token was revoked.")
    expect(page.locator("#panel tbody tr")).to_have_count(1)
    refused_call = scim_create(live, account_id, token, f"kim@{domain}")
    assert refused_call.status == 401, refused_call.body
    assert refused_call.body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    still = scim_create(live, account_id, second, f"kim@{domain}")  # the one rotated to still works
    assert still.status == 201, still.body
    assert len(checked) == 4
