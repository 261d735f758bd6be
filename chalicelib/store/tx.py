"""The one way the store writes under conditions: collect writes, each condition with a label that says what
its failure means, then `commit()` and read the typed `Outcome`.

    tx = Tx()
    tx.delete(invitation, condition=InvitationItem.token_hash == token_hash, label="used")
    tx.put(membership, condition=MembershipItem.pk.does_not_exist(), label="already_member")
    outcome = tx.commit()
    if "already_member" in outcome.failed: ...

Labels are a closed set (store/outcomes.py `Label`), and where one transaction holds several like writes (an
invitation per email) a label names which one (`Keyed`).

A condition that fails is an answer (`Outcome.failed`), not an exception; anything else (throttling past
retries, DynamoDB unreachable) still raises.

Several writes go as one TransactWriteItems (all or nothing) carrying a ClientRequestToken; DynamoDB answers
a repeat of a committed token as the success it was, without applying it again. botocore's retries resend
the same request, token included; and when the answer is lost after botocore is done (no answer, a 5xx),
`commit()` sends the same transaction once more under the same token: committed before or now, it answers
success; cancelled, its failed conditions. Past that one resend the outcome stays unknown and raises.

A lone write goes as a plain conditional Put/Update/Delete, which is just as atomic for one item, costs
half the write capacity, and hands back the item as written (an update's ALL_NEW, which callers use). It has
no token: if its answer is lost and botocore sends it again, the repeat can fail its own condition. The
local runner's timeouts are long enough that moto never makes it so (scripts/local_run.py).

A request may have a write ride along in every transaction it commits (`riding_along`): an Idempotency-Key's
mark that the request changed something (store/idempotency.py), so the key knows it even if the request dies
before storing its answer. A lone put or delete then goes as a transaction of two; a lone update still goes
alone (its callers read back the item as written): those are counters, and every change an account lists
writes its audit event with it, so it is a transaction anyway. The rider's condition failing (the request
no longer holds its key) cancels the transaction and raises RiderRefusedError: no caller mistakes it for
one of its own conditions.

A write cancelled only because another one touched the same item at that moment (DynamoDB's
TransactionConflict, with no condition failed; for a lone write, TransactionConflictException) is sent again,
as AWS advises, up to CONFLICT_TRIES times in all (or the budget the caller asks of `commit`) with a growing,
jittered pause (so writes that met spread out instead of meeting again); past that it raises
StillConflictingError (409 `conflict` with Retry-After), never an outcome a caller could read as "gone".
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from pynamodb.exceptions import DeleteError, PutError, PynamoDBException, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.errors import RiderRefusedError, StillConflictingError
from chalicelib.store.models import Item

# Outcome re-exported: the repositories and services name it from here, with the writes that answer it
from chalicelib.store.outcomes import Failure
from chalicelib.store.outcomes import Outcome as Outcome
from chalicelib.store.table import connection

if TYPE_CHECKING:
    from pynamodb.expressions.condition import Condition
    from pynamodb.expressions.update import Action

RACE: Final = "race"
CONFLICT_TRIES = 5  # sends of one write while it only collides with others (pauses up to 0.05 ... 0.4 s)
CONFLICT_PAUSE_SECONDS = 0.05
CONFLICT_PAUSE_CAP_SECONDS = 0.4  # the longest pause between two sends, however large a caller's budget
DEFAULT_LABEL: Final = "conflict"
MAX_ITEMS = 100  # DynamoDB's limit per TransactWriteItems (moto enforces it too)
RIDER: Final = "rider"
# Answers that leave open whether a transaction committed: none at all (a timeout, a dropped connection), a
# server error, or the same token still being applied.
_IN_DOUBT = frozenset({"InternalServerError", "ServiceUnavailable", "TransactionInProgressException"})
RESEND_PAUSE_SECONDS = 0.2

Kind = Literal["check", "delete", "put", "update"]
# The order PynamoDB sends a transaction's items in (whatever order they were added): cancellation reasons
# come back in this order.
_SENT_ORDER: dict[Kind, int] = {"check": 0, "delete": 1, "put": 2, "update": 3}


@dataclass
class _Write:
    kind: Kind
    item: Item
    condition: Condition | None
    label: Failure
    actions: Sequence[Action] = field(default_factory=list)


_rider: ContextVar[_Write | None] = ContextVar("rider", default=None)


@contextmanager
def riding_along(item: Item, actions: Sequence[Action], condition: Condition) -> Iterator[None]:
    """Within this block, every transaction committed in this context also applies this update, under this
    condition."""
    token = _rider.set(_Write("update", item, condition, RIDER, actions))
    try:
        yield
    finally:
        _rider.reset(token)


def rider_key() -> tuple[str, str] | None:
    """The key of the item riding along in this context (an Idempotency-Key's record), if any."""
    rider = _rider.get()
    return (rider.item.pk, rider.item.sk) if rider is not None else None


def assignments(model: type[Item], values: Mapping[str, object]) -> list[Action]:
    """An update that sets just these attributes (None: removes one), leaving every other as it stands."""
    attributes = model.get_attributes()
    return [attributes[n].remove() if v is None else attributes[n].set(v) for n, v in values.items()]


def holding(model: type[Item], values: Mapping[str, object]) -> Condition:
    """The item exists and each named attribute holds its value (None: the attribute is absent)."""
    attributes = model.get_attributes()
    condition: Condition = model.pk.exists()
    for name, value in values.items():
        condition &= attributes[name].does_not_exist() if value is None else attributes[name] == value
    return condition


def as_read(item: Item, names: Iterable[str]) -> Condition:
    """The item is still as it was read in each of `names`: a write computed from them holds only then."""
    return holding(type(item), {name: getattr(item, name) for name in names})


def room() -> int:
    """The items a transaction committed here may hold: MAX_ITEMS, less one while a rider rides along."""
    return MAX_ITEMS - (1 if _rider.get() is not None else 0)


def in_doubt(error: PynamoDBException) -> bool:
    """Whether a failed call may have been applied all the same: no answer, or a server-side error."""
    response = getattr(error.cause, "response", None)
    if not isinstance(response, dict):
        return True
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return error_code(error) in _IN_DOUBT or (isinstance(status, int) and status >= 500)


def error_code(error: PynamoDBException) -> str | None:
    """The DynamoDB error code behind a PynamoDB error, or None when there is none (a timeout, a dropped
    connection): never raises, whatever the cause."""
    response = getattr(error.cause, "response", None)
    if not isinstance(response, dict):
        return None
    code = response.get("Error", {}).get("Code")
    return code if isinstance(code, str) else None


class Tx:
    def __init__(self) -> None:
        self._writes: list[_Write] = []

    def __len__(self) -> int:
        return len(self._writes)

    def put(self, item: Item, condition: Condition | None = None, label: Failure = DEFAULT_LABEL) -> Tx:
        return self._add(_Write("put", item, condition, label))

    def update(
        self,
        item: Item,
        actions: Sequence[Action],
        condition: Condition | None = None,
        label: Failure = DEFAULT_LABEL,
    ) -> Tx:
        return self._add(_Write("update", item, condition, label, actions))

    def delete(self, item: Item, condition: Condition | None = None, label: Failure = DEFAULT_LABEL) -> Tx:
        return self._add(_Write("delete", item, condition, label))

    def record(self, event: Item | None) -> Tx:
        """The audit event of the change (store/audit.py): it commits with the writes, or neither does."""
        return self if event is None else self._add(_Write("put", event, None, DEFAULT_LABEL))

    def check(self, item: Item, condition: Condition, label: Failure = DEFAULT_LABEL) -> Tx:
        """A condition on an item that is not written (it must hold for the rest to commit)."""
        return self._add(_Write("check", item, condition, label))

    def _add(self, write: _Write) -> Tx:
        if len(self._writes) >= room():
            raise ValueError(f"a transaction holds at most {room()} items here")
        self._writes.append(write)
        return self

    def commit(self, conflict_tries: int = CONFLICT_TRIES) -> Outcome:
        """`conflict_tries`: sends in all while the write only meets others (a caller whose write must end in
        its own success under contention asks for more)."""
        if not self._writes:
            return Outcome()
        rider = _rider.get()
        lone = self._writes[0] if len(self._writes) == 1 else None
        if lone is not None and lone.kind != "check" and (rider is None or lone.kind == "update"):
            return _single(lone, conflict_tries)
        if rider is None:
            return _transaction(self._writes, conflict_tries)
        outcome = _transaction([*self._writes, rider], conflict_tries)
        if RIDER in outcome.failed:
            raise RiderRefusedError("the request no longer holds its Idempotency-Key")
        return outcome


def _conflict_pause(attempt: int) -> None:
    """Doubling up to a cap, each pause drawn between half and all of it: writes that met at once would
    meet again after equal pauses."""
    ceiling = min(CONFLICT_PAUSE_CAP_SECONDS, CONFLICT_PAUSE_SECONDS * 2**attempt)
    time.sleep(ceiling * (50 + secrets.randbelow(51)) / 100)


def _single(write: _Write, tries: int) -> Outcome:
    for attempt in range(tries):
        try:
            if write.kind == "put":
                write.item.save(condition=write.condition)
            elif write.kind == "update":
                write.item.update(actions=list(write.actions), condition=write.condition)
            else:
                write.item.delete(condition=write.condition)
        except (PutError, UpdateError, DeleteError) as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return Outcome(frozenset({write.label}))
            if error_code(error) != "TransactionConflictException":
                raise
            if attempt + 1 < tries:
                _conflict_pause(attempt)
            continue
        return Outcome()
    raise StillConflictingError()


def _transaction(writes: list[_Write], tries: int) -> Outcome:
    sent = sorted(writes, key=lambda write: _SENT_ORDER[write.kind])
    for attempt in range(tries):
        outcome, conflicted = _attempt(sent)
        if not conflicted:
            return outcome
        if attempt + 1 < tries:
            _conflict_pause(attempt)
    raise StillConflictingError()


def _attempt(sent: list[_Write]) -> tuple[Outcome, bool]:
    """One transaction (under one token, resent once if its answer is lost) and whether it was cancelled
    only by a conflict with another transaction."""
    token = uuid.uuid4().hex
    try:
        try:
            _send(sent, token)
        except TransactWriteError as error:
            if not in_doubt(error):
                raise
            time.sleep(RESEND_PAUSE_SECONDS)
            _send(sent, token)  # the same request: DynamoDB answers a committed one as committed
    except TransactWriteError as error:
        if error_code(error) != "TransactionCanceledException":
            raise
        reasons: list[Any] = list(getattr(error.cause, "cancellation_reasons", None) or [])
        failed: set[Failure] = {
            write.label
            for write, reason in zip(sent, reasons, strict=False)
            if reason is not None and reason.code == "ConditionalCheckFailed"
        }
        conflicted = any(reason is not None and reason.code == "TransactionConflict" for reason in reasons)
        return Outcome(frozenset(failed or {RACE})), conflicted and not failed
    return Outcome(), False


def _send(writes: list[_Write], token: str) -> None:
    with TransactWrite(connection=connection(), client_request_token=token) as tx:
        for write in writes:
            _add_to(tx, write)


def _add_to(tx: TransactWrite, write: _Write) -> None:
    if write.kind == "put":
        tx.save(write.item, condition=write.condition)
    elif write.kind == "update":
        tx.update(write.item, actions=list(write.actions), condition=write.condition)
    elif write.kind == "delete":
        tx.delete(write.item, condition=write.condition)
    else:
        assert write.condition is not None
        tx.condition_check(type(write.item), write.item.pk, write.item.sk, condition=write.condition)
