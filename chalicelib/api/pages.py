"""Pages the service serves itself, with their assets: the interactive API reference (GET /docs).

Files are read on first use and kept (they are part of the package); an asset is served only if it is
listed here, so no path reaches anything else on disk."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from chalice.app import Blueprint

from chalicelib.api.http import Call, Page, endpoint
from chalicelib.api.route_guards import PUBLIC
from chalicelib.errors import not_found

bp = Blueprint(__name__)
STATIC = Path(__file__).resolve().parent.parent / "static"
JS, CSS = "text/javascript; charset=utf-8", "text/css; charset=utf-8"
# name in the URL -> (file under chalicelib/static, media type)
ASSETS = {
    "swagger-ui-bundle.js": ("vendor/swagger-ui/swagger-ui-bundle.js", JS),  # swagger-ui-dist 5.35.0
    "swagger-ui.css": ("vendor/swagger-ui/swagger-ui.css", CSS),
    "docs.js": ("docs/docs.js", JS),
    "docs.css": ("docs/docs.css", CSS),
}
DAY = 86400


@cache
def _text(relative: str) -> str:
    return (STATIC / relative).read_text(encoding="utf-8")


@endpoint(bp, "GET", "/docs", access=PUBLIC, media_types=("text/html",))
def docs(call: Call) -> Page:
    """An interactive reference of this API (Swagger UI on /openapi.json), from assets served here."""
    return Page(_text("docs/index.html"), "text/html; charset=utf-8")


@endpoint(
    bp,
    "GET",
    "/assets/{name}",
    access=PUBLIC,
    errors=("not_found",),
    media_types=("text/javascript", "text/css"),
)
def asset(call: Call, name: str) -> Page:
    """A script or style sheet of the pages served here."""
    if name not in ASSETS:
        raise not_found("asset")
    relative, media_type = ASSETS[name]
    return Page(_text(relative), media_type, cache_seconds=DAY)
