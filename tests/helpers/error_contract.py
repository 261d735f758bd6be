"""Every error answer against the OpenAPI entry of the route that answered it: the status must be one of
the entry's responses and the body's `code` one its schema lists for that status. tests/api/conftest.py
runs it on every answer of the API tier, so a route that can answer a code it does not declare fails the
test that provoked it (the fix is the route's `errors=`, never this checker)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Document = Mapping[str, Any]


def _pattern(template: str) -> re.Pattern[str]:
    """/accounts/{account_id}/members -> a regex matching one segment per parameter."""
    parts = re.split(r"({\w+})", template)
    return re.compile(
        "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts if part) + "$"
    )


def operation_of(document: Document, method: str, path: str) -> dict[str, Any] | None:
    """The operation serving `method path`, as Chalice routes it (a literal segment wins over a
    parameter); None when no route of the document serves it (Chalice's own 404 or 405 answered)."""
    bare = path.split("?", 1)[0]
    templates = sorted(document["paths"], key=lambda template: template.count("{"))
    for template in templates:
        if _pattern(template).match(bare):
            found: dict[str, Any] | None = document["paths"][template].get(method.lower())
            return found
    return None


def declared_codes(response: Mapping[str, Any]) -> list[str] | None:
    """The codes an error response of the document lists (its schema's narrowed `code` enum)."""
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    codes = schema.get("properties", {}).get("error", {}).get("properties", {}).get("code", {}).get("enum")
    return list(codes) if isinstance(codes, list) else None


def undeclared(document: Document, method: str, path: str, status: int, body: bytes | str) -> str | None:
    """Why this answer is not one its route's entry declares, or None when it is (or is no error)."""
    if status < 400:
        return None
    operation = operation_of(document, method, path)
    if operation is None:
        return None
    name = f"{method} {path} ({operation['operationId']})"
    response = operation["responses"].get(str(status))
    if response is None:
        return f"{name} answered {status}, which its OpenAPI entry does not list: {body!r:.300}"
    try:
        code = json.loads(body)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return f"{name} answered {status} without the error body: {body!r:.300}"
    codes = declared_codes(response)
    if codes is None or code not in codes:
        return f"{name} answered {status} {code!r}; its OpenAPI entry lists {codes} for {status}"
    return None


@dataclass
class ErrorContract:
    """The undeclared answers seen during one test (from any thread: the race tests send on several)."""

    document: Callable[[], Document]
    violations: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, method: str, path: str, status: int, body: bytes | str) -> None:
        if status < 400:
            return
        problem = undeclared(self.document(), method, path, status, body)
        if problem is not None:
            with self._lock:
                self.violations.append(problem)
