"""A brand's logo (issue 32): uploaded by the operator, checked by its content (domain/logos.py), kept in
the table beside the brand and served by the project at an address carrying its version."""

from __future__ import annotations

from chalicelib.deps import Deps
from chalicelib.domain.logos import MAX_LOGO_BYTES, LogoError, checked_logo
from chalicelib.errors import AppError, not_found
from chalicelib.schemas import brands as schemas
from chalicelib.services.brands import brand_value


def upload_logo(deps: Deps, brand_id: str, content: bytes) -> schemas.Brand:
    item = deps.store.brands.get_brand(brand_id)
    if item is None:
        raise not_found("brand")
    if len(content) > MAX_LOGO_BYTES:
        raise AppError("payload_too_large", f"The logo is larger than {MAX_LOGO_BYTES // 1024} KiB.")
    try:
        content_type, kept = checked_logo(content)
    except LogoError as error:
        raise AppError(
            "validation_error", str(error), details=[{"field": "body", "message": str(error)}]
        ) from None
    if not deps.store.brands.put_logo(item, kept, content_type, deps.now()):
        raise not_found("brand")
    return schemas.Brand.of(brand_value(deps, item))


def logo_of(deps: Deps, brand_id: str, version: str) -> tuple[str, bytes]:
    """The logo's media type and bytes, at the version its address names (an older address: 404, so a
    cached page never shows a logo its brand replaced as if it were current)."""
    logo = deps.store.brands.get_logo(brand_id)
    if logo is None or str(logo[1]) != version:
        raise not_found("logo")
    return logo[0], logo[2]
