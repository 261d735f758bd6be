"""Starts the real local runner (`make run`'s script) on free ports for the end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.browser import chromium, watched
from tests.helpers import Api, free_port, http_transport, moto_server_outbox

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
OPERATOR_KEY = "e2e-operator-key-0123456789abcdefghij"
SPREADSHEET_DAY = 1000  # ACCOUNT_INVITATIONS_PER_DAY of the servers these tests start


class Live(Api):
    """The JSON client over real HTTP to the local runner, reading emails from its moto server."""

    def __init__(self, base_url: str, moto_url: str) -> None:
        super().__init__(http_transport(base_url), lambda: moto_server_outbox(moto_url), OPERATOR_KEY)
        self.base_url = base_url
        self.moto = moto_url


def start_server(port: int, moto_port: int, log: Path, host: str = "127.0.0.1") -> subprocess.Popen[bytes]:
    """`host`: the one PORTAL_URL names (passkeys need a name, `localhost`: WebAuthn takes no IP address;
    the other tests open the emailed links at 127.0.0.1, where they open their pages)."""
    env = {**os.environ, "PORT": str(port), "MOTO_PORT": str(moto_port), "OPERATOR_API_KEY": OPERATOR_KEY}
    # The spreadsheet test sends 1,000 rows in one account: its day holds that many (the default is 500).
    env["ACCOUNT_INVITATIONS_PER_DAY"] = str(SPREADSHEET_DAY)
    env["LOCAL_WORKER_GAP_SECONDS"] = "0.25"  # an email a test waits for leaves soon after its commit
    # The server takes its local defaults, whatever this process's environment holds by now (the API tier's
    # chalice.test.Client sets the dev stage's variables, PORTAL_URL among them, into os.environ).
    for name in (
        "AWS_ENDPOINT_URL",
        "TABLE_NAME",
        "AWS_PROFILE",
        "PORTAL_URL",
        "SENDER_EMAIL",
        "TOKEN_SECRET",
        "INVITATION_TTL_SECONDS",
        "ACCESS_TOKEN_TTL_SECONDS",
        "AUDIT_RETENTION_DAYS",
        "WEBHOOK_ALLOW_LOOPBACK",
    ):
        env.pop(name, None)
    env["PORTAL_URL"] = f"http://{host}:{port}/portal"
    # A file, not a pipe: nobody reads a pipe while tests run, and a full one would stall the server.
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "scripts/local_run.py"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_healthy(live: Live, process: subprocess.Popen[bytes], log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"local server exited early:\n{log.read_text()}")
        try:
            if live.get("/health").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("local server did not become healthy")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


# `make test` (two pytest-xdist workers) runs every test of the shared server on one worker, and the rest
# on either (tests/helpers/scheduling.py); schemathesis, the longest test, fuzzes a server of its own and is
# collected first, so it starts at once on the other worker.
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    from tests.helpers.scheduling import SHARED_SERVER, unit_of

    strays = [
        i.nodeid
        for i in items
        if "live" in getattr(i, "fixturenames", ()) and unit_of(i.nodeid) != SHARED_SERVER
    ]
    if strays:  # a test on the shared server in a file scheduling.py sends elsewhere would start a second one
        raise pytest.UsageError(
            f"tests/helpers/scheduling.py lists these files as starting their own servers: {strays}"
        )
    items.sort(key=lambda item: "own_server" not in getattr(item, "fixturenames", ()))  # stable


@contextmanager
def running_server(tmp_path_factory: pytest.TempPathFactory, host: str = "127.0.0.1") -> Iterator[Live]:
    """The local runner on free ports, healthy, stopped on the way out; its pages at `host`."""
    port, moto_port = free_port(), free_port()
    log = tmp_path_factory.mktemp("server") / "local_run.log"
    process = start_server(port, moto_port, log, host)
    server = Live(f"http://{host}:{port}", f"http://127.0.0.1:{moto_port}")
    try:
        wait_healthy(server, process, log)
        yield server
    finally:
        stop_server(process)


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The server the end-to-end and browser tests share."""
    with running_server(tmp_path_factory) as server:
        yield server


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A server for one module alone (schemathesis), so it runs beside the shared server's tests."""
    with running_server(tmp_path_factory) as server:
        yield server


@pytest.fixture(scope="module")
def localhost_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A server for one module alone whose portal is at `localhost` (PORTAL_URL): the relying party of
    passkeys, as `make run`'s portal is meant to be reached for them."""
    with running_server(tmp_path_factory, "localhost") as server:
        yield server


# The browser and a page in it, for the portal's tests (test_portal_*.py): a page fails its test on any
# script error or CSP violation. One browser for the whole session (each test has its own context).
@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    opened = context.new_page()
    errors = watched(opened)
    yield opened
    context.close()
    assert not errors, errors  # no script error, no CSP violation on any page
