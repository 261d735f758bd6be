"""Email domains in memory, as store/email_domains.py writes them: each an item under its account, its name in
the account's `email_domains` (at most 10), a verified one's claim DOMAIN#<domain> held by one account, and a
version every write checks and bumps. The due index is the store's alone (tested on moto)."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from datetime import datetime

from chalicelib.domain.domain_checks import VERIFY_EVERY
from chalicelib.domain.email_domains import MAX_EMAIL_DOMAINS
from chalicelib.services.ports import (
    BrandRepository,
    EmailDomainRepository,
    InviteLinkRepository,
    ScimTokenRepository,
    ScimUserRepository,
)
from chalicelib.store import keys
from chalicelib.store.email_domains import ClaimChange
from chalicelib.store.models import AccountItem, AuditEventItem, DomainClaimItem, EmailDomainItem
from chalicelib.store.outcomes import Failure
from chalicelib.store.tx import Outcome
from tests.helpers.fakes.table import OK, Table, failed, key_of, not_faked


class FakeEmailDomains(EmailDomainRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def domains_of(self, account_id: str) -> list[EmailDomainItem]:
        return copy.deepcopy(self.t.query(EmailDomainItem, keys.email_domains_of(account_id)))

    def get_domain(self, account_id: str, domain: str) -> EmailDomainItem | None:
        return copy.deepcopy(self.t.get(keys.email_domain(account_id, domain), EmailDomainItem))

    def claim_of(self, domain: str) -> DomainClaimItem | None:
        return copy.deepcopy(self.t.get(keys.domain_claim(domain), DomainClaimItem))

    def add(self, domain: EmailDomainItem, events: Sequence[AuditEventItem] = ()) -> Outcome:
        account = self.t.get(keys.account(domain.account_id), AccountItem)
        names = set(account.email_domains or ()) if account is not None else set()
        labels: set[Failure] = {"full"} if account is None or len(names) >= MAX_EMAIL_DOMAINS else set()
        if self.t.get(key_of(domain), EmailDomainItem) is not None:
            labels.add("exists")
        if domain.status == "verified" and not self._claimable(domain):
            labels.add("taken")
        if labels:
            return Outcome(frozenset(labels))
        assert account is not None
        account.email_domains = names | {domain.domain}
        self.t.put(copy.deepcopy(domain))
        if domain.status == "verified":
            self._claim(domain, {}, "take")
        return self._recorded(events)

    def save(
        self,
        domain: EmailDomainItem,
        changes: Mapping[str, object],
        events: Sequence[AuditEventItem] = (),
        claim: ClaimChange = "keep",
    ) -> Outcome:
        stored = self.t.get(key_of(domain), EmailDomainItem)
        if stored is None or int(stored.version) != int(domain.version):
            return failed("changed")
        held = self.t.get(keys.domain_claim(domain.domain), DomainClaimItem)
        if (claim in ("take", "release") and not self._claimable(domain)) or (
            claim == "sync" and (held is None or held.account_id != domain.account_id)
        ):
            return failed("taken")
        self._claim(domain, changes, claim)
        version = int(domain.version) + 1
        for target in (stored, domain):  # as the real one, the item given holds the changes too
            for name, value in changes.items():
                setattr(target, name, copy.deepcopy(value))
            target.version = version
        return self._recorded(events)

    def remove(self, domain: EmailDomainItem, event: AuditEventItem | None = None) -> Outcome:
        stored = self.t.get(key_of(domain), EmailDomainItem)
        if stored is None or int(stored.version) != int(domain.version):
            return failed("changed")
        if domain.status == "verified" and not self._claimable(domain):
            return failed("taken")
        self.t.delete(key_of(domain))
        account = self.t.get(keys.account(domain.account_id), AccountItem)
        if account is not None:
            account.email_domains = set(account.email_domains or ()) - {domain.domain} or None
        if domain.status == "verified":
            self._claim(domain, {}, "release")
        return self.t.record(event)

    def take_verify_turn(self, domain: EmailDomainItem, now: datetime) -> Outcome:
        stored = self.t.get(key_of(domain), EmailDomainItem)
        recent = stored is not None and stored.last_verify_at is not None
        if stored is None or (recent and stored.last_verify_at >= now - VERIFY_EVERY):
            return failed("taken")
        stored.last_verify_at = domain.last_verify_at = now
        return OK

    due_domains = not_faked("email_domains", "due_domains")

    def _claimable(self, domain: EmailDomainItem) -> bool:
        held = self.t.get(keys.domain_claim(domain.domain), DomainClaimItem)
        return held is None or held.account_id == domain.account_id

    def _claim(self, domain: EmailDomainItem, changes: Mapping[str, object], claim: ClaimChange) -> None:
        key = keys.domain_claim(domain.domain)
        policy = str(changes.get("join_policy", domain.join_policy))
        if claim == "take":
            verified_at = changes.get("verified_at", domain.verified_at)
            self.t.put(
                DomainClaimItem(
                    *key, domain=domain.domain, account_id=domain.account_id, join_policy=policy,
                    verified_at=verified_at,
                )
            )  # fmt: skip
        elif claim == "sync":
            held = self.t.get(key, DomainClaimItem)
            assert held is not None
            held.join_policy = policy
        elif claim == "release":
            self.t.delete(key)

    def _recorded(self, events: Sequence[AuditEventItem]) -> Outcome:
        for event in events:
            self.t.record(event)
        return OK


class FakeScimTokens(ScimTokenRepository):
    """SCIM tokens are tested on moto (tests/api/test_scim_tokens.py): their cap and rate are conditions."""

    tokens_of = not_faked("scim_tokens", "tokens_of")
    get_token = not_faked("scim_tokens", "get_token")
    by_hash = not_faked("scim_tokens", "by_hash")
    create = not_faked("scim_tokens", "create")
    revoke = not_faked("scim_tokens", "revoke")
    count_request = not_faked("scim_tokens", "count_request")
    mark_used = not_faked("scim_tokens", "mark_used")


class FakeBrands(BrandRepository):
    """Brands are tested on moto (tests/api/test_brands.py): their use count and logo are conditions."""

    get_brand = not_faked("brands", "get_brand")
    create = not_faked("brands", "create")
    update = not_faked("brands", "update")
    delete = not_faked("brands", "delete")
    give = not_faked("brands", "give")
    get_logo = not_faked("brands", "get_logo")
    put_logo = not_faked("brands", "put_logo")


class FakeScimUsers(ScimUserRepository):
    """SCIM's member records are tested on moto (tests/api/test_scim_users.py)."""

    records_of = not_faked("scim_users", "records_of")
    get_record = not_faked("scim_users", "get_record")
    save_record = not_faked("scim_users", "save_record")
    ensure_record = not_faked("scim_users", "ensure_record")
    changing = not_faked("scim_users", "changing")
    save_changed = not_faked("scim_users", "save_changed")
    forget = not_faked("scim_users", "forget")
    provision = not_faked("scim_users", "provision")


class FakeInviteLinks(InviteLinkRepository):
    """Invite links are tested on moto (tests/api/test_invite_links.py): their caps are conditions."""

    links_of = not_faked("invite_links", "links_of")
    get_link = not_faked("invite_links", "get_link")
    by_token = not_faked("invite_links", "by_token")
    create = not_faked("invite_links", "create")
    revoke = not_faked("invite_links", "revoke")
    use = not_faked("invite_links", "use")
    request = not_faked("invite_links", "request")
    queue_email = not_faked("invite_links", "queue_email")
    invite = not_faked("invite_links", "invite")
    email_request = not_faked("invite_links", "email_request")
