"""`make screenshots`: PNGs of the portal's main screens, taken in Debian's chromium against a fresh local
server (the same one `make run` starts) seeded through the public API."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.browser import chromium, emailed_link  # noqa: E402
from tests.e2e.conftest import Live, start_server, stop_server, wait_healthy  # noqa: E402
from tests.helpers import free_port  # noqa: E402
from tests.helpers.flows import accept_new  # noqa: E402
from tests.helpers.settings import PASSWORD  # noqa: E402

OWNER = "olivia.bennett@northwind.example"
TEAM = [  # email, first, last, title, role, permissions
    ("marcus.reed@northwind.example", "Marcus", "Reed", "Head of IT", "admin", []),
    ("priya.shah@northwind.example", "Priya", "Shah", "Accountant", "member", ["invoices", "quotes"]),
    ("tom.keller@northwind.example", "Tom", "Keller", "Web developer", "member", ["domains", "tickets"]),
    ("ana.lima@northwind.example", "Ana", "Lima", "Support lead", "member", ["tickets", "emails"]),
]


def seed(live: Live) -> None:
    reply = live.post("/accounts", {"name": "Northwind Hosting", "owner_email": OWNER}, operator=True)
    account_id = reply.body["account"]["account_id"]
    owner = accept_new(live, OWNER, "Olivia", "Bennett")
    for email, first, last, title, role, permissions in TEAM:
        body = {"emails": [email], "role": role, "permissions": permissions, "title": title}
        assert live.post(f"/accounts/{account_id}/invitations", body, token=owner.token).status == 200
        accept_new(live, email, first, last)
    ana = live.get(f"/accounts/{account_id}/members?sort=email", token=owner.token).body["items"][0]
    live.post(f"/accounts/{account_id}/members/{ana['user_id']}/deactivate", token=owner.token)
    pending = ["jules.martin@northwind.example", "sam.okafor@northwind.example"]
    body = {"emails": pending, "role": "member", "permissions": ["tickets"]}
    live.post(f"/accounts/{account_id}/invitations", body, token=owner.token)
    second = live.post("/accounts", {"name": "Bennett Studio", "owner_email": OWNER}, operator=True)
    assert second.status == 201
    accepted = live.post("/invitations/accept", {"token": live.latest_link(OWNER), "password": PASSWORD})
    assert accepted.status == 201
    newcomer = "lena.vogel@northwind.example"
    body = {"emails": [newcomer], "role": "member", "permissions": ["tickets", "invoices"]}
    live.post(f"/accounts/{account_id}/invitations", body, token=owner.token)


def shoot(live: Live, out: Path) -> list[Path]:
    taken: list[Path] = []
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1600, "height": 900}, device_scale_factor=1).new_page()

        def snap(name: str) -> None:
            page.wait_for_timeout(300)  # the strength meter's and the tabs' short transitions
            path = out / f"{name}.png"
            page.screenshot(path=str(path))
            taken.append(path)

        page.goto(emailed_link(live, "lena.vogel@northwind.example"))
        page.get_by_label("First name").fill("Lena")
        page.get_by_label("Last name").fill("Vogel")
        page.get_by_label("Choose a password").fill("paper lantern riverside")
        snap("accept-invitation")
        page.goto(f"{live.base_url}/portal/login")
        page.get_by_label("Email").fill(OWNER)
        snap("sign-in")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Choose account").wait_for()
        snap("choose-account")
        page.get_by_role("button", name="Northwind Hosting").click()
        page.get_by_role("tabpanel").locator("tbody tr").first.wait_for()
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
        dialog.get_by_role("button", name="Send invitations").click()
        dialog.get_by_role("list", name="Results").get_by_role("listitem").first.wait_for()
        snap("invite-users")
        dialog.get_by_role("button", name="Close").click()
        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("heading", name="Sign in").wait_for()
        page.goto(f"{live.base_url}/portal/password-reset")
        page.get_by_label("Email").fill(OWNER)
        snap("password-reset")
    return taken


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
