"""Brands (issue 32): a hosting company's (or a reseller's) name, colour, logo and support contact, and the
logo's bytes in an item of their own."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.store.models_base import Item, TimeAttribute


class BrandItem(Item, discriminator="brand"):
    """BRAND#<brand_id> / BRAND. `account_count`: the accounts that name it, moved by an ADD in the
    transaction that gives or takes it (store/brands.py), so a delete can refuse while it is in use."""

    brand_id = UnicodeAttribute()
    name = UnicodeAttribute()
    primary_color = UnicodeAttribute()
    support_email = UnicodeAttribute()
    support_url = UnicodeAttribute(null=True)
    sender_name = UnicodeAttribute()
    # The logo's media type ("image/png" or "image/svg+xml") and version (its URL carries it, so a new logo
    # is a new URL and the old one may be cached for a year); absent: no logo, the name is shown.
    logo_type = UnicodeAttribute(null=True)
    logo_version = NumberAttribute(null=True)
    account_count = NumberAttribute(default=0)
    created_at = TimeAttribute()
    updated_at = TimeAttribute()


class BrandLogoItem(Item, discriminator="brand_logo"):
    """BRAND#<brand_id> / LOGO: the checked (and, for SVG, sanitised) bytes that the logo route serves."""

    brand_id = UnicodeAttribute()
    content_type = UnicodeAttribute()
    version = NumberAttribute()
    # base64 text rather than DynamoDB's binary type: the logo is written in a transaction with its brand,
    # and the tests' moto isolation (scripts/moto_isolation.py) compares transactions as JSON
    content = UnicodeAttribute()
