"""One JSON client for every tier: over chalice.test.Client in process, or over real HTTP to `make run`."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from tests.helpers.mail import Mail, to_address
from tests.helpers.settings import OPERATOR_KEY

Answer = tuple[int, dict[str, str], bytes]  # status, headers, body
Transport = Callable[[str, str, dict[str, str], bytes], Answer]  # method, path, headers, body


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def code(self) -> str | None:
        return self.body.get("error", {}).get("code") if isinstance(self.body, dict) else None

    def __iter__(self) -> Iterator[Any]:
        """`status, body = api.call(...)`."""
        return iter((self.status, self.body))


class Api:
    """JSON in and out, with a token or the operator key when asked; `outbox` reads what was emailed."""

    def __init__(
        self, transport: Transport, outbox: Callable[[], list[Mail]], operator_key: str = OPERATOR_KEY
    ) -> None:
        self.transport = transport
        self.outbox = outbox
        self.operator_key = operator_key

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
            sent["X-Operator-Key"] = self.operator_key
        payload = raw if raw is not None else (json.dumps(body) if body is not None else b"")
        status, answered, data = self.transport(
            method, path, sent, payload.encode() if isinstance(payload, str) else payload
        )
        text, headers = data.decode(), {k.lower(): v for k, v in answered.items()}
        is_json = "json" in headers.get("content-type", "application/json")
        return Reply(status, headers, (json.loads(text) if is_json else text) if text else None)

    def get(self, path: str, **kw: Any) -> Reply:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.call("POST", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.call("PUT", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.call("PATCH", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Reply:
        return self.call("DELETE", path, **kw)

    def emails_to(self, address: str) -> list[Mail]:
        return to_address(self.outbox(), address)

    def latest_link(self, address: str) -> str:
        messages = self.emails_to(address)
        assert messages, f"no email to {address}"
        return messages[-1].link_token


def chalice_transport(client: Any) -> Transport:
    def send(
        method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        response = client.http.request(method, path, headers=headers, body=body)
        data = response.body if isinstance(response.body, bytes) else response.body.encode()
        return response.status_code, dict(response.headers), data

    return send


def http_transport(base_url: str, timeout: float = 30) -> Transport:
    def send(
        method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(base_url + path, data=body or None, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
                return reply.status, dict(reply.headers), reply.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    return send
