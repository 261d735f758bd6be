"""The one due index of the background work (gsi2, sparse): the audit events not yet handed to the webhooks,
the deliveries due, the emails due. Each item that waits carries gsi2 keys `<KIND>#<shard>` /
`<when>#<id>`; one that is done carries none, so the index holds only what waits and a worker's read grows
with the work due, not with the table. The shards spread the writes of every account over WORK_SHARDS index
partitions (docs/scale.md), and a worker reads each shard's oldest due first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from chalicelib.store import keys
from chalicelib.store.models import Item, format_time
from chalicelib.store.table import get_items

T = TypeVar("T", bound=Item)


def mark(item: Item, kind: str, item_id: str, when: datetime | None) -> None:
    """Waiting until `when` (in the due index), or done (None: out of it)."""
    if when is None:
        item.gsi2pk = item.gsi2sk = None
    else:
        item.gsi2pk, item.gsi2sk = keys.due(kind, item_id, format_time(when))


def due(
    model: type[T],
    kind: str,
    now: datetime,
    limit: int,
    wanted: Callable[[T], bool],
    share: int | None = None,
) -> list[T]:
    """Up to `limit` items of `model` due by `now`: each shard's index Query (the shards at once), then a
    fair pick from the index entries alone (they carry the account), oldest due first and at most `share`
    of one account, and one BatchGetItem of just the picked items. So one account's backlog takes no more
    than its share of a run, and nothing is read that the run will not use."""
    bound = keys.expiry_upper_bound(format_time(now))

    def shard(partition: str) -> list[Item]:
        return list(model.by_expiry.query(partition, model.gsi2sk <= bound, limit=limit, page_size=limit))

    from concurrent.futures import ThreadPoolExecutor  # the workers' only: a request's cold start skips it

    with ThreadPoolExecutor(max_workers=8) as pool:
        entries = [entry for part in pool.map(shard, keys.due_partitions(kind)) for entry in part]
    picked = fair_pick(entries, limit, share or limit)
    found = get_items((entry.pk, entry.sk) for entry in picked)
    items = [item for item in found.values() if isinstance(item, model) and wanted(item)]
    items.sort(key=lambda item: item.gsi2sk or "")
    return items


def fair_pick(entries: list[Item], limit: int, share: int) -> list[Item]:
    """Oldest due first, at most `share` of one account (its id as the index holds it; none: the item's own
    partition), at most `limit` in all."""
    taken: dict[str, int] = {}
    picked: list[Item] = []
    for entry in sorted(entries, key=lambda e: e.gsi2sk or ""):
        owner = getattr(entry, "account_id", None) or entry.pk
        if taken.get(owner, 0) < share:
            taken[owner] = taken.get(owner, 0) + 1
            picked.append(entry)
            if len(picked) == limit:
                break
    return picked
