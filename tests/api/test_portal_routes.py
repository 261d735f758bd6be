"""The portal's pages and assets as HTTP answers: the strict policy, nothing from another host, only the
listed pages and assets, and kept out of the OpenAPI document on purpose."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from chalicelib.api.http import PAGE_CSP

if TYPE_CHECKING:
    from tests.helpers import Api

SCREENS = (
    "groups", "contacts", "audit", "webhooks", "account", "domains", "join-requests", "invite-links",
    "provisioning", "security", "profile",
)  # fmt: skip
PAGES = (
    "/portal",
    "/portal/login",
    "/portal/password-reset",
    "/portal/invitations/accept",
    "/portal/join",
    *(f"/portal/{screen}" for screen in SCREENS),
)


def test_every_page_is_the_shell_under_the_strict_policy_with_its_own_assets(api: Api) -> None:
    for path in PAGES:
        page = api.get(path)
        assert page.status == 200 and page.headers["content-type"].startswith("text/html"), path
        assert page.headers["content-security-policy"] == PAGE_CSP and "'unsafe-inline'" not in PAGE_CSP
        assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.body, flags=re.S)
        assert scripts and all('src="' in attributes and not body.strip() for attributes, body in scripts)
        referenced = re.findall(r'(?:src|href)="([^"]+)"', page.body)
        assert referenced and all(not re.match(r"\w+:|//", ref) for ref in referenced), path
        for ref in [r for r in referenced if r.endswith((".js", ".css", ".svg"))]:  # scripts, style, icon
            assert ref.startswith("/portal/assets/"), ref  # absolute: /portal and /portal/ are one route
            asset = api.get(ref)
            assert asset.status == 200 and asset.headers["cache-control"] == "public, max-age=3600", ref


def test_the_page_name_reaches_the_script(api: Api) -> None:
    assert 'data-page="app"' in api.get("/portal").body
    assert 'data-page="accept"' in api.get("/portal/invitations/accept").body
    assert 'data-page="password-reset"' in api.get("/portal/password-reset").body
    assert 'data-page="join"' in api.get("/portal/join").body  # an invite link: PORTAL_URL/join#token=
    for screen in SCREENS:
        assert f'data-page="{screen}"' in api.get(f"/portal/{screen}").body


def test_unknown_pages_and_assets_are_json_404s(api: Api) -> None:
    for path in ("/portal/admin", "/portal/assets/index.html", "/portal/assets/..%2F..%2Fconfig.py"):
        reply = api.get(path)
        assert reply.status == 404 and reply.code == "not_found", path


def test_the_portal_stays_out_of_the_api_document(api: Api) -> None:
    paths = api.get("/openapi.json").body["paths"]
    assert not [path for path in paths if path.startswith("/portal")]
