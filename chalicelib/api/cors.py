"""CORS for a company's own front end on another origin: `CORS_ALLOWED_ORIGINS`, exact origins, none by
default.

Chalice's own CORS support takes one origin per route (or `*`) and answers preflights from API Gateway
mocks, so an allow-list of several origins is matched here instead: `error_middleware` adds the headers to
every answer (errors included) for an origin on the list, and every path gets an `OPTIONS` route that
answers their preflight 204. An origin not on the list gets no CORS header at all (and its OPTIONS the 405
of a method the API does not have), so the browser refuses it."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from functools import cache

from chalice.app import Request, Response

from chalicelib.config import ConfigError

log = logging.getLogger(__name__)

ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key"
EXPOSED_HEADERS = "Retry-After"
PREFLIGHT_MAX_AGE = "600"
# scheme://host[:port], nothing after it: what a browser sends as Origin
_ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(:[0-9]{1,5})?$")
# path -> its methods, filled as routes are registered (api/http.py `endpoint`)
METHODS: dict[str, set[str]] = {}


@cache
def _parse(raw: str) -> frozenset[str]:
    origins = {part.strip().lower() for part in raw.split(",") if part.strip()}
    bad = sorted(origin for origin in origins if not _ORIGIN.match(origin))
    if bad:
        raise ConfigError(f"CORS_ALLOWED_ORIGINS takes exact origins (https://app.example.com), got {bad}")
    return frozenset(origins)


def allowed_origins(environ: Mapping[str, str] | None = None) -> frozenset[str]:
    """The configured origins; a malformed list is refused (logged) rather than half-applied."""
    env = os.environ if environ is None else environ
    return _parse(env.get("CORS_ALLOWED_ORIGINS", ""))


def is_allowed_preflight(request: Request) -> bool:
    """An OPTIONS from a listed origin (what a browser sends before a cross-origin call)."""
    try:
        origins = allowed_origins()
    except ConfigError:
        return False
    return (request.headers.get("origin") or "").lower() in origins


def preflight() -> Response:
    """A listed origin's preflight answered; its headers are added by `with_cors`."""
    return Response(body="", status_code=204, headers={"Cache-Control": "no-store"})


def with_cors(request: Request, response: Response) -> Response:
    try:
        origins = allowed_origins()
    except ConfigError:
        log.exception("CORS_ALLOWED_ORIGINS is malformed; no origin is allowed")
        return response
    if not origins:
        return response
    response.headers["Vary"] = "Origin"  # the answer differs per Origin: caches must keep them apart
    origin = (request.headers.get("origin") or "").lower()
    if origin not in origins:
        return response
    response.headers["Access-Control-Allow-Origin"] = request.headers["origin"]
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS":
        path = request.context.get("resourcePath", "") if isinstance(request.context, dict) else ""
        methods = sorted(METHODS.get(path, set()) | {"OPTIONS"})
        response.headers["Access-Control-Allow-Methods"] = ", ".join(methods)
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    return response
