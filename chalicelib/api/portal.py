"""The portal's pages (PORTAL_URL in the emails' links): one HTML shell per page and its two assets.

The script calls only the public JSON API. These routes are for browsers, not API clients, so they are
registered with Chalice directly and stay out of the OpenAPI document (and generated clients) on purpose;
they still answer through `render`, so every page carries PAGE_CSP and `frame-ancestors 'none'`.

The shell is drawn in the browser's language (Accept-Language): its `lang`, its own words and the address of
the pages' catalog (`/portal/i18n/{locale}.json`, the `portal` gettext domain as JSON), so the first screen
never flashes English before the script has loaded its words (docs/portal-languages.md)."""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.api.errors import error_response
from chalicelib.api.http import Page, render
from chalicelib.domain.locales import LOCALES, is_locale, negotiate
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
JSON = "application/json; charset=utf-8"
# the shell's own words, `{{t:Skip to content}}`: ids of the `portal` domain (extract_shell finds them)
SHELL_TEXT = re.compile(r"\{\{t:(.+?)\}\}")


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


@cache
def catalog_version() -> str:
    """Changes whenever a catalog does (a deploy): the catalogs' address carries it, so a browser's cached
    copy is never an older one. Hashed from the files, so the shell never parses a catalog to say it."""
    # The catalogs' module loads with the pages, not with the routes: a cold start serving the API skips it.
    from chalicelib.i18n.catalogs import catalog_path

    digest = hashlib.sha256()
    for locale in LOCALES:
        path = catalog_path("portal", locale)
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:12]


def _shell(page: str, title: str, route: str) -> Response:
    from chalicelib.i18n.catalogs import gettext

    request = bp.current_request
    locale = negotiate(request.headers.get("accept-language"))
    assets = _assets_path(request.context, route)
    catalogs = f"{assets[: -len('assets/')]}i18n/{{locale}}.json?v={catalog_version()}"
    html = (
        SHELL_TEXT.sub(lambda found: escape(gettext("portal", locale, found.group(1))), _text("index.html"))
        .replace("{{assets}}", escape(assets))
        .replace("{{page}}", page)
        .replace("{{title}}", escape(gettext("portal", locale, title)))
        .replace("{{lang}}", locale)
        .replace("{{catalogs}}", escape(catalogs))
    )
    return render(Page(html, HTML), 200)


@bp.route("/portal", methods=["GET"])
def portal_home() -> Response:
    return _shell("app", "User Management", "/portal")


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


@bp.route("/portal/i18n/{name}", methods=["GET"])
def portal_catalog(name: str) -> Response:
    """The pages' words in one language: message id → text, or for a count-dependent message its English
    singular → the list of its forms, in the catalog's order (English: none, the ids are English)."""
    locale = name.removesuffix(".json")
    if not name.endswith(".json") or not is_locale(locale):
        return error_response(not_found("catalog"))
    body, etag = _catalog_json(locale)
    if (bp.current_request.headers.get("if-none-match") or "") == etag:
        cached: dict[str, str | list[str]] = {"ETag": etag, "Cache-Control": f"public, max-age={HOUR}"}
        return Response(body="", status_code=304, headers=cached)
    response = render(Page(body, JSON, cache_seconds=HOUR), 200)
    response.headers["ETag"] = etag
    return response


@cache
def _catalog_json(locale: str) -> tuple[str, str]:
    from chalicelib.i18n.catalogs import plurals, translations

    if not is_locale(locale):
        raise ValueError(locale)
    words: dict[str, str | list[str]] = dict(translations("portal", locale))
    words.update({singular: list(forms) for singular, forms in plurals("portal", locale).forms.items()})
    body = json.dumps(words, ensure_ascii=False, sort_keys=True)
    return body, f'"{hashlib.sha256(body.encode()).hexdigest()[:16]}"'


def extract_shell(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Any:
    """Babel's extraction method for the shell (babel-portal.cfg): each `{{t:…}}` of index.html."""
    for number, line in enumerate(fileobj.read().decode("utf-8").splitlines(), start=1):
        for found in SHELL_TEXT.finditer(line):
            yield number, "t", found.group(1), []
