"""A brand's logo (issue 32): uploaded by the operator, checked by its content (domain/logos.py), kept in
the table beside the brand and served by the project at an address carrying its version."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from chalicelib.config import DEFAULT_LOGO_ID, default_logo_path
from chalicelib.deps import Deps
from chalicelib.domain.logos import MAX_LOGO_BYTES, LogoError, checked_logo
from chalicelib.errors import AppError, not_found
from chalicelib.schemas import brands as schemas
from chalicelib.services.brands import brand_value
from chalicelib.store.keys_base import is_valid_id

log = logging.getLogger(__name__)


def upload_logo(deps: Deps, brand_id: str, content: bytes) -> schemas.Brand:
    item = deps.store.brands.get_brand(brand_id) if is_valid_id(brand_id) else None
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
    if brand_id == DEFAULT_LOGO_ID:
        return _default_logo(deps, version)
    logo = deps.store.brands.get_logo(brand_id) if is_valid_id(brand_id) else None
    if logo is None or str(logo[1]) != version:
        raise not_found("logo")
    return logo[0], logo[2]


# The default brand's logo, per process: BRAND_LOGO_URL is the deployment's own setting, fetched on first
# use (not at start: a cold start serving anything else must not wait for it) and kept.
_DEFAULT_LOGOS: dict[str, tuple[str, bytes]] = {}
# When it failed: its address is public, so until then a visit is a 404 without another fetch (else anyone
# could make the service fetch it, up to 5 s each, in a loop)
_DEFAULT_FAILED: dict[str, datetime] = {}
RETRY_DEFAULT_LOGO = timedelta(minutes=5)


def _default_logo(deps: Deps, version: str) -> tuple[str, bytes]:
    """BRAND_LOGO_URL fetched once under the webhook URL rules and checked as an upload; 404 (and a
    warning in the log, for the operator) when it cannot be used, so a page shows no broken logo for long."""
    from chalicelib.delivery.fetch import FetchError, fetch

    source = deps.settings.brand_logo_source
    if source is None or default_logo_path(source).rsplit("/", 1)[1] != version:
        raise not_found("logo")
    if source not in _DEFAULT_LOGOS:
        failed = _DEFAULT_FAILED.get(source)
        if failed is not None and deps.now() - failed < RETRY_DEFAULT_LOGO:
            raise not_found("logo")
        try:
            _DEFAULT_LOGOS[source] = checked_logo(
                fetch(source, allow_loopback=deps.settings.webhook_allow_loopback)
            )
        except (FetchError, LogoError) as problem:
            _DEFAULT_FAILED[source] = deps.now()
            log.warning("BRAND_LOGO_URL could not be used: %s", problem)
            raise not_found("logo") from None
    return _DEFAULT_LOGOS[source]
