"""Brands (issue 32): the Brand every page and account reads, and the password-reset page's lookup. What the
operator sends to make or change one is in schemas/brand_changes.py, so that reading an account builds
none of those classes."""

from __future__ import annotations

from chalicelib.domain.branding import Brand as BrandValue
from chalicelib.schemas.common import Input, LinkToken, Output, Timestamp


class Brand(Output):
    """`brand_id` null: the deployment's default brand. `logo_url` null: the name is shown instead."""

    brand_id: str | None
    name: str
    logo_url: str | None
    primary_color: str
    support_email: str | None
    support_url: str | None
    sender_name: str

    @classmethod
    def of(cls, brand: BrandValue) -> Brand:
        return cls(
            brand_id=brand.brand_id,
            name=brand.name,
            logo_url=brand.logo_url,
            primary_color=brand.primary_color,
            support_email=brand.support_email,
            support_url=brand.support_url,
            sender_name=brand.sender_name,
        )


class ResetLookupIn(Input):
    token: LinkToken


class ResetLookup(Output):
    """POST /auth/password-reset/lookup: what the reset page shows before the new password is set."""

    brand: Brand
    locale: str
    expires_at: Timestamp
