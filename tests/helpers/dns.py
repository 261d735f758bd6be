"""A DNS server on 127.0.0.1 with a random port for the tests of domain verification (scripts/local_dns.py),
and the deps pointed at it: no test asks any other resolver, so none reaches the internet."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from chalicelib.deps import Deps
from scripts.local_dns import Records, start


@contextmanager
def local_dns(deps: Deps | None = None) -> Iterator[tuple[Records, str]]:
    """The server's records (set them while it runs) and its `host:port`; `deps` ask it while it runs."""
    server, records = start()
    address = f"127.0.0.1:{server.server.server_address[1]}"
    before = deps.settings if deps is not None else None
    if deps is not None:
        deps.settings = replace(deps.settings, dns_resolver=address)
    try:
        yield records, address
    finally:
        if deps is not None and before is not None:
            deps.settings = before
        server.stop()
