"""Service routes: health and the permission catalog."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.errors import request_locale
from chalicelib.api.http import Call, endpoint
from chalicelib.api.lazy import meta_schemas as schemas
from chalicelib.api.route_guards import PUBLIC
from chalicelib.domain.permissions import CATALOG, ROLES

bp = Blueprint(__name__)


# The models are built by the routes that answer with them, as every route's are (api/lazy.py): a cold start
# serving any other route creates none of their classes.
@endpoint(bp, "GET", "/health", access=PUBLIC, returns=schemas.Health)
def health(call: Call) -> schemas.Health:
    """Liveness: answers without touching AWS."""
    from chalicelib.schemas.meta import Health

    return Health(status="ok")


@endpoint(bp, "GET", "/permissions", access=PUBLIC, returns=schemas.PermissionCatalog)
def permissions(call: Call) -> schemas.PermissionCatalog:
    """The permission keys with labels (in the request's Accept-Language; keys never change), and the
    roles."""
    from chalicelib.i18n.text import translate  # the catalogs load with the first route that words something
    from chalicelib.schemas.meta import PermissionCatalog, PermissionInfo

    locale = request_locale()
    return PermissionCatalog(
        permissions=[
            PermissionInfo(key=key, label=translate(locale, label), admin_only=admin_only)
            for key, (label, admin_only) in CATALOG.items()
        ],
        roles=list(ROLES),
    )


@endpoint(bp, "GET", "/openapi.json", access=PUBLIC)
def openapi(call: Call) -> dict[str, Any]:
    """This API as an OpenAPI 3.1 document, generated from the routes and models."""
    from chalicelib.api.openapi import openapi_document  # built on first request, after every route exists

    return openapi_document()
