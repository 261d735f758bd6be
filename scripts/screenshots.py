"""`make screenshots`: PNGs of the portal's main screens, taken in Debian's chromium against a fresh local
server (the same one `make run` starts) seeded through the public API."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chalicelib.schemas.invitations import InviteIn  # noqa: E402
from scripts.screenshots_brands import shoot_reseller  # noqa: E402
from tests.e2e.browser import chromium, emailed_link  # noqa: E402
from tests.e2e.conftest import Live, start_server, stop_server, wait_healthy  # noqa: E402
from tests.helpers import free_port  # noqa: E402
from tests.helpers.flows import accept_new  # noqa: E402
from tests.helpers.settings import PASSWORD  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Browser

OWNER = "olivia.bennett@northwind.example"
TEAM = [  # email, first, last, title, role, permissions
    ("marcus.reed@northwind.example", "Marcus", "Reed", "Head of IT", "admin", []),
    ("priya.shah@northwind.example", "Priya", "Shah", "Accountant", "member", ["invoices", "quotes"]),
    ("tom.keller@northwind.example", "Tom", "Keller", "Web developer", "member", ["domains", "tickets"]),
    ("ana.lima@northwind.example", "Ana", "Lima", "Support lead", "member", ["tickets", "emails"]),
]


GROUPS = [  # name, description, permissions, sub-accounts
    ("Billing", "Pays invoices and accepts quotes", ["invoices", "quotes", "orders"], "all"),
    ("Support desk", "Answers customers' tickets", ["tickets", "emails"], "all"),
]
CONTACTS = [  # email, first, last, company, phone, categories
    (
        "accounts@brightlaw.example",
        "Helen",
        "Brooks",
        "Bright Law LLP",
        "+44 20 7946 0958",
        ["invoice", "general"],
    ),
    (
        "it@brightlaw.example",
        "Raj",
        "Patel",
        "Bright Law LLP",
        "+44 20 7946 0112",
        ["domain", "support", "product"],
    ),
    ("m.costa@costa-design.example", "Maria", "Costa", "Costa Design", None, ["affiliate", "general"]),
    ("noc@northwind.example", "Network", "Operations", "Northwind Hosting", "+1 415 555 0134", ["support"]),
]


def seed(live: Live) -> None:
    reply = live.post("/accounts", {"name": "Northwind Hosting", "owner_email": OWNER}, operator=True)
    account_id = reply.body["account"]["account_id"]
    owner = accept_new(live, OWNER, "Olivia", "Bennett")
    base = f"/accounts/{account_id}"
    seed_team(live, base, owner.token)
    seed_second_account(live)
    seed_newcomer(live, base, owner.token)
    seed_groups(live, base, owner.token)
    seed_contacts_and_webhook(live, base, owner.token)
    seed_german_invitation(live, base, owner.token)


def seed_team(live: Live, base: str, token: str) -> None:
    """The team (one of them deactivated) and two pending invitations."""
    for email, first, last, title, role, permissions in TEAM:
        body = {"emails": [email], "role": role, "permissions": permissions, "title": title}
        assert live.post(f"{base}/invitations", body, token=token).status == 200
        accept_new(live, email, first, last)
    ana = live.get(f"{base}/members?sort=email", token=token).body["items"][0]
    live.post(f"{base}/members/{ana['user_id']}/deactivate", token=token)
    pending = ["jules.martin@northwind.example", "sam.okafor@northwind.example"]
    body = {"emails": pending, "role": "member", "permissions": ["tickets"]}
    live.post(f"{base}/invitations", body, token=token)


def seed_second_account(live: Live) -> None:
    """A second account of the owner's, so signing in asks which one."""
    second = live.post("/accounts", {"name": "Bennett Studio", "owner_email": OWNER}, operator=True)
    assert second.status == 201
    accepted = live.post("/invitations/accept", {"token": live.latest_link(OWNER), "password": PASSWORD})
    assert accepted.status == 201


def seed_newcomer(live: Live, base: str, token: str) -> None:
    """Three sub-accounts, and an invitation with a message scoped to the first of them."""
    shops = [
        live.post(f"{base}/sub-accounts", {"name": name}, token=token).body["sub_account_id"]
        for name in ("Web shop", "Company blog", "Staging sites")
    ]
    body = {
        "emails": ["lena.vogel@northwind.example"],
        "role": "member",
        "permissions": ["tickets", "invoices"],
        "sub_accounts": shops[:1],
        "message": "Welcome aboard, Lena! You will look after the web shop's invoices and tickets.",
    }
    live.post(f"{base}/invitations", body, token=token)


