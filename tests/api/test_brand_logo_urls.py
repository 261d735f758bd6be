"""A brand's `logo_url` (issue 32): fetched once under the webhook URL rules (vetted address, no redirect,
at most 64 KiB, 5 s) and kept as the project's own copy; what cannot be used is a 400 naming the field."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

import pytest

from tests.api.test_brands import IMAGE, RESELLER, path_of, tiny_png

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api

ANSWERS = {
    "/logo.png": (200, tiny_png()),
    "/moved": (302, b""),
    "/big.png": (200, tiny_png() + b"\x00" * (64 * 1024)),
    "/page": (200, b"<html><script>alert(1)</script></html>"),
}


class Files(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, body = ANSWERS.get(self.path, (404, b""))
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/logo.png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def files() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_logo_url_is_fetched_once_and_served_as_the_projects_copy(
    api: Api, loopback: Deps, files: str
) -> None:
    made = api.post("/brands", {**RESELLER, "logo_url": f"{files}/logo.png"}, operator=True)
    assert made.status == 201, made.body
    assert made.body["logo_url"].endswith(f"/brand-logos/{made.body['brand_id']}/1")
    status, _, body = api.transport("GET", path_of(made.body["logo_url"]), IMAGE, b"")
    assert status == 200 and body == tiny_png()
    patched = api.patch(f"/brands/{made.body['brand_id']}", {"logo_url": f"{files}/logo.png"}, operator=True)
    assert patched.status == 200 and patched.body["logo_url"].endswith("/2")


@pytest.mark.parametrize("path", ["/moved", "/big.png", "/page", "/missing"])
def test_a_logo_url_that_cannot_be_used_makes_no_brand(
    api: Api, loopback: Deps, files: str, path: str
) -> None:
    reply = api.post("/brands", {**RESELLER, "logo_url": files + path}, operator=True)
    assert reply.status == 400 and reply.code == "validation_error", reply.body
    assert reply.body["error"]["details"][0]["field"] == "logo_url"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/logo.png",
        "https://169.254.169.254/latest",
        "https://10.0.0.8/logo.png",
        "ftp://x.example/l",
    ],
)
def test_a_logo_url_to_no_public_address_is_refused_without_a_request(api: Api, url: str) -> None:
    """Outside the local stage (no loopback), as webhook URLs are."""
    reply = api.post("/brands", {**RESELLER, "logo_url": url}, operator=True)
    assert reply.status == 400 and reply.body["error"]["details"][0]["field"] == "logo_url"


def test_the_default_brands_logo_is_fetched_once_and_served_as_the_projects_copy(
    api: Api, deps: Deps, loopback: Deps, files: str
) -> None:
    """BRAND_LOGO_URL (config.py only takes https://; here the local stage's loopback receiver stands in)."""
    from dataclasses import replace

    from chalicelib.config import default_logo_path

    source = f"{files}/logo.png"
    copy = deps.settings.portal_url + default_logo_path(source)
    brand = replace(deps.settings.brand, logo_url=copy, email_logo_url=copy)
    deps.settings = replace(deps.settings, brand=brand, brand_logo_source=source)
    assert api.get("/brand").body["logo_url"] == copy
    status, headers, body = api.transport("GET", path_of(copy), IMAGE, b"")
    assert status == 200 and body == tiny_png()
    assert {k.lower(): v for k, v in headers.items()}["x-content-type-options"] == "nosniff"
    ANSWERS["/logo.png"] = (500, b"")  # fetched once: the copy no longer asks the source
    try:
        assert api.transport("GET", path_of(copy), IMAGE, b"")[2] == tiny_png()
    finally:
        ANSWERS["/logo.png"] = (200, tiny_png())
    stale = path_of(copy).rsplit("/", 1)[0] + "/0000000000000000"
    assert api.transport("GET", stale, IMAGE, b"")[0] == 404
