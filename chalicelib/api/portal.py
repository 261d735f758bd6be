"""The portal's pages (PORTAL_URL in the emails' links): one HTML shell per page and its two assets.

The script calls only the public JSON API. These routes are for browsers, not API clients, so they are
registered with Chalice directly and stay out of the OpenAPI document (and generated clients) on purpose;
they still answer through `render`, so every page carries PAGE_CSP and `frame-ancestors 'none'`."""

from __future__ import annotations

from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.api.errors import error_response
from chalicelib.api.http import Page, render
from chalicelib.errors import not_found

bp = Blueprint(__name__)
STATIC = Path(__file__).resolve().parent.parent / "static" / "portal"
HTML = "text/html; charset=utf-8"
MEDIA = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
# one ES module per screen and a few shared ones (no build step), the style sheet and the icon: all served
ASSETS = {path.name: MEDIA[path.suffix] for path in sorted(STATIC.iterdir()) if path.suffix in MEDIA}
# the page names the shell knows (portal.js picks the module rendering each); `app`: the signed-in /portal
PAGES = {"login": "Sign in", "password-reset": "Reset your password", "join": "Join an account"}
# the signed-in screens besides User Management (each its own address, so it can be bookmarked and linked)
SCREENS = {
    "groups": "Groups",
    "contacts": "Contacts",
    "audit": "Audit log",
    "webhooks": "Webhooks",
    "security": "Security",
    "account": "Account settings",
    "domains": "Email domains",
    "join-requests": "Join requests",
    "invite-links": "Invite links",
    "provisioning": "Provisioning",
    "profile": "Your info",
}
HOUR = 3600


@cache
def _text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def _assets_path(context: Any, route: str) -> str:
    """The absolute path of the assets as the browser sees it (an API Gateway stage prefix included):
    relative links cannot work, since /portal and /portal/ are the same route."""
    path = context.get("path") if isinstance(context, dict) else None
    path = path.rstrip("/") if isinstance(path, str) else route
    prefix = path[: -len(route)] if path.endswith(route) else ""
    return prefix + "/portal/assets/"


def _shell(page: str, title: str, route: str) -> Response:
    html = (
        _text("index.html")
        .replace("{{assets}}", escape(_assets_path(bp.current_request.context, route)))
        .replace("{{page}}", page)
        .replace("{{title}}", escape(title))
    )
    return render(Page(html, HTML), 200)


@bp.route("/portal", methods=["GET"])
def portal_home() -> Response:
    return _shell("app", "User management", "/portal")


@bp.route("/portal/invitations/accept", methods=["GET"])
def portal_accept() -> Response:
    return _shell("accept", "Accept your invitation", "/portal/invitations/accept")


@bp.route("/portal/{page}", methods=["GET"])
def portal_page(page: str) -> Response:
    title = PAGES.get(page) or SCREENS.get(page)
    if title is None:
        return error_response(not_found("page"))
    return _shell(page, title, f"/portal/{page}")


@bp.route("/portal/assets/{name}", methods=["GET"])
def portal_asset(name: str) -> Response:
    if name not in ASSETS:
        return error_response(not_found("asset"))
    return render(Page(_text(name), ASSETS[name], cache_seconds=HOUR), 200)
