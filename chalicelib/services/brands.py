"""Brands (issue 32): the operator's brands, the brand an account is given, and which brand a page or an
email shows: an account's (its brand, else the deployment's default), or a login's (the default, unless
every active account of the login has the same brand)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.deps import Deps
from chalicelib.domain.branding import Brand
from chalicelib.domain.caller import Caller
from chalicelib.domain.logos import LogoError, checked_logo
from chalicelib.errors import AppError, changed_meanwhile, not_found
from chalicelib.ids import new_id
from chalicelib.schemas import brands as schemas
from chalicelib.store.keys_base import is_valid_id
from chalicelib.store.keys_brands import brand as brand_key
from chalicelib.store.models import AccountItem, BrandItem
from chalicelib.store.tx import Outcome

if TYPE_CHECKING:  # the bodies: an account's read, which names its brand, builds none of their classes
    from chalicelib.schemas.brand_changes import BrandIn, BrandUpdateIn


def logo_path(brand_id: str, version: int) -> str:
    """The logo's address under PORTAL_URL: its version in it, so a new logo is a new address and each one
    may be cached for a year (api/brands.py serves it)."""
    return f"/brand-logos/{brand_id}/{version}"


def brand_value(deps: Deps, item: BrandItem) -> Brand:
    logo = None
    if item.logo_version is not None:
        logo = deps.settings.portal_url + logo_path(item.brand_id, int(item.logo_version))
    return Brand(
        name=item.name,
        primary_color=item.primary_color,
        support_email=item.support_email,
        sender_name=item.sender_name,
        logo_url=logo,
        support_url=item.support_url,
        brand_id=item.brand_id,
        email_logo_url=logo if item.logo_type == "image/png" else None,
    )


def brand_of_account(deps: Deps, account: AccountItem | None) -> Brand:
    """The account's brand; the default without one (or, for a moment, if it was just deleted: never
    another account's)."""
    if account is None or not account.brand_id:
        return deps.settings.brand
    item = deps.store.brands.get_brand(account.brand_id)
    return brand_value(deps, item) if item is not None else deps.settings.brand


def brand_of_account_id(deps: Deps, account_id: str) -> Brand:
    return brand_of_account(deps, deps.store.accounts.get_account(account_id))


def brand_of_email(deps: Deps, email: str) -> Brand:
    """An email to an address about its login (brand_of_login); the default without a login."""
    login = deps.store.users.login_state(email)[0]
    return brand_of_login(deps, login.user_id) if login is not None else deps.settings.brand


def brand_of_login(deps: Deps, user_id: str) -> Brand:
    """Emails about a login (a reset it asked for, its second factors): the default brand, unless all its
    active accounts share one brand, so no account's customers see another hosting company's brand."""
    active = [
        m.account_id for m in deps.store.member_copies.memberships_of_user(user_id) if m.status == "active"
    ]
    if not active:
        return deps.settings.brand
    brand_ids = {account.brand_id for account in deps.store.accounts.get_accounts(active)}
    if len(brand_ids) != 1 or None in brand_ids:
        return deps.settings.brand
    (only,) = brand_ids
    item = deps.store.brands.get_brand(str(only))
    return brand_value(deps, item) if item is not None else deps.settings.brand


def default_brand(deps: Deps) -> schemas.Brand:
    return schemas.Brand.of(deps.settings.brand)


def _brand_item(deps: Deps, brand_id: str) -> BrandItem:
    """The brand an id names (a path's or a body's): anything outside the id alphabet names nothing."""
    item = deps.store.brands.get_brand(brand_id) if is_valid_id(brand_id) else None
    if item is None:
        raise not_found("brand")
    return item


def fetched_logo(deps: Deps, url: str) -> tuple[str, bytes]:
    """A `logo_url` fetched once under the webhook URL rules (public address checked again at connect, no
    redirect, 5 s, 64 KiB) and checked as an upload is: 400 naming `logo_url` when it cannot be used."""
    from chalicelib.delivery.fetch import FetchError, fetch  # only a brand given a URL fetches

    try:
        return checked_logo(fetch(url, allow_loopback=deps.settings.webhook_allow_loopback))
    except (FetchError, LogoError) as problem:
        message = f"The logo could not be used: {problem}"
        raise AppError(
            "validation_error", message, details=[{"field": "logo_url", "message": message}]
        ) from None


def create_brand(deps: Deps, body: BrandIn) -> schemas.Brand:
    logo = fetched_logo(deps, body.logo_url) if body.logo_url else None  # before anything is written
    now = deps.now()
    item = BrandItem(
        *brand_key(brand_id := new_id("brd")),
        brand_id=brand_id,
        name=body.name,
        primary_color=body.primary_color,
        support_email=body.support_email,
        support_url=body.support_url,
        sender_name=body.sender_name or body.name,
        account_count=0,
        created_at=now,
        updated_at=now,
    )
    if not deps.store.brands.create(item):
        raise changed_meanwhile("The brand was made meanwhile: send the request again.")
    if logo is not None and not deps.store.brands.put_logo(item, logo[1], logo[0], now):
        raise not_found("brand")
    return schemas.Brand.of(brand_value(deps, item))


def get_brand(deps: Deps, brand_id: str) -> schemas.Brand:
    return schemas.Brand.of(brand_value(deps, _brand_item(deps, brand_id)))


def update_brand(deps: Deps, brand_id: str, body: BrandUpdateIn) -> schemas.Brand:
    item = _brand_item(deps, brand_id)
    logo = fetched_logo(deps, body.logo_url) if body.logo_url else None
    changes = body.changes()
    if changes and not deps.store.brands.update(item, changes, deps.now()):
        raise not_found("brand")
    if logo is not None and not deps.store.brands.put_logo(item, logo[1], logo[0], deps.now()):
        raise not_found("brand")
    return schemas.Brand.of(brand_value(deps, item))


def delete_brand(deps: Deps, brand_id: str) -> None:
    """Refused (409) while an account has it: the operator moves those accounts first, so no customer's
    emails change brand without someone choosing it."""
    outcome = deps.store.brands.delete(_brand_item(deps, brand_id))
    if "gone" in outcome.failed:
        raise not_found("brand")
    if "not_empty" in outcome.failed:
        raise AppError("conflict", "Accounts still use this brand: give them another brand first.")


def set_account_brand(deps: Deps, caller: Caller, account: AccountItem, brand_id: str | None) -> None:
    """PATCH /accounts `brand_id` (the operator's only): the account's brand with its audit event
    (account.brand_changed, and so its webhook event) in one transaction."""
    if not caller.is_operator:
        raise AppError("forbidden", "Only the operator can choose an account's brand.")
    if brand_id == account.brand_id:
        return
    if brand_id is not None:
        _brand_item(deps, brand_id)  # a missing brand is 404 before anything is written
    # here, not at the top: an account's cold read asks which brand it has, and records nothing
    from chalicelib.domain.audit import Target, changed
    from chalicelib.services.audit_record import record

    moved = changed({"brand_id": account.brand_id}, {"brand_id": brand_id})
    target = Target("account", account.account_id)
    event = record(deps, "account.brand_changed", caller, account.account_id, target, moved)
    _given(deps.store.brands.give(account, brand_id, event))


def _given(outcome: Outcome) -> None:
    if "brand_gone" in outcome.failed:
        raise not_found("brand")
    if "gone" in outcome.failed:
        raise not_found("account")
    if outcome.failed:
        raise changed_meanwhile("The account's brand changed meanwhile: read it again.")
