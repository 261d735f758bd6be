"""Test helpers: a settable clock, an HTTP helper over chalice.test.Client, and moto's outbox."""

from __future__ import annotations

import json
import re
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

LINK_TOKEN = re.compile(r"#token=([A-Za-z0-9_-]{43})")
OPERATOR_KEY = "operator-key-for-tests-0123456789abcdef"
SETTINGS_ENV = {
    "TABLE_NAME": "portal-access-test",
    "SENDER_EMAIL": "no-reply@portal.test-mail.com",
    "PORTAL_URL": "https://portal.example.com",
    "TOKEN_SECRET": "token-secret-for-tests-0123456789abcdef",
    "OPERATOR_API_KEY": OPERATOR_KEY,
}


class Clock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def code(self) -> str | None:
        return self.body.get("error", {}).get("code") if isinstance(self.body, dict) else None


class Api:
    """JSON over chalice.test.Client, with a token or the operator key when asked."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        operator: bool = False,
        headers: dict[str, str] | None = None,
        raw: bytes | str | None = None,
    ) -> Reply:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        if operator:
            sent["X-Operator-Key"] = OPERATOR_KEY
        payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
        response = self.client.http.request(method, path, headers=sent, body=payload or b"")
        text = response.body.decode() if isinstance(response.body, bytes) else response.body
        parsed = json.loads(text) if text else None
        return Reply(response.status_code, {k.lower(): v for k, v in response.headers.items()}, parsed)

    def get(self, path: str, **kw: Any) -> Reply:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.call("POST", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.call("PATCH", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Reply:
        return self.call("DELETE", path, **kw)


def outbox() -> list[Any]:
    """Messages moto's SES accepted, oldest first (moto keeps the HTML part of each)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return list(ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages)


def emails_to(address: str) -> list[Any]:
    return [m for m in outbox() if address in m.destinations.get("ToAddresses", [])]


def link_token(message: Any) -> str:
    match = LINK_TOKEN.search(message.body)
    assert match, f"no link in {message.body!r}"
    return match.group(1)


class DynamoCalls:
    """The DynamoDB operations made (and items handed back) inside the block, seen through botocore's
    events: round trips are counted, not estimated.

        with DynamoCalls() as calls:
            api.get(...)
        assert calls.operations == ["BatchGetItem"]
    """

    def __init__(self) -> None:
        self.operations: list[str] = []
        self.items = 0

    def _seen(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        self.operations.append(model.name)
        batch = parsed.get("Responses")
        batch_items = sum(len(found) for found in batch.values()) if isinstance(batch, dict) else 0
        self.items += parsed.get("Count", 0) + (1 if "Item" in parsed else 0) + batch_items

    def __enter__(self) -> DynamoCalls:
        from chalicelib.store.table import dynamodb_client

        dynamodb_client().meta.events.register("after-call.dynamodb", self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        from chalicelib.store.table import dynamodb_client

        dynamodb_client().meta.events.unregister("after-call.dynamodb", self._seen)


def free_port() -> int:
    """A TCP port nothing listens on right now, for a local server."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
