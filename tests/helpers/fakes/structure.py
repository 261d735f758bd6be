"""Sub-accounts in memory (each an item under its account, its id in the account's `sub_account_ids`, which
authorization reads, both changed together as store/sub_accounts.py changes them), support sessions, and the
audit log's reads (the events every fake write records with its change)."""

from __future__ import annotations

import copy
from datetime import datetime

from chalicelib.domain.authorization import MAX_SUB_ACCOUNTS
from chalicelib.services.ports import AuditRepository, SubAccountRepository, SupportSessionRepository
from chalicelib.store import keys
from chalicelib.store.audit import AuditFilter, filtered_bound, sort_time
from chalicelib.store.models import (
    AccountItem,
    AuditEventItem,
    MailItem,
    MembershipItem,
    SubAccountItem,
    SupportSessionItem,
    UserItem,
)
from chalicelib.store.outcomes import Failure
from chalicelib.store.support_sessions import support_row
from chalicelib.store.tx import DEFAULT_LABEL, Outcome
from tests.helpers.fakes.table import Table, failed, key_of


class FakeSubAccounts(SubAccountRepository):
    def __init__(self, table: Table) -> None:
        self.t = table

    def sub_accounts_of(self, account_id: str) -> list[SubAccountItem]:
        return copy.deepcopy(self.t.query(SubAccountItem, keys.sub_accounts_of(account_id)))

    def get_sub_account(self, account_id: str, sub_account_id: str) -> SubAccountItem | None:
        return copy.deepcopy(self.t.get(keys.sub_account(account_id, sub_account_id), SubAccountItem))

    def create(self, sub_account: SubAccountItem, event: AuditEventItem | None = None) -> Outcome:
        account = self.t.get(keys.account(sub_account.account_id), AccountItem)
        ids = set(account.sub_account_ids or ()) if account is not None else set()
        labels: set[Failure] = {"full"} if account is None or len(ids) >= MAX_SUB_ACCOUNTS else set()
        if self.t.get(key_of(sub_account), SubAccountItem) is not None:
            labels.add(DEFAULT_LABEL)
        if labels:
            return Outcome(frozenset(labels))
        assert account is not None
        account.sub_account_ids = ids | {sub_account.sub_account_id}
        self.t.put(copy.deepcopy(sub_account))
        return self.t.record(event)

    def rename(self, sub_account: SubAccountItem, name: str, event: AuditEventItem | None = None) -> Outcome:
        stored = self.t.get(key_of(sub_account), SubAccountItem)
        if stored is None:
            return failed("gone")
        stored.name = sub_account.name = name  # as the real one, the item given is renamed too
        return self.t.record(event)

    def delete(self, sub_account: SubAccountItem, event: AuditEventItem | None = None) -> Outcome:
        if self.t.get(key_of(sub_account), SubAccountItem) is None:
            return failed("gone")
        self.t.delete(key_of(sub_account))
        account = self.t.get(keys.account(sub_account.account_id), AccountItem)
        if account is not None:
            account.sub_account_ids = (
                set(account.sub_account_ids or ()) - {sub_account.sub_account_id} or None
            )
        return self.t.record(event)


class FakeAudit(AuditRepository):
    """The audit log as store/audit.py reads it: newest first by sort key, the time bounds on the sort key,
    the first filter given of target, actor and type as the range; without another filter, one more than
    `limit` to know whether more follow; with one, `filtered_bound(limit)` events of the range examined,
    the matches among them, and the last examined as where to go on (DynamoDB's LastEvaluatedKey)."""

    def __init__(self, table: Table) -> None:
        self.t = table

    def events(
        self, account_id: str, wanted: AuditFilter, limit: int, after: str | None
    ) -> tuple[list[AuditEventItem], str | None]:
        lower = sort_time(wanted.since) if wanted.since else None
        upper = sort_time(wanted.until) if wanted.until else None
        filters = (("target_id", wanted.target_id), ("actor_user_id", wanted.actor_user_id))
        given = [(name, value) for name, value in (*filters, ("type", wanted.type)) if value is not None]
        picked, rest = given[:1], given[1:]

        def in_range(event: AuditEventItem) -> bool:
            if any(getattr(event, name) != value for name, value in picked):
                return False
            if lower and upper:
                return lower <= event.sk <= upper  # BETWEEN, as the real condition
            return (upper is None or event.sk < upper) and (lower is None or event.sk >= lower)

        everything = self.t.of(AuditEventItem, keys.audit_log(account_id))
        ranged = [e for e in reversed(everything) if in_range(e) and (after is None or e.sk < after)]
        examined = ranged[: limit + 1] if not rest else ranged[: filtered_bound(limit)]
        found = [e for e in examined if all(getattr(e, name) == value for name, value in rest)]
        if len(found) > limit:
            return copy.deepcopy(found[:limit]), found[limit - 1].sk
        stopped = bool(rest) and len(examined) == filtered_bound(limit)  # the Limit reached: a key to go on
        return copy.deepcopy(found), examined[-1].sk if stopped else None


class FakeSupportSessions(SupportSessionRepository):
    """Support staff acting as a member: a session is started only while the member is active, with its
    owner's notice queued in the same write, and ended once."""

    def __init__(self, table: Table) -> None:
        self.t = table

    def target(
        self, account_id: str, user_id: str, owner_id: str | None
    ) -> tuple[MembershipItem | None, UserItem | None, UserItem | None]:
        owner = self.t.get(keys.user(owner_id), UserItem) if owner_id else None
        return (
            copy.deepcopy(self.t.get(keys.membership(account_id, user_id), MembershipItem)),
            copy.deepcopy(self.t.get(keys.user(user_id), UserItem)),
            copy.deepcopy(owner),
        )

    def start(
        self, session: SupportSessionItem, event: AuditEventItem, notice: MailItem | None = None
    ) -> Outcome:
        member = self.t.get(keys.membership(session.account_id, session.user_id), MembershipItem)
        labels: set[Failure] = set() if member is not None and member.status == "active" else {"inactive"}
        if self.t.get(key_of(session), SupportSessionItem) is not None:
            labels.add(DEFAULT_LABEL)
        if notice is not None and self.t.get(key_of(notice), MailItem) is not None:
            labels.add(DEFAULT_LABEL)
        if labels:
            return Outcome(frozenset(labels))
        for item in (session, notice, support_row(session)):
            if item is not None:
                self.t.put(copy.deepcopy(item))
        return self.t.record(event)

    def get(self, account_id: str, session_id: str) -> SupportSessionItem | None:
        return copy.deepcopy(self.t.get(keys.support_session(account_id, session_id), SupportSessionItem))

    def end(self, session: SupportSessionItem, now: datetime, event: AuditEventItem) -> Outcome:
        stored = self.t.get(key_of(session), SupportSessionItem)
        if stored is None or stored.ended_at is not None:
            return failed("ended")
        stored.ended_at = now
        self.t.delete(keys.session(session.user_id, session.support_session_id))
        return self.t.record(event)
