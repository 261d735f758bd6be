"""Invite links (issue 29, API.md "Join requests and invite links"): made by user managers (10 live at most),
looked up before sign-in, and used by a signed-in person who confirms: a member at once (a use and a seat,
in one transaction), or a join request when the link requires approval or the person was removed by
someone else. A revoked link is not found from that moment."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from chalicelib.deps import Deps
from chalicelib.domain.audit import EventType, Target
from chalicelib.domain.caller import Caller
from chalicelib.domain.email_domains import DomainRefusedError, email_domain_of, normalize_domain
from chalicelib.domain.locales import as_locale
from chalicelib.errors import AppError, changed_meanwhile, not_found, rate_limited, validation_error
from chalicelib.ids import new_id
from chalicelib.msgids import N_
from chalicelib.schemas.brands import Brand
from chalicelib.schemas.invite_links import (
    CreatedInviteLink,
    InviteLink,
    InviteLinkIn,
    InviteLinkLookup,
    InviteLinkPage,
)
from chalicelib.security.links import hash_link_token, is_link_token_shape, new_link_token
from chalicelib.services.audit_record import record
from chalicelib.services.authentication import live_sub_accounts
from chalicelib.services.brands import brand_of_account
from chalicelib.services.sub_accounts import checked_scope
from chalicelib.store import keys
from chalicelib.store.invite_links import is_live
from chalicelib.store.models import AccountItem, AuditEventItem, InviteLinkItem

CREATE_TRIES: Final = 3
FULL = N_("An account has at most 10 active invite links: revoke one first.")
EXPIRED = N_("This invite link has expired or been used up.")
HOURLY = N_("This invite link has been used too often in the last hour; try again later.")


def create_link(deps: Deps, caller: Caller, account: AccountItem, body: InviteLinkIn) -> CreatedInviteLink:
    if body.group_id is not None and deps.store.groups.get_group(account.account_id, body.group_id) is None:
        raise validation_error("group_id", "is not a group of this account")
    raw, token_hash = new_link_token()
    now, link_id = deps.now(), new_id("ilk")
    link = InviteLinkItem(
        *keys.invite_link(account.account_id, link_id),
        account_id=account.account_id,
        invite_link_id=link_id,
        token_hash=token_hash,
        permissions=list(body.permissions),
        sub_accounts=checked_scope(body.sub_accounts, account),
        group_id=body.group_id,
        max_uses=body.max_uses,
        uses=0,
        expires_at=now + timedelta(days=body.expires_in_days),
        allowed_domains=_domains(body.allowed_domains),
        require_approval=body.require_approval,
        created_by=caller.user_id,
        created_at=now,
    )
    event = _event(deps, "invite_link.created", caller, link)
    for _ in range(CREATE_TRIES):
        outcome = deps.store.invite_links.create(link, now, event)
        if outcome:
            shown = InviteLink.of(link, live_sub_accounts(account)).model_dump()
            return CreatedInviteLink(**shown, url=f"{deps.settings.portal_url}/join#token={raw}")
        if "full" in outcome.failed:
            raise AppError("conflict", FULL)
    raise changed_meanwhile("Invite links kept changing; try again.")


def _domains(raw: list[str] | None) -> list[str] | None:
    if raw is None:
        return None
    try:
        return sorted({normalize_domain(one) for one in raw})
    except DomainRefusedError as refused:
        raise validation_error("allowed_domains", str(refused)) from None


def _event(deps: Deps, kind: EventType, caller: Caller, link: InviteLinkItem) -> AuditEventItem:
    target = Target("invite_link", link.invite_link_id)
    return record(deps, kind, caller, link.account_id, target, None)


def list_links(deps: Deps, account: AccountItem) -> InviteLinkPage:
    """Newest first."""
    found = sorted(deps.store.invite_links.links_of(account.account_id), key=lambda item: item.created_at)
    live = live_sub_accounts(account)
    return InviteLinkPage(items=[InviteLink.of(item, live) for item in reversed(found)], next_cursor=None)


def revoke_link(deps: Deps, caller: Caller, account: AccountItem, link_id: str) -> None:
    link = deps.store.invite_links.get_link(account.account_id, link_id)
    if link is None or link.revoked_at is not None:
        raise not_found("invite_link")
    event = record(deps, "invite_link.revoked", caller, account.account_id, Target("invite_link", link_id))
    if not deps.store.invite_links.revoke(link, deps.now(), event):
        raise not_found("invite_link")


def open_link(deps: Deps, token: str) -> InviteLinkItem:
    """The link a token opens: unknown or revoked 404, expired or used up 410."""
    link = deps.store.invite_links.by_token(hash_link_token(token)) if is_link_token_shape(token) else None
    if link is None or link.revoked_at is not None:
        raise not_found("invite_link")
    if not is_live(link, deps.now()):
        raise AppError("invite_link_expired", EXPIRED)
    return link


def lookup(deps: Deps, token: str) -> InviteLinkLookup:
    link = open_link(deps, token)
    account = deps.store.accounts.get_account(link.account_id)
    if account is None:
        raise not_found("invite_link")
    return InviteLinkLookup(
        account_name=account.name,
        require_approval=bool(link.require_approval),
        expires_at=link.expires_at,
        brand=Brand.of(brand_of_account(deps, account)),
        locale=as_locale(account.default_locale),
    )


def check_domain(link: InviteLinkItem, email: str) -> None:
    if link.allowed_domains is not None and email_domain_of(email) not in set(link.allowed_domains):
        raise AppError("domain_not_allowed", "This invite link is not for your email's domain.")


def too_often() -> AppError:
    return rate_limited(3600, HOURLY)


def expired() -> AppError:
    return AppError("invite_link_expired", EXPIRED)
