"""Verified email domains (issue 29): an account's domains of people's addresses, proven by a DNS TXT record
or vouched for by the operator, one account per verified domain; and the account's `invite_domains`."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from chalicelib.deps import Deps
from chalicelib.domain.audit import EventType, changed
from chalicelib.domain.caller import Caller
from chalicelib.domain.domain_checks import PENDING_EVERY, DomainEvent, verify_wait
from chalicelib.domain.email_domains import DomainRefusedError, checked_domain, normalize_domain
from chalicelib.domain.paging import page
from chalicelib.errors import AppError, changed_meanwhile, not_found, rate_limited, validation_error
from chalicelib.msgids import N_
from chalicelib.schemas.common import ListQuery
from chalicelib.schemas.email_domains import EmailDomain, EmailDomainIn, EmailDomainPage, EmailDomainUpdateIn
from chalicelib.services.audit_record import record
from chalicelib.services.authentication import live_sub_accounts
from chalicelib.services.domain_checks import apply_check, look_up, target_of
from chalicelib.services.sub_accounts import checked_scope
from chalicelib.store.email_domains import ClaimChange, due_keys, new_email_domain_item
from chalicelib.store.models import AccountItem, AuditEventItem, EmailDomainItem
from chalicelib.store.tx import Outcome

CLAIMED = N_("This domain is verified for another account.")
OPERATOR_ONLY = N_("Only the operator can mark a domain verified without a DNS check.")
MAX_DOMAINS_MESSAGE = N_("An account has at most 10 email domains.")


def _recorder(deps: Deps, caller: Caller) -> Any:
    def made(kind: DomainEvent, account_id: str, target: Any, changes: Mapping[str, Any]) -> AuditEventItem:
        return record(deps, kind, caller, account_id, target, changes)

    return made


def _event(
    deps: Deps, kind: EventType, caller: Caller, domain: EmailDomainItem, changes: Mapping[str, Any]
) -> AuditEventItem:
    return record(deps, kind, caller, domain.account_id, target_of(domain), changes)


def _output(domain: EmailDomainItem, account: AccountItem) -> EmailDomain:
    return EmailDomain.of(domain, live_sub_accounts(account))


def _claimed() -> AppError:
    return AppError("domain_claimed", CLAIMED)


def add_domain(deps: Deps, caller: Caller, account: AccountItem, body: EmailDomainIn) -> EmailDomain:
    """A new domain is `pending`; the operator may add it `verified` (it hosts the domain for this
    customer). A plain add never looks at other accounts' claims, so it tells nothing about them."""
    if body.verified and not caller.is_operator:
        raise AppError("forbidden", OPERATOR_ONLY)
    try:
        name = checked_domain(body.domain)
    except DomainRefusedError as refused:
        raise validation_error("domain", str(refused)) from None
    now = deps.now()
    domain = new_email_domain_item(account.account_id, name, secrets.token_hex(16), now)
    events = [_event(deps, "domain.added", caller, domain, changed({}, {"domain": name}))]
    if body.verified:
        domain.status, domain.verified_at, domain.verified_by = "verified", now, "operator"
        events.append(_event(deps, "domain.verified", caller, domain, changed({}, {"status": "verified"})))
    else:  # the schedule looks for its record from the next quarter hour on
        for attribute, value in due_keys(domain, now + PENDING_EVERY).items():
            setattr(domain, attribute, value)
    outcome = deps.store.email_domains.add(domain, events)
    _refuse_add(outcome)
    return _output(domain, account)


def _refuse_add(outcome: Outcome) -> None:
    if "taken" in outcome.failed:
        raise _claimed()
    if "exists" in outcome.failed:
        raise AppError("conflict", "This account already has this domain.")
    if "full" in outcome.failed:
        raise AppError("conflict", MAX_DOMAINS_MESSAGE)
    if outcome.failed:
        raise changed_meanwhile("The account changed meanwhile; try again.")


def list_domains(deps: Deps, account: AccountItem, query: ListQuery) -> EmailDomainPage:
    found = deps.store.email_domains.domains_of(account.account_id)
    items, cursor = page(
        found,
        lambda d: (d.domain,),
        limit=query.limit,
        cursor=query.cursor,
        scope=f"email-domains:{account.account_id}",
        secret=deps.settings.token_secret,
    )
    return EmailDomainPage(items=[_output(d, account) for d in items], next_cursor=cursor)


def find_domain(deps: Deps, account: AccountItem, raw: str) -> EmailDomainItem:
    """The account's domain named in a path (any spelling of it); 404 for anything else."""
    try:
        name = normalize_domain(raw)
    except DomainRefusedError:
        raise not_found("email domain") from None
    found = deps.store.email_domains.get_domain(account.account_id, name)
    if found is None:
        raise not_found("email domain")
    return found


