"""A webhook receiver on 127.0.0.1 for the tests: a real HTTP server in a thread that records what arrives
and answers the statuses it is told to; `down()` and `up()` take it off and on the same port."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.helpers.net import free_port


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookReceiver:
    status: int = 204
    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    delay: float = 0.0  # seconds before answering (a slow receiver)
    gate: threading.Event | None = None  # when set up, each answer waits until the test opens it
    arrived: threading.Event = field(default_factory=threading.Event)  # set as each request arrives
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def up(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append(Received(dict(self.headers.items()), body))
                receiver.arrived.set()
                if receiver.gate is not None:
                    receiver.gate.wait(timeout=30)
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def down(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
