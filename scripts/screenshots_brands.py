"""`make screenshots`' reseller pages (issue 32): a hosting reseller's brand (its name, colour and an SVG
logo uploaded through the API) on one of its customers' accounts: the invitation email, the accept page
and User Management, as that customer's people see them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.browser import emailed_link
from tests.e2e.conftest import Live
from tests.helpers.flows import accept_new
from tests.helpers.settings import PASSWORD

OWNER = "nina.berg@alpine-web.example"
BRAND = {
    "name": "Summit Hosting",
    "primary_color": "#0f766e",
    "support_email": "help@summit-hosting.example",
    "support_url": "https://summit-hosting.example/help",
}
LOGO = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 250 48" width="250" height="48">
<title>Summit Hosting</title>
<path d="M4 42 L22 10 L32 26 L38 18 L52 42 Z" fill="#0f766e"/>
<path d="M22 10 L27 19 L22 17 L17 20 Z" fill="#ffffff"/>
<text x="62" y="32" font-family="Segoe UI, Roboto, Arial, sans-serif" font-size="21" font-weight="700"
 fill="#134e4a">Summit Hosting</text>
</svg>"""


def seed_reseller(live: Live) -> None:
    """The brand, its logo, a customer's account under it with a team, and an invitation to accept."""
    brand = live.post("/brands", BRAND, operator=True)
    assert brand.status == 201, brand.body
    headers = {"Content-Type": "image/svg+xml"}
    logo = live.call(
        "PUT", f"/brands/{brand.body['brand_id']}/logo", raw=LOGO, operator=True, headers=headers
    )
    assert logo.status == 200, logo.body
    made = live.post("/accounts", {"name": "Alpine Web Studio", "owner_email": OWNER}, operator=True)
    account_id = made.body["account"]["account_id"]
    given = live.patch(f"/accounts/{account_id}", {"brand_id": brand.body["brand_id"]}, operator=True)
    assert given.status == 200, given.body
    owner = accept_new(live, OWNER, "Nina", "Berg")
    base = f"/accounts/{account_id}"
    for email, first, last, role in (
        ("leo.frei@alpine-web.example", "Leo", "Frei", "admin"),
        ("mara.keller@alpine-web.example", "Mara", "Keller", "member"),
    ):
        body = {"emails": [email], "role": role, "permissions": [] if role == "admin" else ["tickets"]}
        assert live.post(f"{base}/invitations", body, token=owner.token).status == 200
        accept_new(live, email, first, last)
    body = {"emails": ["jonas.weber@alpine-web.example"], "role": "member", "permissions": ["invoices"]}
    assert live.post(f"{base}/invitations", body, token=owner.token).status == 200


def shoot_reseller(live: Live, browser: Any, out: Path) -> list[Path]:
    seed_reseller(live)
    page = browser.new_context(viewport={"width": 1600, "height": 900}, device_scale_factor=1).new_page()
    taken: list[Path] = []

    def snap(name: str) -> None:
        page.wait_for_timeout(300)
        path = out / f"{name}.png"
        page.screenshot(path=str(path))
        taken.append(path)

    page.set_content(live.emails_to("jonas.weber@alpine-web.example")[-1].body)  # moto keeps the HTML part
    snap("reseller-invitation-email")
    page.goto(emailed_link(live, "jonas.weber@alpine-web.example"))
    page.get_by_label("First name").fill("Jonas")
    page.get_by_label("Last name").fill("Weber")
    page.wait_for_function("() => document.querySelector('header img.brand-logo')?.complete")
    snap("reseller-accept-invitation")
    page.goto(f"{live.base_url}/portal/login")
    page.get_by_label("Email").fill(OWNER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("tabpanel").locator("tbody tr").first.wait_for()
    snap("reseller-user-management")
    return taken