def get_domain(deps: Deps, account: AccountItem, raw: str) -> EmailDomain:
    return _output(find_domain(deps, account, raw), account)


def remove_domain(deps: Deps, caller: Caller, account: AccountItem, raw: str) -> None:
    """Members who joined through it stay; its claim goes with it."""
    domain = find_domain(deps, account, raw)
    event = _event(deps, "domain.removed", caller, domain, changed({"domain": domain.domain}, {}))
    if not deps.store.email_domains.remove(domain, event):
        if deps.store.email_domains.get_domain(account.account_id, domain.domain) is None:
            raise not_found("email domain")
        raise changed_meanwhile("The domain changed meanwhile; try again.")


def verify_domain(deps: Deps, caller: Caller, account: AccountItem, raw: str) -> EmailDomain:
    """Looks the TXT record up now, at most once a minute per domain (429 otherwise)."""
    domain = find_domain(deps, account, raw)
    if domain.status == "verified" and domain.verified_by == "operator":
        return _output(domain, account)  # vouched for by the operator: no record to look for
    now = deps.now()
    if not deps.store.email_domains.take_verify_turn(domain, now):
        wait = verify_wait(domain.last_verify_at, now) or 60
        raise rate_limited(wait, "This domain was checked less than a minute ago; try again shortly.")
    result = look_up(domain, deps.settings.dns_resolver)
    outcome, _ = apply_check(deps.store, domain, result, now, _recorder(deps, caller), by_hand=True)
    if "taken" in outcome.failed:
        outcome, _ = apply_check(
            deps.store, domain, result, now, _recorder(deps, caller), by_hand=True, counts_as="missing"
        )
        if outcome:
            raise _claimed()
    if not outcome:
        raise changed_meanwhile("The domain changed meanwhile; try again.")
    return _output(domain, account)


def update_domain(
    deps: Deps, caller: Caller, account: AccountItem, raw: str, body: EmailDomainUpdateIn
) -> EmailDomain:
    """Policy and what an auto-join grants; `request` and `auto_join` only while verified. The operator
    may also mark a domain verified here."""
    if body.verified and not caller.is_operator:
        raise AppError("forbidden", OPERATOR_ONLY)
    domain = find_domain(deps, account, raw)
    wanted = _wanted(body, account)
    vouched = bool(body.verified) and domain.status != "verified"
    if wanted.get("join_policy", domain.join_policy) != "invite_only" and not (
        vouched or domain.status == "verified"
    ):
        raise AppError("conflict", "Only a verified domain can let people join; verify it first.")
    before = {name: _plain(getattr(domain, name)) for name in wanted}
    diff = changed(before, {name: _plain(value) for name, value in wanted.items()})
    events = [_event(deps, "domain.updated", caller, domain, diff)] if diff else []
    changes: dict[str, object] = {name: wanted[name] for name in diff}
    if vouched:
        now = deps.now()
        changes |= {"status": "verified", "verified_at": now, "verified_by": "operator"}
        changes |= {"missing_since": None, **due_keys(domain, None)}
        verified = changed({"status": domain.status}, {"status": "verified"})
        events.append(_event(deps, "domain.verified", caller, domain, verified))
    if not changes:
        return _output(domain, account)
    policy_moved = "join_policy" in changes and domain.status == "verified"
    claim: ClaimChange = "take" if vouched else ("sync" if policy_moved else "keep")
    outcome = deps.store.email_domains.save(domain, changes, events, claim)
    if "taken" in outcome.failed:
        raise _claimed()
    if not outcome:
        raise changed_meanwhile("The domain changed meanwhile; try again.")
    return _output(domain, account)


def _wanted(body: EmailDomainUpdateIn, account: AccountItem) -> dict[str, object]:
    wanted: dict[str, object] = {}
    if body.join_policy is not None:
        wanted["join_policy"] = body.join_policy
    if body.auto_join_permissions is not None:
        wanted["auto_join_permissions"] = sorted(set(body.auto_join_permissions))
    if body.auto_join_sub_accounts is not None:
        wanted["auto_join_sub_accounts"] = checked_scope(body.auto_join_sub_accounts, account)
    return wanted


def _plain(value: object) -> object:
    """A stored value as an event shows it (PynamoDB lists compare as lists)."""
    return list(value) if isinstance(value, list | tuple) else value


def allowed_invite_domains(deps: Deps, account: AccountItem) -> frozenset[str] | None:
    """The domains an invitation may go to (None: any): with `invite_domains: verified`, the account's
    verified ones, read only then (one Query of at most 10 items)."""
    if account.invite_domains != "verified":
        return None
    found = deps.store.email_domains.domains_of(account.account_id)
    return frozenset(d.domain for d in found if d.status == "verified")
