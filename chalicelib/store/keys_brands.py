"""Brands' key shapes (issue 32): a brand, and its logo apart from it (the logo's bytes, up to 64 KiB, are
read only by the logo's own route; every email and page reads the brand alone).
  brand            BRAND#<brand_id>        BRAND
  its logo         BRAND#<brand_id>        LOGO
An account names its brand in its own item (`AccountItem.brand_id`): no key of its own.
"""

from __future__ import annotations

from chalicelib.store.keys_base import Key

BRAND_SK = "BRAND"


def brand_pk(brand_id: str) -> str:
    return f"BRAND#{brand_id}"


def brand(brand_id: str) -> Key:
    return brand_pk(brand_id), BRAND_SK


def brand_logo(brand_id: str) -> Key:
    return brand_pk(brand_id), "LOGO"
