"""Brands (issue 32): made, read, changed and deleted by the operator; given to accounts (the account's
`brand_id` and the brand's `account_count` move in one transaction with the audit event); their logo.

A brand in use is not deleted (`not_empty`): its count says so in the delete's own condition, with no scan
of the accounts."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import datetime

from chalicelib.store.keys_brands import brand, brand_logo
from chalicelib.store.models import AccountItem, AuditEventItem, BrandItem, BrandLogoItem
from chalicelib.store.table import get_item
from chalicelib.store.tx import Outcome, Tx, assignments


class BrandStore:
    def get_brand(self, brand_id: str) -> BrandItem | None:
        return get_item(BrandItem, brand(brand_id))

    def create(self, item: BrandItem) -> Outcome:
        return Tx().put(item, condition=BrandItem.pk.does_not_exist(), label="exists").commit()

    def update(self, item: BrandItem, changes: Mapping[str, object], now: datetime) -> Outcome:
        """The fields `changes` names; fails ("gone") if the brand was deleted meanwhile."""
        actions = [*assignments(BrandItem, changes), BrandItem.updated_at.set(now)]
        outcome = Tx().update(item, actions, condition=BrandItem.pk.exists(), label="gone").commit()
        if outcome:
            for name, value in changes.items():
                setattr(item, name, value)
            item.updated_at = now
        return outcome

    def delete(self, item: BrandItem) -> Outcome:
        """Fails "not_empty" while an account names it, "gone" when it is already deleted."""
        unused = BrandItem.account_count.does_not_exist() | (BrandItem.account_count <= 0)
        tx = Tx().delete(item, condition=BrandItem.pk.exists() & unused, label="not_empty")
        outcome = tx.commit()
        if outcome:
            Tx().delete(BrandLogoItem(*brand_logo(item.brand_id))).commit()
            return outcome
        return Outcome(frozenset({"gone"})) if self.get_brand(item.brand_id) is None else outcome

    def give(self, account: AccountItem, brand_id: str | None, event: AuditEventItem) -> Outcome:
        """The account's brand (None: the default again), with the brands' counts and the audit event, in
        one transaction. Fails "brand_gone" if the new brand is deleted meanwhile, "gone" if the account is,
        "changed" if another change of its brand came first."""
        tx = Tx().record(event)
        as_read = (
            AccountItem.brand_id.does_not_exist()
            if account.brand_id is None
            else AccountItem.brand_id == account.brand_id
        )
        action = AccountItem.brand_id.set(brand_id) if brand_id else AccountItem.brand_id.remove()
        tx.update(account, [action], condition=AccountItem.pk.exists() & as_read, label="changed")
        if brand_id is not None:
            new = BrandItem(*brand(brand_id))
            tx.update(
                new, [BrandItem.account_count.add(1)], condition=BrandItem.pk.exists(), label="brand_gone"
            )
        if account.brand_id is not None:
            old = BrandItem(*brand(account.brand_id))
            tx.update(old, [BrandItem.account_count.add(-1)], condition=BrandItem.pk.exists(), label="kept")
        outcome = tx.commit()
        if outcome:
            account.brand_id = brand_id
        return outcome

    def get_logo(self, brand_id: str) -> tuple[str, int, bytes] | None:
        """The logo's media type, version and bytes."""
        item = get_item(BrandLogoItem, brand_logo(brand_id))
        if item is None:
            return None
        return item.content_type, int(item.version), base64.b64decode(item.content)

    def put_logo(self, item: BrandItem, content: bytes, content_type: str, now: datetime) -> Outcome:
        """The logo's bytes and the brand's new logo version, together; fails "gone" without the brand."""
        version = int(item.logo_version or 0) + 1
        logo = BrandLogoItem(
            *brand_logo(item.brand_id),
            brand_id=item.brand_id,
            content_type=content_type,
            version=version,
            content=base64.b64encode(content).decode(),
        )
        actions = [
            BrandItem.logo_type.set(content_type),
            BrandItem.logo_version.set(version),
            BrandItem.updated_at.set(now),
        ]
        tx = Tx().update(item, actions, condition=BrandItem.pk.exists(), label="gone").put(logo)
        outcome = tx.commit()
        if outcome:
            item.logo_type, item.logo_version, item.updated_at = content_type, version, now
        return outcome
