"""Verified email domains of an account (the owner or the operator): add, list, read, change the join
policy, remove, and verify by DNS now."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.api.lazy import email_domains
from chalicelib.api.lazy import email_domains_schemas as schemas
from chalicelib.api.route_guards import OWNER

bp = Blueprint(__name__)

BASE = "/accounts/{account_id}/email-domains"
ONE = BASE + "/{domain}"


@endpoint(
    bp,
    "POST",
    BASE,
    access=OWNER,
    body=schemas.EmailDomainIn,
    returns=schemas.EmailDomain,
    status=201,
    errors=("conflict", "domain_claimed"),
)
def add_email_domain(call: Call, account_id: str) -> schemas.EmailDomain:
    """Add an email domain (pending; the operator may add it verified)."""
    return email_domains.add_domain(call.deps, call.caller, call.account, call.body)


@endpoint(bp, "GET", BASE, access=OWNER, query=schemas.EmailDomainListQuery, returns=schemas.EmailDomainPage)
def list_email_domains(call: Call, account_id: str) -> schemas.EmailDomainPage:
    """The account's email domains, by name."""
    return email_domains.list_domains(call.deps, call.account, call.query)


@endpoint(bp, "GET", ONE, access=OWNER, returns=schemas.EmailDomain, errors=("not_found",))
def get_email_domain(call: Call, account_id: str, domain: str) -> schemas.EmailDomain:
    """One email domain, with the TXT record that verifies it."""
    return email_domains.get_domain(call.deps, call.account, domain)


@endpoint(
    bp,
    "PATCH",
    ONE,
    access=OWNER,
    body=schemas.EmailDomainUpdateIn,
    returns=schemas.EmailDomain,
    errors=("not_found", "conflict", "domain_claimed"),
)
def update_email_domain(call: Call, account_id: str, domain: str) -> schemas.EmailDomain:
    """Change who may join through the domain, and what an automatic join grants."""
    return email_domains.update_domain(call.deps, call.caller, call.account, domain, call.body)


@endpoint(bp, "DELETE", ONE, access=OWNER, status=204, errors=("not_found",))
def delete_email_domain(call: Call, account_id: str, domain: str) -> None:
    """Remove an email domain (members who joined through it stay)."""
    email_domains.remove_domain(call.deps, call.caller, call.account, domain)


@endpoint(
    bp,
    "POST",
    ONE + "/verify",
    access=OWNER,
    returns=schemas.EmailDomain,
    errors=("not_found", "domain_claimed", "rate_limited"),
    idempotent=False,
)
def verify_email_domain(call: Call, account_id: str, domain: str) -> schemas.EmailDomain:
    """Look the domain's TXT record up now (at most once a minute per domain)."""
    return email_domains.verify_domain(call.deps, call.caller, call.account, domain)
