"""The one way a count rises under a cap: an ADD whose condition keeps the result within it, in the
transaction of what it counts, so no race passes the cap (a read before the write would let one through).
Used by the endpoints' and groups' counts on the account, the operator's endpoints, and the emails'
windows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pynamodb.attributes import NumberAttribute

from chalicelib.store.models import Item
from chalicelib.store.outcomes import Failure
from chalicelib.store.tx import Tx

if TYPE_CHECKING:
    from pynamodb.expressions.condition import Condition
    from pynamodb.expressions.update import Action


def add_within(
    tx: Tx,
    item: Item,
    count: NumberAttribute,
    delta: int,
    cap: int,
    label: Failure,
    *,
    on_existing: bool = False,
    also: Sequence[Action] = (),
) -> None:
    """ADD `delta` to `count` on `item` (an absent count is zero). Rising, only while the result stays
    within `cap` (more than the cap at once never fits, even at zero); else the transaction fails with
    `label`. `on_existing`: the item must exist either way (an update would otherwise make an item of the
    count alone). `also`: further actions on the same item."""
    condition: Condition | None = type(item).pk.exists() if on_existing else None
    if delta > 0:
        room = count <= cap - delta
        if delta <= cap:
            room = count.does_not_exist() | room
        condition = room if condition is None else condition & room
    tx.update(item, [count.add(delta), *also], condition=condition, label=label)
