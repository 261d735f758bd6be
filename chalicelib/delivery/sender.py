"""One webhook delivery attempt over HTTP(S), safely: the URL is vetted again now (DNS may have changed
since it was saved), the connection goes to a vetted address (no second lookup, so no rebinding between
check and connect), redirects are not followed, the response read is capped, the whole attempt has one
deadline, and a network failure is an outcome, never an exception."""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from chalicelib.delivery.signing import signature_headers
from chalicelib.security.ssrf import Resolver, Target, UnsafeURLError, vet

DEFAULT_TIMEOUT_SECONDS = 5.0
# A receiver's answer is only looked at for its status; the rest is read (so it can finish cleanly) up to
# this much, then the connection is closed.
MAX_RESPONSE_BYTES = 64 * 1024
USER_AGENT = "portal-access-webhooks/1"


@dataclass(frozen=True)
class Attempt:
    succeeded: bool
    status_code: int | None  # None when no HTTP answer came back
    error: str | None  # for the delivery log; None on success
    duration_ms: int


def send(
    url: str,
    secrets: list[str],
    message_id: str,
    timestamp: datetime,
    body: bytes,
    *,
    allow_loopback: bool,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    max_response_bytes: int = MAX_RESPONSE_BYTES,
    resolve: Resolver = socket.getaddrinfo,
) -> Attempt:
    """POST the signed body to the URL once. Any 2xx is success; a 3xx, 4xx or 5xx is a failure with its
    status; a refused URL, DNS failure, refused connection, TLS failure or timeout is a failure with no
    status. `timeout` bounds the whole attempt: connecting, sending and reading."""
    started = time.monotonic()
    try:
        target = vet(url, allow_loopback=allow_loopback, resolve=resolve)
    except UnsafeURLError as refused:
        return _outcome(started, None, f"Not sent: {refused}")
    headers = {
        **signature_headers(secrets, message_id, timestamp, body),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Connection": "close",
    }
    watchdog = _Watchdog(deadline=started + timeout)
    try:
        status = _post(target, body, headers, watchdog, max_response_bytes)
    except (OSError, http.client.HTTPException) as failure:
        return _outcome(started, None, _describe(failure, timeout, cut=watchdog.fired))
    finally:
        watchdog.cancel()
    if 300 <= status < 400:
        return _outcome(
            started, status, f"The receiver answered {status}, a redirect; redirects are not followed."
        )
    if not 200 <= status < 300:
        return _outcome(started, status, f"The receiver answered {status}.")
    return _outcome(started, status, None)


def _outcome(started: float, status: int | None, error: str | None) -> Attempt:
    succeeded = error is None and status is not None and 200 <= status < 300
    return Attempt(succeeded, status, error, round((time.monotonic() - started) * 1000))


def _post(
    target: Target, body: bytes, headers: dict[str, str], watchdog: _Watchdog, max_response_bytes: int
) -> int:
    """The receiver's status for the POST, on a connection closed on the way out, whatever happens."""
    connection: http.client.HTTPConnection | None = None
    try:
        connection = _connect(target, watchdog)
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        if watchdog.fired:  # cut mid-headers: http.client takes the cut for their end
            raise TimeoutError("timed out")
        _read_rest(response, watchdog, max_response_bytes)
        return response.status
    finally:
        if connection is not None:
            connection.close()


def _read_rest(response: http.client.HTTPResponse, watchdog: _Watchdog, limit: int) -> None:
    """Read the answer's body, at most `limit` bytes of it, within the deadline. The status is already known
    and decides the outcome, so a body cut short (by the receiver or at the deadline) changes nothing."""
    with contextlib.suppress(OSError, http.client.HTTPException):
        read_by_deadline(response, watchdog, limit)


def read_by_deadline(response: http.client.HTTPResponse, watchdog: _Watchdog, limit: int) -> bytes:
    """At most `limit` bytes, piece by piece with the deadline checked between pieces: the watchdog's
    shutdown wakes a read that waits, but a server sending a byte now and then keeps one read going."""
    body = b""
    while len(body) < limit:
        piece = response.read1(limit - len(body))
        if watchdog.fired or watchdog.remaining() <= 0:
            raise TimeoutError("timed out")
        if not piece:
            break
        body += piece
    return body


def _connect(target: Target, watchdog: _Watchdog) -> http.client.HTTPConnection:
    """A connection to the first vetted address that accepts, within the deadline. Trying the next one is
    safe here: nothing has been sent yet."""
    failure: OSError = OSError("no address to connect to")
    for address in target.addresses:
        remaining = watchdog.remaining()
        if remaining <= 0:
            raise TimeoutError("timed out")
        connection: http.client.HTTPConnection
        if target.scheme == "https":
            connection = _PinnedHTTPSConnection(target.host, target.port, address, remaining)
        else:
            connection = _PinnedHTTPConnection(target.host, target.port, address, remaining)
        watchdog.watch(connection)
        try:
            connection.connect()
        except OSError as refused:
            connection.close()
            failure = refused
            continue
        return connection
    raise failure


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Sends Host for the URL's host but connects to the vetted address: http.client would resolve the
    name again."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.pinned_address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.pinned_address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """As above, over TLS: SNI and the certificate check use the URL's host name, not the address."""

    default_port = http.client.HTTPS_PORT

    def connect(self) -> None:
        super().connect()
        # Handshake after self.sock is the TLS socket, so the watchdog can cut a handshake that drags.
        self.sock = _tls_context().wrap_socket(
            self.sock, server_hostname=self.host, do_handshake_on_connect=False
        )
        self.sock.do_handshake()


_TLS: ssl.SSLContext | None = None


def _tls_context() -> ssl.SSLContext:
    """One context per process (loading the CA bundle costs milliseconds): verified certificates and
    host names, TLS 1.2 or newer."""
    global _TLS  # a cache filled once; a lost race only builds a second context
    if _TLS is None:
        context = ssl.create_default_context()
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        _TLS = context
    return _TLS


class _Watchdog:
    """Shuts the watched connection's socket at the deadline. A socket timeout bounds each read, not the
    whole answer, so a receiver sending a byte every second would otherwise hold the worker for minutes."""

    def __init__(self, deadline: float) -> None:
        self.fired = False
        self._deadline = deadline
        self._connection: http.client.HTTPConnection | None = None
        self._timer = threading.Timer(max(0.0, self.remaining()), self._cut)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return self._deadline - time.monotonic()

    def watch(self, connection: http.client.HTTPConnection) -> None:
        self._connection = connection

    def _cut(self) -> None:
        self.fired = True
        sock = self._connection.sock if self._connection is not None else None
        if sock is not None:
            # The plain socket's shutdown, also under TLS: it only wakes the reader, from any thread.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


def _describe(failure: OSError | http.client.HTTPException, timeout: float, *, cut: bool = False) -> str:
    """A sentence for the delivery log; never the receiver's bytes or our secrets."""
    if cut or isinstance(failure, TimeoutError):
        return f"Timed out after {timeout:g} s."
    if isinstance(failure, ConnectionRefusedError):
        return "The connection was refused (is the receiver running?)."
    if isinstance(failure, ssl.SSLCertVerificationError):
        return f"The receiver's TLS certificate was not accepted: {failure.verify_message}."
    if isinstance(failure, ssl.SSLError):
        return f"TLS failed: {failure.reason or failure}."
    if isinstance(failure, http.client.HTTPException):
        return f"The receiver's answer was not valid HTTP ({type(failure).__name__})."
    return f"Network error: {failure.strerror or failure}."
