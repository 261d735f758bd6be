"""Brands (issue 32): the operator makes, reads, changes and deletes them and uploads their logos; the
project serves each logo itself, at an address carrying its version (pages and emails point only there)."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.errors import error_response
from chalicelib.api.http import Call, endpoint
from chalicelib.api.lazy import brand_changes_schemas as changes
from chalicelib.api.lazy import brand_logos, brands, password_reset
from chalicelib.api.lazy import brands_schemas as schemas
from chalicelib.api.route_guards import OPERATOR, PUBLIC
from chalicelib.errors import AppError, not_found

bp = Blueprint(__name__)
ITEM = "/brands/{brand_id}"
# Any other Content-Type is 415 before the view runs; the type that counts is the content's (domain/logos.py)
LOGO_TYPES = ("image/png", "image/svg+xml", "application/octet-stream")
YEAR = 365 * 24 * 3600
# An SVG opened on its own: no script, no fetch, no form, in a sandbox (API.md); nosniff comes always.
LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@endpoint(bp, "POST", "/brands", access=OPERATOR, body=changes.BrandIn, returns=schemas.Brand, status=201)
def create_brand(call: Call) -> schemas.Brand:
    """Make a brand (operator): its colour must carry white text at 4.5:1."""
    return brands.create_brand(call.deps, call.body)


@endpoint(bp, "GET", ITEM, access=OPERATOR, returns=schemas.Brand, errors=("not_found",))
def get_brand(call: Call, brand_id: str) -> schemas.Brand:
    """A brand (operator)."""
    return brands.get_brand(call.deps, brand_id)


@endpoint(
    bp,
    "PATCH",
    ITEM,
    access=OPERATOR,
    body=changes.BrandUpdateIn,
    returns=schemas.Brand,
    errors=("not_found",),
)
def update_brand(call: Call, brand_id: str) -> schemas.Brand:
    """Change a brand's name, colour, support contact or sender name (operator)."""
    return brands.update_brand(call.deps, brand_id, call.body)


@endpoint(bp, "DELETE", ITEM, access=OPERATOR, status=204, errors=("not_found", "conflict"))
def delete_brand(call: Call, brand_id: str) -> None:
    """Delete a brand no account uses (operator; 409 while one does)."""
    brands.delete_brand(call.deps, brand_id)


@endpoint(
    bp,
    "PUT",
    ITEM + "/logo",
    access=OPERATOR,
    returns=schemas.Brand,
    errors=("not_found", "validation_error", "payload_too_large", "unsupported_media_type"),
    uploads=LOGO_TYPES,
)
def upload_logo(call: Call, brand_id: str) -> schemas.Brand:
    """Upload the brand's logo: a raw image/png or image/svg+xml body up to 64 KiB, its type checked by
    its content; an SVG is sanitised (operator)."""
    raw = bp.current_request.raw_body or b""
    return brand_logos.upload_logo(call.deps, brand_id, raw.encode() if isinstance(raw, str) else raw)


@endpoint(bp, "GET", "/brand", access=PUBLIC, returns=schemas.Brand)
def default_brand(call: Call) -> schemas.Brand:
    """The deployment's default brand: what the sign-in and Choose account pages show."""
    return brands.default_brand(call.deps)


@endpoint(
    bp,
    "POST",
    "/auth/password-reset/lookup",
    access=PUBLIC,
    body=schemas.ResetLookupIn,
    returns=schemas.ResetLookup,
    errors=("not_found", "token_expired"),
)
def look_up_password_reset(call: Call) -> schemas.ResetLookup:
    """A reset link's brand, language and expiry, for the page that sets the new password."""
    return password_reset.lookup_reset(call.deps, call.body.token)


# A browser's route, as the portal's pages are (api/portal.py): under PORTAL_URL, outside the API document.
@bp.route("/portal/brand-logos/{brand_id}/{version}", methods=["GET"])
def brand_logo(brand_id: str, version: str) -> Response:
    from chalicelib.deps import get_deps

    try:
        content_type, content = brand_logos.logo_of(get_deps(), brand_id, version)
    except AppError as error:
        return error_response(error)
    except Exception:  # a malformed id or version: nothing of ours by that name
        return error_response(not_found("logo"))
    headers: dict[str, str | list[str]] = {
        "Content-Type": content_type,
        "Cache-Control": f"public, max-age={YEAR}, immutable",
        "Content-Security-Policy": LOGO_CSP,
        "X-Content-Type-Options": "nosniff",
    }
    # A PNG goes as bytes (Chalice base64-encodes a binary type for API Gateway, for a browser's Accept of
    # */*); an SVG is text, and a text type's body must be a str.
    body: bytes | str = content if content_type == "image/png" else content.decode("utf-8")
    return Response(body=body, status_code=200, headers=headers)
