"""GET /docs: the interactive reference, served with its own assets under a strict policy."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from chalicelib.api.http import PAGE_CSP

if TYPE_CHECKING:
    from tests.helpers import Api


def test_docs_page_loads_only_its_own_assets_under_a_strict_policy(api: Api) -> None:
    page = api.get("/docs")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == PAGE_CSP
    assert "script-src 'self'" in PAGE_CSP and "'unsafe-inline'" not in PAGE_CSP
    assert "frame-ancestors 'none'" in PAGE_CSP and page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.body, flags=re.S)
    assert scripts and all('src="' in attributes and not body.strip() for attributes, body in scripts)
    referenced = re.findall(r'(?:src|href)="([^"]+)"', page.body)
    assert all(not re.match(r"\w+:|//", ref) for ref in referenced)  # nothing from another host
    for ref in [r for r in referenced if r.startswith("assets/")]:
        asset = api.get("/" + ref)
        assert asset.status == 200, ref
        expected = "text/javascript" if ref.endswith(".js") else "text/css"
        assert asset.headers["content-type"].startswith(expected), ref
        assert asset.headers["cache-control"] == "public, max-age=86400"
    assert "openapi.json" in api.get("/assets/docs.js").body  # the reference reads this service's document


def test_only_listed_assets_are_served(api: Api) -> None:
    for name in ("nothing.js", "..%2Fconfig.py", "index.html", "%2E%2E%2Fapi%2Fhttp.py"):
        reply = api.get(f"/assets/{name}")
        assert reply.status == 404 and reply.code == "not_found", name
