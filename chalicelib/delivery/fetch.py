"""One GET of a small file from a URL someone gave us (a brand's `logo_url`), under the webhook rules
(delivery/sender.py): the URL vetted now, the connection pinned to a vetted address (no second lookup), no
redirect followed, one deadline for the whole fetch, and at most `max_bytes` read."""

from __future__ import annotations

import http.client
import socket
import time

from chalicelib.delivery.sender import (
    DEFAULT_TIMEOUT_SECONDS,
    USER_AGENT,
    _connect,
    _describe,
    _Watchdog,
    read_by_deadline,
)
from chalicelib.security.ssrf import Resolver, UnsafeURLError, vet

MAX_FETCH_BYTES = 64 * 1024


class FetchError(Exception):
    """Nothing usable came back; str() is a sentence for the person who gave the URL."""


def fetch(
    url: str,
    *,
    allow_loopback: bool,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    max_bytes: int = MAX_FETCH_BYTES,
    resolve: Resolver = socket.getaddrinfo,
) -> bytes:
    """The body of a 200 answer, at most `max_bytes`, or FetchError (refused URL, network failure,
    timeout, another status, a redirect, a larger body)."""
    try:
        target = vet(url, allow_loopback=allow_loopback, resolve=resolve)
    except UnsafeURLError as refused:
        raise FetchError(str(refused)) from None
    watchdog = _Watchdog(deadline=time.monotonic() + timeout)
    connection: http.client.HTTPConnection | None = None
    try:
        connection = _connect(target, watchdog)
        connection.request("GET", target.path, headers={"User-Agent": USER_AGENT, "Connection": "close"})
        response = connection.getresponse()
        if 300 <= response.status < 400:
            raise FetchError(
                f"The address answered {response.status}, a redirect; redirects are not followed."
            )
        if response.status != 200:
            raise FetchError(f"The address answered {response.status}.")
        body = read_by_deadline(response, watchdog, max_bytes + 1)
    except (OSError, http.client.HTTPException) as failure:
        raise FetchError(_describe(failure, timeout, cut=watchdog.fired)) from None
    finally:
        watchdog.cancel()
        if connection is not None:
            connection.close()
    if len(body) > max_bytes:
        raise FetchError(f"The file is larger than {max_bytes // 1024} KiB.")
    return body
