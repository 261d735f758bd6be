"""Every signed-in screen at a phone's 375 px and a laptop's 1280 and 1440 px, in chromium against the real
local server: nothing wider than the page or than its panel, every button inside the viewport, every row's
Actions menu (users, invitations, groups, contacts, webhooks) opening inside it with each item reachable
from the keyboard, and axe clean."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_portal_pages import axe_check, owned_account, sign_in_page, sub_accounts
from tests.helpers.flows import accept_new, invite, sign_in
from tests.helpers.settings import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e
WIDTHS = (375, 1280, 1440)
# long enough to be a real customer's: a long address and title, as the tables must hold them
TEAM = [
    ("bartholomew.featherstonehaugh@northwind-hosting.example", "Bartholomew", "Featherstonehaugh",
     "Head of Infrastructure Operations", "admin"),
    ("priya.shah@northwind-hosting.example", "Priya", "Shah", "Accountant", "member"),
    ("tom.keller@northwind-hosting.example", "Tom", "Keller", "Web developer", "member"),
]  # fmt: skip

# What the page holds that does not fit: the page itself, a panel (whose table would scroll inside it), or
# a control (button, link, field) out of the viewport's width.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const page = document.documentElement.scrollWidth;
  if (page > width) problems.push(`the page is ${page} px wide in ${width}`);
  const boxes = '.panel, .filters, .cards, .page-head, .topbar, .sidebar, [role=tablist]';
  for (const box of document.querySelectorAll(boxes)) {
    if (box.scrollWidth > box.clientWidth + 1) {
      problems.push(`.${box.className}: ${box.scrollWidth} px in ${box.clientWidth}`);
    }
  }
  const controls = 'header button, header select, main button, main a, main input, main select';
  for (const control of document.querySelectorAll(controls)) {
    if (control.closest('[hidden], .menu, dialog')) continue;
    const box = control.getBoundingClientRect();
    if (box.width === 0) continue;
    if (box.left < -0.5 || box.right > width + 0.5) {
      const name = control.getAttribute('aria-label') || control.textContent;
      problems.push(`${name}: ${box.left}..${box.right} of ${width}`);
    }
  }
  return problems;
}"""
TABLES = """() => [...document.querySelectorAll('.panel')]
  .map(p => [p.querySelector('table')?.scrollWidth ?? 0, p.clientWidth])"""
ROW_BUTTONS = "#panel td.row-actions button:not([role=menuitem])"
INSIDE = """node => { const b = node.getBoundingClientRect();
  return b.width > 0 && b.left >= 0 && b.top >= 0 && b.right <= innerWidth && b.bottom <= innerHeight; }"""


@pytest.fixture(scope="module")
def owner(live: Live) -> str:
    """An account with something in every screen: members, a deactivated one, invitations, sub-accounts,
    groups, contacts, a webhook, two email domains, an invite link, a join request and a SCIM token."""
    account_id, owner, token = owned_account(live, "Northwind Hosting & Web Services")
    base = f"/accounts/{account_id}"
    ids = sub_accounts(live, account_id, token, "Web shop", "Company blog")
    for email, first, last, title, role in TEAM:
        invite(live, account_id, token, [email], role=role, title=title)
        accept_new(live, email, first, last)
    tom = live.get(f"{base}/members?sort=email", token=token).body["items"][-1]
    assert live.post(f"{base}/members/{tom['user_id']}/deactivate", token=token).status == 200
    invite(
        live,
        account_id,
        token,
        ["jules.martin-longname@northwind-hosting.example"],
        sub_accounts=[ids["Web shop"]],
    )
    group = {
        "name": "Billing",
        "description": "Pays invoices",
        "permissions": ["invoices", "quotes", "orders"],
    }
    assert live.post(f"{base}/groups", group, token=token).status == 201
    contact = {
        "email": "accounts.payable@brightlaw-partners.example", "first_name": "Helen", "last_name": "Brooks",
        "company_name": "Bright Law LLP", "phone": "+44 20 7946 0958",
        "email_preferences": {"invoice": True, "general": True, "domain": True, "support": True},
    }  # fmt: skip
    assert live.post(f"{base}/contacts", contact, token=token).status == 201
    hook = {"url": "http://127.0.0.1:9/billing/events/from-the-portal", "event_types": ["*"],
            "description": "Billing system feed"}  # fmt: skip
    assert live.post(f"{base}/webhooks", hook, token=token).status == 201
    vouched = {"domain": "northwind-hosting-and-web-services.example", "verified": True}
    assert live.post(f"{base}/email-domains", vouched, operator=True).status == 201
    pending = {"domain": "brightlaw-partners-international.example"}
    assert live.post(f"{base}/email-domains", pending, token=token).status == 201
    link = {"permissions": ["tickets", "invoices"], "allowed_domains": ["northwind-hosting.example"]}
    assert live.post(f"{base}/invite-links", link, token=token).status == 201
    assert live.post(f"{base}/scim-tokens", token=token).status == 201
    policy = {"join_policy": "request"}  # a person at the verified domain (a login elsewhere) asks to join
    assert live.patch(f"{base}/email-domains/{vouched['domain']}", policy, token=token).status == 200
    asker = "maximiliane.von-hohenberg@northwind-hosting-and-web-services.example"
    elsewhere, _, elsewhere_token = owned_account(live, "Hohenberg Design")
    invite(live, elsewhere, elsewhere_token, [asker])
    asked = live.post(f"{base}/join", token=accept_new(live, asker, "Maximiliane", "von Hohenberg").token)
    assert asked.status == 202, asked.body
    return owner


