"""Email-domain test helpers: a fresh pending domain for one call of the permission matrix."""

from __future__ import annotations

from chalicelib.deps import Deps
from chalicelib.domain.caller import OPERATOR
from chalicelib.schemas.email_domains import EmailDomainIn
from chalicelib.services.email_domains import add_domain


def fresh_domain(deps: Deps, account_id: str, n: int) -> str:
    """The account's only domain, pending, its record nowhere (an account holds 10 at most: the earlier
    ones go first)."""
    for earlier in deps.store.email_domains.domains_of(account_id):
        assert deps.store.email_domains.remove(earlier)
    domain = f"d{n}.matrix.com"
    account = deps.store.accounts.get_account(account_id)
    assert account is not None
    add_domain(deps, OPERATOR, account, EmailDomainIn(domain=domain))
    return domain
