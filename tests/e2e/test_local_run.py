"""`make run` itself: a SIGTERM (what `kill`, a container runtime or an IDE's stop button sends) to the runner
alone stops everything it started, so no server is left holding the ports."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import Live, start_server, stop_server, wait_healthy
from tests.helpers import free_port

pytestmark = pytest.mark.e2e


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_sigterm_to_the_runner_stops_the_api_and_the_emulator(tmp_path: Path) -> None:
    port, moto_port = free_port(), free_port()
    log = tmp_path / "local_run.log"
    runner = start_server(port, moto_port, log)
    try:
        wait_healthy(Live(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{moto_port}"), runner, log)
        os.kill(runner.pid, signal.SIGTERM)  # the runner only, not its process group
        assert runner.wait(timeout=20) == 0, log.read_text()
        deadline = time.monotonic() + 10
        while (_answers(port) or _answers(moto_port)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _answers(port), "the API server outlived the runner"
        assert not _answers(moto_port), "the emulator outlived the runner"
    finally:
        if runner.poll() is None:
            stop_server(runner)
        else:
            with contextlib.suppress(ProcessLookupError):  # whatever it left behind, so the run stays clean
                os.killpg(runner.pid, signal.SIGKILL)


def test_the_runner_prints_the_reference_and_each_email_as_its_text_part_with_its_link_once(
    tmp_path: Path,
) -> None:
    port, moto_port = free_port(), free_port()
    log = tmp_path / "local_run.log"
    runner = start_server(port, moto_port, log)
    try:
        live = Live(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{moto_port}")
        wait_healthy(live, runner, log)
        printed_by(log, f"http://127.0.0.1:{port}/docs")  # in the banner, after the health check
        body = {"name": "Printed Co", "owner_email": "owner@printed.example.com"}
        assert live.post("/accounts", body, operator=True).status == 201
        printed_by(log, "=== email to owner@printed.example.com")
        printed = log.read_text().split("=== email to owner@printed.example.com", 1)[1]
        link = live.latest_link("owner@printed.example.com")
        assert printed.count(link) == 1, printed  # the text part spells it out once
        assert "Accept the invitation by opening this link:" in printed  # the text part, not the HTML
        assert "<td" not in printed
    finally:
        stop_server(runner)


def printed_by(log: Path, text: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while text not in log.read_text():
        assert time.monotonic() < deadline, (text, log.read_text())
        time.sleep(0.3)