def fits(page: Page, name: str, measured: dict[str, object]) -> None:
    problems = page.evaluate(OVERFLOW)
    assert not problems, (name, problems)
    measured[name] = page.evaluate(TABLES)


def every_menu_reachable(page: Page, name: str) -> int:
    """Opens each row's Actions menu: it and each of its items inside the viewport, the arrows reach each
    item, Escape gives focus back to the row's button. Once the tab's requests have settled: a row drawn
    again by a late answer would leave the button just found detached."""
    page.wait_for_load_state("networkidle")
    buttons = page.locator("#panel .menu-button")
    for index in range(buttons.count()):
        button = buttons.nth(index)
        button.scroll_into_view_if_needed()
        button.click()
        items = page.locator(".menu:not([hidden]) [role=menuitem]")
        expect(items.first).to_be_focused()
        for step in range(items.count()):
            item = items.nth(step)
            expect(item).to_be_focused()
            assert item.evaluate(INSIDE), (name, button.get_attribute("aria-label"), item.text_content())
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Escape")
        expect(button).to_be_focused()
        expect(page.locator(".menu:not([hidden])")).to_have_count(0)
    return buttons.count()


def walk_tabs(
    page: Page, tabs: tuple[str, ...], measured: dict[str, object], check: Callable[[str], None]
) -> int:
    """Each tab of User Management: its rows drawn, fitting the width, axe-checked; the row menus reached."""
    menus = 0
    for tab in tabs:
        page.get_by_role("tab", name=tab).click()
        expect(page.locator("#panel tbody tr").first).to_be_visible()
        fits(page, tab, measured)
        menus += every_menu_reachable(page, tab)
        check(tab)
    return menus


