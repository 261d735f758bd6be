"""Issue 26: an audit page with two filters (one picks the index, the other is a FilterExpression) is one
bounded read: 4 x limit events examined (store/audit.py `filtered_bound`), the matches among them and a
cursor while more may follow, so its cost does not grow with the log however rare the matches are."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.domain.audit import Actor, Event, Target
from chalicelib.store.audit import audit_item, filtered_bound
from chalicelib.store.models import Item
from tests.helpers import DynamoCalls, onboard

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api


def write_events(deps: Deps, account_id: str, actor_id: str, common: int, rare_every: int) -> list[str]:
    """`common` member.updated events by the actor, one minute apart, and a contact.deleted by the same
    actor after every `rare_every`-th; answers the rare events' target ids, newest first."""
    start = deps.now() + timedelta(days=1)
    rare: list[str] = []
    with Item.batch_write() as batch:
        for i in range(common):
            at = start + timedelta(minutes=i)
            actor = Actor("user", actor_id, "actor@acme.com")
            batch.save(
                audit_item(Event("member.updated", account_id, actor, Target("member", f"m{i}"), at), 400)
            )
            if i % rare_every == rare_every - 1:
                target = Target("contact", f"rare{i}")
                batch.save(audit_item(Event("contact.deleted", account_id, actor, target, at), 400))
                rare.append(f"rare{i}")
    return rare[::-1]


def pages(
    api: Api, account_id: str, token: str, query: str, limit: int
) -> list[tuple[list[dict[str, Any]], int, int]]:
    """Every page through the cursors, with each request's round trips and items examined."""
    found, cursor = [], None
    while True:
        suffix = f"&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        with DynamoCalls() as calls:
            reply = api.get(f"/accounts/{account_id}/audit-events?{query}{suffix}", token=token)
        assert reply.status == 200, reply.body
        assert calls.operations == ["BatchGetItem", "Query"]  # authorization, then one Query
        found.append((reply.body["items"], calls.scanned, len(reply.body["items"])))
        cursor = reply.body["next_cursor"]
        if cursor is None:
            return found
        assert len(found) < 200, "the cursors do not end"


def test_two_filters_read_a_bounded_page_and_the_cursor_goes_on(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    actor_id = owner.user_id
    rare = write_events(deps, account_id, actor_id, 100, 25)  # 4 rare events among 100
    query = f"actor_user_id={actor_id}&type=contact.deleted"
    walked = pages(api, account_id, owner.token, query, 5)
    assert [e["target"]["id"] for items, _, _ in walked for e in items] == rare
    assert all(scanned <= filtered_bound(5) for _, scanned, _ in walked)
    assert any(count == 0 for _, _, count in walked)  # a page may hold none, with a cursor to go on
    assert all(
        e["type"] == "contact.deleted" and e["actor"]["user_id"] == actor_id
        for items, _, _ in walked
        for e in items
    )


def test_a_filtered_page_costs_the_same_at_100_and_1000_events(api: Api, deps: Deps) -> None:
    """On main the first page kept paging until it had `limit` matches: 100 round trips at 5,000 members'
    worth of events for 4 rows. Now each request is one Query examining at most 4 x limit events."""
    costs = []
    for common in (100, 1000):
        account_id, owner = onboard(api, f"Acme {common}", f"owner{common}@acme.com")
        write_events(deps, account_id, owner.user_id, common, common // 4)
        query = f"actor_user_id={owner.user_id}&type=contact.deleted&limit=10"
        with DynamoCalls() as calls:
            reply = api.get(f"/accounts/{account_id}/audit-events?{query}", token=owner.token)
        assert reply.status == 200 and reply.body["next_cursor"]
        costs.append((calls.operations, calls.scanned))
    assert costs[0] == costs[1] == (["BatchGetItem", "Query"], 40)


def test_more_matches_than_limit_in_the_bound_give_limit_and_go_on_after_the_last(
    api: Api, deps: Deps
) -> None:
    account_id, owner = onboard(api)
    rare = write_events(deps, account_id, owner.user_id, 60, 1)  # every event has its rare twin
    query = f"actor_user_id={owner.user_id}&type=contact.deleted"
    walked = pages(api, account_id, owner.token, query, 7)
    assert [e["target"]["id"] for items, _, _ in walked for e in items] == rare
    assert walked[0][2] == 7  # 28 examined, 14 matches: the first 7, and the cursor after the 7th


def test_bad_limits_and_cursors_of_a_filtered_list_are_refused(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    other_id, other = onboard(api, "Other", "boss@other.com")
    write_events(deps, account_id, owner.user_id, 40, 10)
    write_events(deps, other_id, other.user_id, 40, 10)
    base = f"/accounts/{account_id}/audit-events?actor_user_id={owner.user_id}&type=contact.deleted"
    for limit in ("0", "101", "x"):
        assert api.get(f"{base}&limit={limit}", token=owner.token).code == "validation_error"
    assert api.get(f"{base}&cursor=junk", token=owner.token).code == "validation_error"
    cursor = api.get(f"{base}&limit=1", token=owner.token).body["next_cursor"]
    assert cursor
    # bound to the filters: the same cursor with another type, or without the actor, opens nothing
    swapped = base.replace("contact.deleted", "member.updated")
    assert api.get(f"{swapped}&cursor={cursor}", token=owner.token).code == "validation_error"
    alone = f"/accounts/{account_id}/audit-events?type=contact.deleted&cursor={cursor}"
    assert api.get(alone, token=owner.token).code == "validation_error"
    # bound to the account: another account's cursor of the same filters is refused there
    theirs_path = f"/accounts/{other_id}/audit-events?actor_user_id={other.user_id}&type=contact.deleted"
    theirs = api.get(f"{theirs_path}&limit=1", token=other.token).body["next_cursor"]
    assert theirs
    mine = base.replace(owner.user_id, other.user_id)
    assert api.get(f"{mine}&cursor={theirs}", token=owner.token).code == "validation_error"
    assert api.get(f"{theirs_path}&cursor={cursor}", token=other.token).code == "validation_error"
    assert api.get(f"{base}&cursor={cursor}", token=owner.token).status == 200
