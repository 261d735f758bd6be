"""The audit log: events are written by the other repositories, in the transaction of the change they record
(`audit_item` builds one); this repository only reads them, newest first, from keys or an index."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.audit import Event
from chalicelib.ids import new_sortable_id
from chalicelib.store import keys
from chalicelib.store.listeners import listened
from chalicelib.store.models import AuditEventItem

OUTBOX = "OUTBOX"  # the due-index kind of events waiting for the webhook worker (store/deliveries.py)

_SORT_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"


def sort_time(value: datetime) -> str:
    """Fixed-width text to the microsecond: sort keys order as times do."""
    return value.astimezone(UTC).strftime(_SORT_TIME)


def audit_item(event: Event, retention_days: int) -> AuditEventItem:
    event_id = new_sortable_id("evt")  # events within one second of the clock still list in order
    pk, sk = keys.audit_event(event.account_id, sort_time(event.occurred_at), event_id)
    item = AuditEventItem(
        pk,
        sk,
        event_id=event_id,
        type=event.type,
        account_id=event.account_id,
        occurred_at=event.occurred_at,
        actor_kind=event.actor.kind,
        actor_user_id=event.actor.user_id,
        actor_email=event.actor.email,
        target_kind=event.target.kind,
        target_id=event.target.id,
        target_email=event.target.email,
        request_id=event.request_id,
        source_ip=event.source_ip,
        actor_support_session_id=event.actor.support_session_id,
        actor_reason=event.actor.reason,
        actor_acting_as=event.actor.acting_as,
        actor_scim_token_id=event.actor.scim_token_id,
        changes=json.dumps(event.changes, default=str, separators=(",", ":")) if event.changes else None,
        ttl=event.occurred_at + timedelta(days=retention_days),
        gsi3pk=keys.audit_by_type(event.account_id, event.type),
        gsi3sk=sk,
        gsi5pk=keys.audit_by_target(event.account_id, event.target.id),
        gsi5sk=sk,
    )
    if event.actor.user_id:
        item.gsi4pk, item.gsi4sk = keys.audit_by_actor(event.account_id, event.actor.user_id), sk
    if listened(event.account_id):  # in the outbox until the worker has handed it to the endpoints
        item.gsi2pk, item.gsi2sk = keys.due(OUTBOX, event_id, sort_time(event.occurred_at))
    return item


@dataclass(frozen=True)
class AuditFilter:
    type: str | None = None
    actor_user_id: str | None = None
    target_id: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


def filtered_bound(limit: int) -> int:
    """The events one request examines when a second filter is a FilterExpression: 4 x `limit` (at most 400,
    ~400 KB: one Query page under DynamoDB's 1 MB), so a page costs a fixed multiple of its size however
    rare the matches are; the client follows the cursor for the rest."""
    return 4 * limit


class AuditStore:
    def events(
        self, account_id: str, wanted: AuditFilter, limit: int, after: str | None
    ) -> tuple[list[AuditEventItem], str | None]:
        """Up to `limit` events, newest first, after the sort key `after` (a cursor's), and the sort key to
        go on after when more may follow. The most selective filter picks the key range (target, then actor,
        then type, else the whole log), the time bounds narrow its sort key, and any further filter is a
        FilterExpression over that range.

        One Query, always: of limit + 1 events without a FilterExpression (the extra one says whether more
        follow); with one, of `filtered_bound(limit)` events examined, answering the matches among them (a
        page may hold fewer than `limit`, even none) and DynamoDB's LastEvaluatedKey as where to go on."""
        index, hash_key, sort, rest = _key_range(account_id, wanted)
        start = None
        if after:
            start = {"pk": {"S": keys.audit_log(account_id)}, "sk": {"S": after}}
            if index:
                start |= {f"{index}pk": {"S": hash_key}, f"{index}sk": {"S": after}}
        query = getattr(AuditEventItem, _INDEXES[index]).query if index else AuditEventItem.query
        size = limit + 1 if rest is None else filtered_bound(limit)
        result = query(
            hash_key,
            _time_range(sort, wanted),
            filter_condition=rest,
            scan_index_forward=False,
            page_size=size,
            last_evaluated_key=start,
        )
        # one page only: iterating the result would go on paging until a match or the end of the range
        found = [AuditEventItem.from_raw_data(raw) for raw in next(result.page_iter)["Items"]]
        if len(found) > limit:
            return found[:limit], found[limit - 1].sk
        examined_last = result.page_iter.last_evaluated_key if rest is not None else None
        return found, examined_last["sk"]["S"] if examined_last else None


def _time_range(sort: Any, wanted: AuditFilter) -> Any:
    """The key condition of the time bounds on the range's sort key (None: the whole range)."""
    lower = sort_time(wanted.since) if wanted.since else None
    upper = sort_time(wanted.until) if wanted.until else None
    if lower and upper:
        return sort.between(lower, upper)  # an event at `until` sorts after it: excluded
    if upper or lower:
        return sort < upper if upper else sort >= lower
    return None


_INDEXES = {"gsi3": "by_type", "gsi4": "by_actor", "gsi5": "by_target"}


def _key_range(account_id: str, wanted: AuditFilter) -> tuple[str | None, str, Any, Any]:
    """(index, hash key, sort attribute, filter of the rest): the most selective filter given picks the
    index, the others filter its range; with none, the whole log."""
    given = [
        (index, hash_key(account_id, value), attribute, value)
        for index, hash_key, attribute, value in (
            ("gsi5", keys.audit_by_target, AuditEventItem.target_id, wanted.target_id),
            ("gsi4", keys.audit_by_actor, AuditEventItem.actor_user_id, wanted.actor_user_id),
            ("gsi3", keys.audit_by_type, AuditEventItem.type, wanted.type),
        )
        if value
    ]
    if not given:
        return None, keys.audit_log(account_id), AuditEventItem.sk, None
    index, key, _, _ = given[0]
    rest = _all([attribute == value for _, _, attribute, value in given[1:]])
    return index, key, getattr(AuditEventItem, f"{index}sk"), rest


def _all(conditions: list[Any]) -> Any:
    combined = None
    for condition in conditions:
        combined = condition if combined is None else combined & condition
    return combined