def seed_groups(live: Live, base: str, token: str) -> None:
    """The custom groups; Billing with a manager and a member."""
    for name, description, permissions, scope in GROUPS:
        group = {"name": name, "description": description, "permissions": permissions, "sub_accounts": scope}
        made = live.post(f"{base}/groups", group, token=token)
        assert made.status == 201, made.body
        if name != "Billing":
            continue
        for email, first, last, manager in (
            ("grace.hill@northwind.example", "Grace", "Hill", True),
            ("omar.farouk@northwind.example", "Omar", "Farouk", False),
        ):
            body = {"emails": [email], "group_id": made.body["group_id"], "group_manager": manager}
            assert live.post(f"{base}/invitations", body, token=token).status == 200
            accept_new(live, email, first, last)


def seed_contacts_and_webhook(live: Live, base: str, token: str) -> None:
    for email, first, last, company, phone, categories in CONTACTS:
        body = {
            "email": email,
            "first_name": first,
            "last_name": last,
            "company_name": company,
            "phone": phone,
            "email_preferences": {category: True for category in categories},
        }
        assert live.post(f"{base}/contacts", body, token=token).status == 201
    hook = {
        "url": "http://127.0.0.1:9/billing/events",
        "event_types": ["*"],
        "description": "Billing system feed",
    }
    assert live.post(f"{base}/webhooks", hook, token=token).status == 201


GERMAN_INVITEE = "jonas.weber@northwind.example"


def seed_german_invitation(live: Live, base: str, token: str) -> None:
    """An invitation for the German screenshots (in German where the API takes an invitation's language)."""
    body: dict[str, Any] = {"emails": [GERMAN_INVITEE], "role": "member", "permissions": ["tickets"]}
    if "locale" in InviteIn.model_fields:
        body["locale"] = "de"
    assert live.post(f"{base}/invitations", body, token=token).status == 200


class Camera:
    """One page of a desktop-sized context and the screenshots taken of it."""

    def __init__(self, browser: Any, out: Path, locale: str = "en-US") -> None:
        viewport = {"width": 1600, "height": 900}
        context = browser.new_context(viewport=viewport, device_scale_factor=1, locale=locale)
        self.page = context.new_page()
        self.out = out
        self.taken: list[Path] = []

    def snap(self, name: str) -> None:
        self.page.wait_for_timeout(300)  # the strength meter's and the tabs' short transitions
        path = self.out / f"{name}.png"
        self.page.screenshot(path=str(path))
        self.taken.append(path)


def shoot(live: Live, out: Path) -> list[Path]:
    with chromium() as browser:
        camera = Camera(browser, out)
        shoot_arrival(live, camera)
        shoot_users(camera)
        shoot_sections(camera)
        shoot_sign_out(live, camera)
        taken = camera.taken + shoot_phone(live, browser, out) + shoot_german(live, browser, out)
        return taken + shoot_reseller(live, browser, out)


def shoot_arrival(live: Live, camera: Camera) -> None:
    """The invitation email, accepting it, signing in and choosing the account."""
    page, snap = camera.page, camera.snap
    page.set_content(live.emails_to("lena.vogel@northwind.example")[-1].body)  # moto keeps the HTML part
    snap("invitation-email")
    page.goto(emailed_link(live, "lena.vogel@northwind.example"))
    page.get_by_label("First name").fill("Lena")
    page.get_by_label("Last name").fill("Vogel")
    page.get_by_label("Choose a password").fill("paper lantern riverside")
    snap("accept-invitation")
    page.goto(f"{live.base_url}/portal/login")
    page.get_by_label("Email").fill(OWNER)
    snap("sign-in")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("heading", name="Choose account").wait_for()
    snap("choose-account")
    page.get_by_role("button", name="Northwind Hosting").click()
    page.get_by_role("tabpanel").locator("tbody tr").first.wait_for()


def shoot_users(camera: Camera) -> None:
    """The user-management tabs, the invite dialog and editing a user."""
    page, snap = camera.page, camera.snap
    snap("user-management")
    page.get_by_role("tab", name="Pending invitations").click()
    snap("pending-invitations")
    page.get_by_role("tab", name="Deactivated users").click()
    snap("deactivated-users")
    page.get_by_role("tab", name="Active users").click()
    page.get_by_role("button", name="Invite users").click()
    dialog = page.get_by_role("dialog", name="Invite users")
    chris = "chris.doyle@northwind.example"
    dialog.get_by_label("Email addresses").fill(f"{chris}\n{chris}")
    dialog.get_by_label("Open and view support tickets").check()
    dialog.get_by_label("View and pay invoices").check()
    dialog.get_by_label("Only these").check()
    dialog.get_by_label("Web shop").check()
    dialog.get_by_role("button", name="Send invitations").click()
    dialog.get_by_role("list", name="Results").get_by_role("listitem").first.wait_for()
    snap("invite-users")
    dialog.get_by_role("button", name="Close").click()
    edit(camera, "Tom Keller", "edit-user")


