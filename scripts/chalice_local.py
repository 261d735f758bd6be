"""`chalice local`, answering an unknown path as API Gateway does once infra/table.json is deployed: 404 in
the contract's error shape with the security headers every answer carries, where plain `chalice local`
mimics API Gateway's default 403 "Missing Authentication Token". The answer is read from the template, so
the two cannot drift apart. A TRACE (which http.server answered with its own HTML 501 page before the app
saw it, and which API Gateway never forwards: no route has the method) gets the same answer."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from chalice import local
from chalice.cli import main

TEMPLATE = Path(__file__).resolve().parents[1] / "infra" / "table.json"


def unknown_path_answer() -> tuple[int, dict[str, str], bytes]:
    resources = json.loads(TEMPLATE.read_text())["Resources"].values()
    answer = next(
        r["Properties"]
        for r in resources
        if r.get("Properties", {}).get("ResponseType") == "MISSING_AUTHENTICATION_TOKEN"
    )
    headers = {
        name.removeprefix("gatewayresponse.header."): value.strip("'")
        for name, value in answer["ResponseParameters"].items()
    }
    return int(answer["StatusCode"]), headers, answer["ResponseTemplates"]["application/json"].encode()


STATUS, HEADERS, BODY = unknown_path_answer()


class UnknownPath(local.LocalGatewayException):
    CODE = STATUS


_route_event = local.LocalGateway._generate_lambda_event


def _route_or_unknown(self: local.LocalGateway, *args: Any, **kwargs: Any) -> Any:
    try:
        return _route_event(self, *args, **kwargs)
    except ValueError:  # chalice's "no route matches"
        raise UnknownPath(dict(HEADERS), BODY) from None


def _no_such_method(self: local.ChaliceRequestHandler) -> None:
    self._send_error_response(UnknownPath(dict(HEADERS), BODY))


# chalice's own methods replaced in place: the point of this module (mypy refuses assigning to a method)
local.LocalGateway._generate_lambda_event = _route_or_unknown  # type: ignore[method-assign]
local.ChaliceRequestHandler.do_TRACE = _no_such_method
# http.server writes an answer's headers and its body apart; with Nagle's algorithm on, the body waited for
# the client's delayed ACK of the headers: 40 ms on every answer (44 ms a /health, 2 ms without).
local.ChaliceRequestHandler.disable_nagle_algorithm = True
# socketserver's listen backlog is 5: a burst of parallel clients (the seats' concurrency test sends 50 at
# once) had connections reset before the server accepted them; API Gateway queues far more
local.ThreadedHTTPServer.request_queue_size = 128

if __name__ == "__main__":
    sys.exit(main())
