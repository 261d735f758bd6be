"""Access patterns of email domains (issue 29). Each domain is an item under its account, and its name is in
the account's `email_domains` set, changed in the same transaction under a condition on the set's size: the
cap holds under any concurrency. A verified domain also has its claim, DOMAIN#<domain>, put under the
condition that no other account holds it: of two accounts verifying at once, one commits and the other's
condition fails. Every write to a domain checks and bumps its `version`, so none lands on a stale read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Literal, cast

from pynamodb.expressions.condition import Condition, size

from chalicelib.domain.domain_checks import VERIFY_EVERY
from chalicelib.domain.email_domains import MAX_EMAIL_DOMAINS
from chalicelib.store import keys
from chalicelib.store.due import due
from chalicelib.store.models import (
    AccountItem,
    AuditEventItem,
    DomainClaimItem,
    EmailDomainItem,
)
from chalicelib.store.table import get_item
from chalicelib.store.tx import Outcome, Tx, assignments

# What a write does to the domain's claim: nothing, take it (verified now), copy the policy onto it (still
# verified), or give it up (no longer verified, or removed).
ClaimChange = Literal["keep", "take", "sync", "release"]


def new_email_domain_item(account_id: str, domain: str, secret: str, now: datetime) -> EmailDomainItem:
    return EmailDomainItem(
        *keys.email_domain(account_id, domain),
        account_id=account_id,
        domain=domain,
        status="pending",
        secret=secret,
        created_at=now,
        pending_since=now,
        auto_join_sub_accounts=[],
    )


def due_keys(domain: EmailDomainItem, when: datetime | None) -> dict[str, object]:
    """The gsi2 attributes that put the domain in the re-check queue at `when` (None: out of it)."""
    if when is None:
        return {"gsi2pk": None, "gsi2sk": None}
    from chalicelib.store.models import format_time

    item_id = keys.domain_due_id(domain.account_id, domain.domain)
    pk, sk = keys.due(keys.DOMAIN_DUE, item_id, format_time(when))
    return {"gsi2pk": pk, "gsi2sk": sk}


def _mine(domain: EmailDomainItem) -> Condition:
    either = DomainClaimItem.pk.does_not_exist() | (DomainClaimItem.account_id == domain.account_id)
    return cast("Condition", either)  # PynamoDB's `|` is unannotated


class EmailDomainStore:
    def domains_of(self, account_id: str) -> list[EmailDomainItem]:
        pk, prefix = keys.email_domains_of(account_id)
        return list(EmailDomainItem.query(pk, EmailDomainItem.sk.startswith(prefix), consistent_read=True))

    def get_domain(self, account_id: str, domain: str) -> EmailDomainItem | None:
        return get_item(EmailDomainItem, keys.email_domain(account_id, domain))

    def claim_of(self, domain: str) -> DomainClaimItem | None:
        """Which account holds this domain verified, and its join policy: one GetItem."""
        return get_item(DomainClaimItem, keys.domain_claim(domain))

    def add(self, domain: EmailDomainItem, events: Sequence[AuditEventItem] = ()) -> Outcome:
        """Fails with "exists" for a domain the account has, "full" at the cap or when the account is gone,
        and (added verified, by the operator) "taken" when another account holds it verified."""
        tx = _recorded(events).put(domain, condition=EmailDomainItem.pk.does_not_exist(), label="exists")
        count = size(AccountItem.email_domains)  # type: ignore[no-untyped-call]  # PynamoDB: unannotated
        room = AccountItem.email_domains.does_not_exist() | (count < MAX_EMAIL_DOMAINS)
        tx.update(
            AccountItem(*keys.account(domain.account_id)),
            [AccountItem.email_domains.add({domain.domain})],
            condition=AccountItem.pk.exists() & room,
            label="full",
        )
        _claim_write(tx, domain, {}, "take" if domain.status == "verified" else "keep")
        return tx.commit()

    def save(
        self,
        domain: EmailDomainItem,
        changes: Mapping[str, object],
        events: Sequence[AuditEventItem] = (),
        claim: ClaimChange = "keep",
    ) -> Outcome:
        """Sets `changes` (None removes) if the domain is still at the version read ("changed" if not), and
        changes its claim as said ("taken": another account holds the domain verified). On success the item
        given holds the changes and its new version."""
        version = int(domain.version)
        actions = [*assignments(EmailDomainItem, changes), EmailDomainItem.version.set(version + 1)]
        condition = EmailDomainItem.pk.exists() & (EmailDomainItem.version == version)
        tx = _recorded(events).update(domain, actions, condition=condition, label="changed")
        _claim_write(tx, domain, changes, claim)
        outcome = tx.commit()
        if outcome:
            for name, value in changes.items():
                setattr(domain, name, value)
            domain.version = version + 1
        return outcome

    def remove(self, domain: EmailDomainItem, event: AuditEventItem | None = None) -> Outcome:
        """The item, its name in the account's set and (verified) its claim go together; "changed" if the
        domain is gone or not at the version read (whether to free its claim was decided from that read)."""
        at_version = EmailDomainItem.version == int(domain.version)
        condition = EmailDomainItem.pk.exists() & at_version
        tx = Tx().record(event).delete(domain, condition=condition, label="changed")
        tx.update(
            AccountItem(*keys.account(domain.account_id)),
            [AccountItem.email_domains.delete({domain.domain})],
        )
        _claim_write(tx, domain, {}, "release" if domain.status == "verified" else "keep")
        return tx.commit()

    def take_verify_turn(self, domain: EmailDomainItem, now: datetime) -> Outcome:
        """The verify route's one lookup a minute per domain: "taken" when one was made in the last minute."""
        recent = EmailDomainItem.last_verify_at >= now - VERIFY_EVERY
        condition = EmailDomainItem.pk.exists() & ~recent
        outcome = (
            Tx()
            .update(domain, [EmailDomainItem.last_verify_at.set(now)], condition=condition, label="taken")
            .commit()
        )
        if outcome:
            domain.last_verify_at = now
        return outcome

    def due_domains(self, now: datetime, limit: int) -> list[EmailDomainItem]:
        """Up to `limit` domains whose re-check is due by `now`, oldest first, few of one account at a time:
        the due index holds only domains waiting for a check, so this reads what is due, not the table."""
        return due(EmailDomainItem, keys.DOMAIN_DUE, now, limit, lambda item: item.gsi2pk is not None, 5)


def _recorded(events: Sequence[AuditEventItem]) -> Tx:
    tx = Tx()
    for event in events:
        tx.record(event)
    return tx


def _claim_write(tx: Tx, domain: EmailDomainItem, changes: Mapping[str, object], claim: ClaimChange) -> None:
    key = keys.domain_claim(domain.domain)
    policy = str(changes.get("join_policy", domain.join_policy))
    if claim == "take":
        verified_at = changes.get("verified_at", domain.verified_at)
        item = DomainClaimItem(
            *key,
            domain=domain.domain,
            account_id=domain.account_id,
            join_policy=policy,
            verified_at=verified_at,
        )
        tx.put(item, condition=_mine(domain), label="taken")
    elif claim == "sync":
        tx.update(
            DomainClaimItem(*key),
            [DomainClaimItem.join_policy.set(policy)],
            condition=DomainClaimItem.account_id == domain.account_id,
            label="taken",
        )
    elif claim == "release":
        tx.delete(DomainClaimItem(*key), condition=_mine(domain), label="taken")
