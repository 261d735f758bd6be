"""DynamoDB faults injected in-process, at the botocore client PynamoDB calls, so every layer above (PynamoDB,
store/tx.py, the services, the api) meets them as it would meet DynamoDB's: transaction conflicts, and a call
failing outright at a chosen position in a request. (moto answers in botocore's before-send event, ahead of
handlers a test registers there, so the faults sit in front of the client call itself.)"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.store.table import dynamodb_client

Call = Callable[[str, dict[str, Any]], Any]


@contextmanager
def _wrapped(wrapper: Callable[[Call, str, dict[str, Any]], Any]) -> Iterator[None]:
    client = dynamodb_client()
    real: Call = client._make_api_call
    client._make_api_call = lambda operation, params: wrapper(real, operation, params)
    try:
        yield
    finally:
        del client._make_api_call  # the class's method again


class Conflicts:
    """The next `times` TransactWriteItems are cancelled as DynamoDB cancels one that met another
    transaction on the same item (TransactionConflict, no condition failed); nothing reaches moto."""

    def __init__(self, times: int) -> None:
        self.left = times

    def _call(self, real: Call, operation: str, params: dict[str, Any]) -> Any:
        if operation != "TransactWriteItems" or self.left <= 0:
            return real(operation, params)
        self.left -= 1
        items = len(params.get("TransactItems", [])) or 1
        reasons = [{"Code": "TransactionConflict", "Message": "conflict"}] + [{"Code": "None"}] * (items - 1)
        error = {"Code": "TransactionCanceledException", "Message": "Transaction cancelled (injected)"}
        response = {
            "Error": error,
            "CancellationReasons": reasons,
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }
        raise ClientError(response, operation)

    @contextmanager
    def on(self) -> Iterator[Conflicts]:
        with _wrapped(self._call):
            yield self


class InjectedFaultError(Exception):
    """DynamoDB failing outright (unreachable past botocore's retries, a crash of the call)."""


class FailAt:
    """Counts the DynamoDB calls of whatever runs inside `on()` and makes call number `at` (1-based) fail
    before it reaches DynamoDB; `at=0` fails none and only counts. `calls` names each call's operation."""

    def __init__(self, at: int = 0) -> None:
        self.at = at
        self.calls: list[str] = []

    def _call(self, real: Call, operation: str, params: dict[str, Any]) -> Any:
        self.calls.append(operation)
        if len(self.calls) == self.at:
            raise InjectedFaultError(f"DynamoDB call {self.at} ({operation}) failed")
        return real(operation, params)

    @contextmanager
    def on(self) -> Iterator[FailAt]:
        with _wrapped(self._call):
            yield self


class Transactions:
    """Records the keys each TransactWriteItems inside `on()` writes or checks (passed on to moto as sent)."""

    def __init__(self) -> None:
        self.keys: list[set[tuple[str, str]]] = []

    def _call(self, real: Call, operation: str, params: dict[str, Any]) -> Any:
        if operation == "TransactWriteItems":
            written = set()
            for entry in params.get("TransactItems", []):
                (request,) = entry.values()
                key = request.get("Key") or request.get("Item") or {}
                written.add((key["pk"]["S"], key["sk"]["S"]))
            self.keys.append(written)
        return real(operation, params)

    @contextmanager
    def on(self) -> Iterator[Transactions]:
        with _wrapped(self._call):
            yield self
