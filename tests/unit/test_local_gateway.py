"""`make run`'s gateway (scripts/chalice_local.py) answers what no route serves as the deployed gateway does
(issue 25, item 8): an unknown path and a TRACE get the contract's JSON 404 with the security headers, not
chalice's 403 or http.server's HTML 501."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator

import pytest
from chalice.app import Chalice
from chalice.config import Config
from chalice.local import create_local_server

from chalicelib.api.errors import SECURITY_HEADERS
from tests.helpers import free_port


@pytest.fixture
def server() -> Iterator[int]:
    import scripts.chalice_local  # noqa: F401  (patches chalice local as `make run` does)

    app = Chalice(app_name="gateway-probe")

    @app.route("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    port = free_port()
    local = create_local_server(app, Config.create(chalice_app=app), "127.0.0.1", port)
    thread = threading.Thread(target=local.serve_forever, daemon=True)
    thread.start()
    yield port
    local.server.shutdown()
    local.server.server_close()


@pytest.mark.parametrize(("method", "path"), [("GET", "/no/such/path"), ("TRACE", "/health"), ("TRACE", "/")])
def test_what_no_route_serves_is_a_json_404_with_the_security_headers(
    server: int, method: str, path: str
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    connection.request(method, path)
    reply = connection.getresponse()
    body = json.loads(reply.read())
    assert reply.status == 404 and body["error"]["code"] == "not_found"
    assert reply.getheader("Content-Type") == "application/json"
    for name, value in SECURITY_HEADERS.items():
        assert reply.getheader(name) == value, name