def edit(camera: Camera, name: str, shot: str) -> None:
    """A row's Actions menu, its Edit dialog shot, then closed."""
    page = camera.page
    page.get_by_role("button", name=f"Actions for {name}").click()
    page.get_by_role("menuitem", name=f"Edit {name}").click()
    page.get_by_role("dialog", name=f"Edit {name}").wait_for()
    camera.snap(shot)
    page.keyboard.press("Escape")


def shoot_sections(camera: Camera) -> None:
    """Groups, contacts, webhooks and the audit log, with an edit dialog of each list that has one."""
    page, snap = camera.page, camera.snap
    for link, name in (("Groups", "groups"), ("Contacts", "contacts"), ("Webhooks", "webhooks")):
        page.get_by_role("link", name=link).click()
        page.locator("#panel tbody tr").first.wait_for()
        snap(name)
    page.get_by_role("link", name="Contacts").click()
    edit(camera, "Raj Patel", "edit-contact")
    page.get_by_role("link", name="Groups").click()
    edit(camera, "Billing", "edit-group")
    page.get_by_role("link", name="Audit log").click()
    page.locator("#panel tbody tr").first.wait_for()
    snap("audit-log")


def shoot_sign_out(live: Live, camera: Camera) -> None:
    page, snap = camera.page, camera.snap
    page.get_by_role("link", name="Your info").click()
    page.get_by_label("First name").wait_for()
    snap("your-info")
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.get_by_role("heading", name="Sign in").wait_for()
    page.goto(f"{live.base_url}/portal/password-reset")
    page.get_by_label("Email").fill(OWNER)
    snap("password-reset")


def shoot_phone(live: Live, browser: Browser, out: Path) -> list[Path]:
    """The same portal on a 375 px phone: each table row a card, the Actions menu inside the screen."""
    taken: list[Path] = []
    page = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2).new_page()

    def snap(name: str, full: bool = True) -> None:
        page.wait_for_timeout(300)
        path = out / f"phone-{name}.png"
        page.screenshot(path=str(path), full_page=full)
        taken.append(path)

    open_user_management(live, page)
    snap("user-management")
    page.get_by_role("button", name="Actions for Tom Keller").click()
    snap("actions-menu", full=False)
    page.keyboard.press("Escape")
    for link, name in (("Contacts", "contacts"), ("Audit log", "audit-log")):
        page.get_by_role("link", name=link).click()
        page.locator("#panel tbody tr").first.wait_for()
        page.evaluate("document.getElementById('panel').scrollIntoView({ block: 'start' })")  # the list's top
        snap(name, full=False)
    return taken


def shoot_german(live: Live, browser: Any, out: Path) -> list[Path]:
    """A German browser (its Accept-Language de): the accept page and User Management, in German."""
    camera = Camera(browser, out, locale="de-DE")
    page, snap = camera.page, camera.snap
    page.goto(emailed_link(live, GERMAN_INVITEE))
    page.get_by_label("Vorname").fill("Jonas")
    page.get_by_label("Nachname").fill("Weber")
    page.get_by_label("Passwort wählen").fill("paper lantern riverside")
    snap("de-accept-invitation")
    # The owner speaks English (her invitation's language, set when she accepted); for this shot, German.
    token = live.post("/auth/login", {"email": OWNER, "password": PASSWORD}).body["access_token"]
    assert live.patch("/me", {"locale": "de"}, token=token).status == 200
    open_user_management(live, page, GERMAN)
    snap("de-user-management")
    assert live.patch("/me", {"locale": "en"}, token=token).status == 200
    return camera.taken


# The sign-in page's labels for the email, the password and the button, in the browser's language.
ENGLISH = ("Email", "Password", "Sign in")
GERMAN = ("E-Mail", "Passwort", "Anmelden")


def open_user_management(live: Live, page: Any, labels: tuple[str, str, str] = ENGLISH) -> None:
    """Signs the owner in on a fresh page and opens Northwind Hosting's User Management (its rows drawn)."""
    email, password, button = labels
    page.goto(f"{live.base_url}/portal/login")
    page.get_by_label(email).fill(OWNER)
    page.get_by_label(password).fill(PASSWORD)
    page.get_by_role("button", name=button, exact=True).click()
    page.get_by_role("button", name="Northwind Hosting").click()
    page.get_by_role("tabpanel").locator("tbody tr").first.wait_for()


def main() -> None:
    out = ROOT / (sys.argv[1] if len(sys.argv) > 1 else "docs/screens")
    out.mkdir(parents=True, exist_ok=True)
    port, moto_port = free_port(), free_port()
    log = Path(tempfile.mkdtemp()) / "local_run.log"
    process = start_server(port, moto_port, log)
    live = Live(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{moto_port}")
    try:
        wait_healthy(live, process, log)
        seed(live)
        for path in shoot(live, out):
            print(path.relative_to(ROOT))
    finally:
        stop_server(process)


if __name__ == "__main__":
    main()