@pytest.mark.parametrize("width", WIDTHS)
def test_every_signed_in_screen_fits_and_every_action_is_reachable(
    live: Live, browser: Browser, owner: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800 if width > 400 else 740})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    checked: list[str] = []
    check = axe_check(page, checked)
    measured: dict[str, object] = {}
    try:
        sign_in_page(page, live, owner)
        expect(page.get_by_role("heading", name="User Management")).to_be_visible()
        menus = walk_tabs(page, ("Active users", "Pending invitations", "Deactivated users"), measured, check)
        assert menus == 2 + 1 + 1  # not on the owner's own row: the two active others, Jules, Tom
        page.get_by_role("button", name="Invite users").click()
        expect(page.get_by_role("dialog", name="Invite users")).to_be_visible()
        dialog_box = page.get_by_role("dialog").evaluate("d => [d.scrollWidth, d.clientWidth]")
        assert dialog_box[0] <= dialog_box[1], dialog_box
        page.keyboard.press("Escape")
        reached: dict[str, int] = {}
        on_rows: dict[str, int] = {}  # buttons on the rows themselves (not in a menu)
        screens = ("Groups", "Contacts", "Audit log", "Webhooks", "Email domains", "Your info")
        for link in (*screens, "Join requests", "Invite links", "Provisioning"):
            page.get_by_role("navigation", name="Portal").get_by_role("link", name=link).click()
            expect(page.get_by_role("heading", name=link, exact=True)).to_be_visible()
            rows = "#sessions-list tbody tr" if link == "Your info" else "#panel tbody tr"
            expect(page.locator(rows).first).to_be_visible()  # measured once the rows are in
            fits(page, link, measured)
            on_rows[link] = page.locator(f"{ROW_BUTTONS}:not(.menu-button)").count()
            for button in page.locator(ROW_BUTTONS).all():
                button.scroll_into_view_if_needed()
                assert button.evaluate(INSIDE), (link, button.get_attribute("aria-label"))
            reached[link] = every_menu_reachable(page, link)
            check(link)
        # a menu on every row of Groups (2), Contacts (1), Webhooks (1), Email domains (2); the audit log
        # has no actions; join requests, invite links and SCIM tokens have their buttons on the row (above)
        assert reached == {
            "Groups": 2, "Contacts": 1, "Audit log": 0, "Webhooks": 1, "Email domains": 2, "Join requests": 0,
            "Invite links": 0, "Provisioning": 0, "Your info": 0,
        }, reached  # fmt: skip
        buttons = (on_rows["Join requests"], on_rows["Invite links"], on_rows["Provisioning"])
        assert buttons == (2, 1, 1), on_rows  # approve, deny; revoke; revoke
        print(f"\n{width} px, [table width, panel width]:", measured)
        assert len(checked) == 12
    finally:
        context.close()
    assert not errors, errors


# the screens by their German titles: German's long words (Benutzerverwaltung, Beitrittsanfragen,
# Kontoeinstellungen) are the widest of the five languages
GERMAN_SCREENS = (
    ("groups", "Gruppen"), ("contacts", "Kontakte"), ("audit", "Protokoll"), ("webhooks", "Webhooks"),
    ("domains", "E-Mail-Domains"), ("join-requests", "Beitrittsanfragen"),
    ("invite-links", "Einladungslinks"), ("provisioning", "Provisioning"), ("account", "Kontoeinstellungen"),
    ("security", "Sicherheit"), ("profile", "Meine Angaben"),
)  # fmt: skip


def test_every_screen_fits_a_phone_in_german(live: Live, browser: Browser, owner: str) -> None:
    # the owner's own language (it comes before the account's default, English, and the browser's)
    token = sign_in(live, owner)
    assert live.patch("/me", {"locale": "de"}, token=token).status == 200
    context = browser.new_context(locale="de-DE", viewport={"width": 375, "height": 740})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    checked: list[str] = []
    check = axe_check(page, checked)
    measured: dict[str, object] = {}
    try:
        page.goto(f"{live.base_url}/portal/login")
        page.get_by_label("E-Mail").fill(owner)
        page.get_by_label("Passwort").fill(PASSWORD)
        page.get_by_role("button", name="Anmelden", exact=True).click()
        expect(page.get_by_role("heading", name="Benutzerverwaltung")).to_be_visible()
        tabs = ("Aktive Benutzer", "Offene Einladungen", "Deaktivierte Benutzer")
        assert walk_tabs(page, tabs, measured, check) == 2 + 1 + 1
        for path, title in GERMAN_SCREENS:
            page.goto(f"{live.base_url}/portal/{path}")
            expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
            rows = "#sessions-list tbody tr" if path == "profile" else "#panel tbody tr"
            if path not in ("account", "security"):  # (a form each, no list)
                expect(page.locator(rows).first).to_be_visible()
            page.wait_for_load_state("networkidle")
            fits(page, title, measured)
            every_menu_reachable(page, title)
            check(title)
        assert len(checked) == 3 + len(GERMAN_SCREENS)
        print("\n375 px in German, [table width, panel width]:", measured)
    finally:
        context.close()
        assert live.patch("/me", {"locale": None}, token=token).status == 200  # as the other tests found it
    assert not errors, errors
