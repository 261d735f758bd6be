"""Webhook deliveries to a real HTTP receiver on 127.0.0.1 (http.server in a thread), verified on arrival
with the Standard Webhooks library, and the receivers that misbehave: failing, redirecting, slow, dripping,
flooding, down, or reached through a name that now resolves somewhere private."""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from standardwebhooks import Webhook

from chalicelib.delivery import sender
from chalicelib.delivery.sender import send
from chalicelib.delivery.signing import new_secret
from chalicelib.domain.webhooks import DELIVERY_RETRIES, envelope
from chalicelib.security.ssrf import url_problem
from tests.helpers.net import free_port

ROOT = Path(__file__).resolve().parents[2]
BODY = envelope("member.removed", datetime(2026, 3, 2, 9, 0, tzinfo=UTC), {"target": {"user_id": "u_dave"}})
HUGE = 1 << 30


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """An HTTP server whose paths behave as the tests need; it records every request and connection."""

    def __init__(self, port: int = 0, tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[Received] = []
        self.connections = 0
        self.flood_written = 0
        self.flood_done = threading.Event()
        self.release = threading.Event()  # lets slow handlers finish at teardown
        receiver = self

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def verify_request(self, request: Any, client_address: Any) -> bool:
                receiver.connections += 1
                return True

            def handle_error(
                self, request: Any, client_address: Any
            ) -> None:  # a client hanging up is expected here
                pass

        self.server = Server(("127.0.0.1", port), self._handler())
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    @property
    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
                route = self.path.split("?")[0]
                getattr(self, "answer_" + route.strip("/"), self.answer_ok)()

            def reply(self, status: int, body: bytes = b"", **headers: str) -> None:
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def answer_ok(self) -> None:
                self.reply(200, b"thanks")

            def answer_accepted(self) -> None:
                self.reply(202)

            def answer_fail(self) -> None:
                self.reply(500, b"boom")

            def answer_redirect(self) -> None:
                self.reply(302, Location=receiver.url("/target"))

            def answer_slow(self) -> None:
                receiver.release.wait(10)
                self.reply(200)

            def answer_drip(self) -> None:
                # A status line at once, then one header line every 50 ms: each read is quick, the whole
                # answer never ends.
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                while not receiver.release.wait(0.05):
                    try:
                        self.wfile.write(b"X-Drip: 1\r\n")
                        self.wfile.flush()
                    except OSError:
                        return

            def answer_trickle(self) -> None:
                # Its status and headers at once, then its body a byte every 50 ms: each read is quick.
                self.send_response(200)
                self.send_header("Content-Length", "100000")
                self.end_headers()
                while not receiver.release.wait(0.05):
                    try:
                        self.wfile.write(b"x")
                        self.wfile.flush()
                    except OSError:
                        return

            def answer_flood(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(HUGE))
                self.end_headers()
                chunk = b"x" * 65536
                try:
                    while receiver.flood_written < HUGE and not receiver.release.is_set():
                        self.wfile.write(chunk)
                        receiver.flood_written += len(chunk)
                except OSError:
                    pass
                finally:
                    receiver.flood_done.set()

            def answer_garbage(self) -> None:
                self.wfile.write(b"this is not HTTP\r\n\r\n")
                self.close_connection = True

        return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.close()


def deliver(url: str, secrets: list[str], **options: Any) -> sender.Attempt:
    options.setdefault("allow_loopback", True)
    return send(url, secrets, "evt_01HZX", datetime.now(UTC), BODY, **options)


def test_a_delivery_arrives_signed_and_verifies_with_the_standard_webhooks_library(
    receiver: Receiver,
) -> None:
    secret = new_secret()
    attempt = deliver(receiver.url("/ok?account=acc_1"), [secret])
    assert attempt.succeeded, attempt
    assert (attempt.status_code, attempt.error) == (200, None)
    assert attempt.duration_ms >= 0
    [request] = receiver.requests
    assert request.path == "/ok?account=acc_1"
    assert request.body == BODY
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["webhook-id"] == "evt_01HZX"
    event = Webhook(secret).verify(request.body, request.headers)
    assert event["type"] == "member.removed"
    assert event["data"] == {"target": {"user_id": "u_dave"}}


def test_during_a_rotation_receivers_holding_either_secret_verify(receiver: Receiver) -> None:
    new, old = new_secret(), new_secret()
    assert deliver(receiver.url("/ok"), [new, old]).succeeded
    [request] = receiver.requests
    assert Webhook(new).verify(request.body, request.headers)["type"] == "member.removed"
    assert Webhook(old).verify(request.body, request.headers)["type"] == "member.removed"
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(new_secret()).verify(request.body, request.headers)


def test_any_2xx_is_success(receiver: Receiver) -> None:
    attempt = deliver(receiver.url("/accepted"), [new_secret()])
    assert (attempt.succeeded, attempt.status_code, attempt.error) == (True, 202, None)


def test_a_500_is_a_failure_with_its_status(receiver: Receiver) -> None:
    attempt = deliver(receiver.url("/fail"), [new_secret()])
    assert not attempt.succeeded
    assert attempt.status_code == 500
    assert "500" in (attempt.error or "")
    assert receiver.paths == ["/fail"]


def test_a_redirect_is_a_failure_and_its_target_is_never_requested(receiver: Receiver) -> None:
    attempt = deliver(receiver.url("/redirect"), [new_secret()])
    assert not attempt.succeeded
    assert attempt.status_code == 302
    assert "redirect" in (attempt.error or "")
    assert receiver.paths == ["/redirect"]
    assert receiver.connections == 1


def test_a_slow_receiver_times_out_within_the_timeout(receiver: Receiver) -> None:
    attempt = deliver(receiver.url("/slow"), [new_secret()], timeout=0.5)
    assert not attempt.succeeded
    assert attempt.status_code is None
    assert attempt.error == "Timed out after 0.5 s."
    # The receiver would have answered after 10 s; the attempt ended near its own limit.
    assert 450 <= attempt.duration_ms < 3000


def test_a_receiver_dripping_its_answer_is_cut_at_the_deadline(receiver: Receiver) -> None:
    # Every read returns within 50 ms, so only a deadline for the whole attempt stops this one.
    attempt = deliver(receiver.url("/drip"), [new_secret()], timeout=0.5)
    assert not attempt.succeeded
    assert attempt.status_code is None
    assert attempt.error == "Timed out after 0.5 s."
    assert attempt.duration_ms < 3000


def test_a_receiver_trickling_its_body_holds_the_attempt_no_longer_than_the_deadline(
    receiver: Receiver,
) -> None:
    # The status (200) is known at once and decides; the body after it is read only until the deadline.
    attempt = deliver(receiver.url("/trickle"), [new_secret()], timeout=0.5)
    assert attempt.status_code == 200
    assert attempt.duration_ms < 3000


def test_a_huge_answer_is_read_only_up_to_the_cap(receiver: Receiver) -> None:
    attempt = deliver(receiver.url("/flood"), [new_secret()], max_response_bytes=64 * 1024)
    assert (attempt.succeeded, attempt.status_code, attempt.error) == (True, 200, None)
    # The connection was closed after the cap: the receiver's writes fail long before its 1 GiB, with
    # at most what the kernel's socket buffers absorbed on the way.
    assert receiver.flood_done.wait(5)
    assert receiver.flood_written < 32 * 1024 * 1024


def test_an_answer_that_is_not_http_is_a_failure_not_an_exception(receiver: Receiver) -> None:
    attempt = deliver(receiver.url("/garbage"), [new_secret()])
    assert (attempt.succeeded, attempt.status_code) == (False, None)
    assert "not valid HTTP" in (attempt.error or "")


def test_the_connection_goes_to_the_vetted_address_without_a_second_lookup(receiver: Receiver) -> None:
    lookups = []

    def resolve(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    # No real DNS knows this name: it can only arrive through the address the check vetted.
    attempt = deliver(receiver.url("/ok", host="receiver.invalid"), [new_secret()], resolve=resolve)
    assert attempt.succeeded, attempt
    assert lookups == ["receiver.invalid"]
    [request] = receiver.requests
    assert request.headers["Host"] == f"receiver.invalid:{receiver.port}"


def test_an_address_that_refuses_is_followed_by_the_next_vetted_one(receiver: Receiver) -> None:
    def resolve(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:  # nothing listens on 127.0.0.2
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in ("127.0.0.2", "127.0.0.1")]

    attempt = deliver(receiver.url("/ok", host="two.invalid"), [new_secret()], resolve=resolve)
    assert attempt.succeeded, attempt
    assert receiver.paths == ["/ok"]


def test_a_name_that_now_resolves_to_a_private_address_is_refused_without_connecting(
    receiver: Receiver,
) -> None:
    answers = {"hooks.example.com": "93.184.216.34"}

    def resolve(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]

    url = receiver.url("/ok", host="hooks.example.com", scheme="https")
    assert url_problem(url, allow_loopback=False, resolve=resolve) is None  # when it was saved
    answers["hooks.example.com"] = "127.0.0.1"  # DNS changed since (rebinding onto our own host)
    attempt = deliver(url, [new_secret()], allow_loopback=False, resolve=resolve)
    assert (attempt.succeeded, attempt.status_code) == (False, None)
    assert attempt.error is not None
    assert attempt.error.startswith("Not sent:")
    assert "127.0.0.1" in attempt.error
    assert receiver.connections == 0


def test_a_name_that_does_not_resolve_is_a_failure_not_an_exception() -> None:
    def resolve(host: str, port: int, **_: Any) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    attempt = deliver("https://gone.example.com/hook", [new_secret()], resolve=resolve)
    assert (attempt.succeeded, attempt.status_code) == (False, None)
    assert "could not be resolved" in (attempt.error or "")


def test_a_receiver_down_for_the_first_three_attempts_gets_the_event_on_the_fourth() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/ok"
    secret = new_secret()
    first_attempt_at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the schedule's clock, not the wall's
    due: datetime | None = first_attempt_at
    attempts: list[tuple[datetime, sender.Attempt]] = []
    up = None
    try:
        while due is not None:
            if len(attempts) == 3:
                up = Receiver(port)  # back up, on the same port
            # Each attempt is signed at the moment it is made, so the receiver's 5-minute window holds.
            attempt = send(url, [secret], "evt_down", datetime.now(UTC), BODY, allow_loopback=True)
            attempts.append((due, attempt))
            if attempt.succeeded:
                break
            due = DELIVERY_RETRIES.next_attempt_at(len(attempts), first_attempt_at, first_attempt_at)
        assert [a.succeeded for _, a in attempts] == [False, False, False, True]
        assert all("refused" in (a.error or "") for _, a in attempts[:3])
        times = [at for at, _ in attempts]
        assert times == sorted(times)
        assert times[3] - times[0] == timedelta(minutes=36)
        assert up is not None
        [request] = up.requests  # the event arrived once, signed, with the id every attempt carried
        assert request.headers["webhook-id"] == "evt_down"
        assert Webhook(secret).verify(request.body, request.headers)["type"] == "member.removed"
    finally:
        if up is not None:
            up.close()


# --- TLS: the connection goes to the vetted address, but SNI and the certificate use the host name.


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for receiver.invalid, and a client context that trusts only it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "receiver.invalid")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("receiver.invalid")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    client = ssl.create_default_context(cafile=str(folder / "cert.pem"))
    return server, client


@pytest.fixture
def tls_receiver(
    certificate: tuple[ssl.SSLContext, ssl.SSLContext], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Receiver]:
    server, client = certificate
    monkeypatch.setattr(sender, "_TLS", client)  # trust the test certificate instead of the public CAs
    running = Receiver(tls=server)
    yield running
    running.close()


def loopback(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]


def test_over_https_the_certificate_is_checked_against_the_host_name(tls_receiver: Receiver) -> None:
    secret = new_secret()
    url = tls_receiver.url("/ok", host="receiver.invalid", scheme="https")
    attempt = deliver(url, [secret], resolve=loopback)
    assert (attempt.succeeded, attempt.status_code, attempt.error) == (True, 200, None)
    [request] = tls_receiver.requests
    assert Webhook(secret).verify(request.body, request.headers)["type"] == "member.removed"


def test_over_https_a_certificate_for_another_name_is_refused(tls_receiver: Receiver) -> None:
    url = tls_receiver.url("/ok", host="impostor.invalid", scheme="https")
    attempt = deliver(url, [new_secret()], resolve=loopback)
    assert (attempt.succeeded, attempt.status_code) == (False, None)
    assert "certificate" in (attempt.error or "")
    assert tls_receiver.requests == []


def test_sending_loads_no_aws_sdk_and_saving_a_url_loads_no_http_client() -> None:
    script = (
        "import sys\n"
        "import chalicelib.security.ssrf, chalicelib.delivery.signing, chalicelib.domain.webhooks\n"
        "light = sorted(m for m in ('http.client', 'ssl') if m in sys.modules)\n"
        "import chalicelib.delivery.sender\n"
        "heavy = sorted(m for m in ('boto3', 'botocore', 'pynamodb') if m in sys.modules)\n"
        "print(light, heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[] []", done.stderr[-2000:]


def test_an_attempt_leaves_no_watchdog_behind(receiver: Receiver) -> None:
    # The watchdog is cancelled when the attempt ends, not left waiting out its 30 s deadline.
    assert deliver(receiver.url("/ok"), [new_secret()], timeout=30).succeeded
    deadline = time.monotonic() + 2
    while any(isinstance(t, threading.Timer) for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [t for t in threading.enumerate() if isinstance(t, threading.Timer)] == []
