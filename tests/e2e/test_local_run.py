"""`make run` itself: a SIGTERM (what `kill`, a container runtime or an IDE's stop button sends) to the runner
alone stops everything it started, so no server is left holding the ports."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time

import pytest

from tests.e2e.conftest import Live, start_server, stop_server, wait_healthy
from tests.helpers import free_port

pytestmark = pytest.mark.e2e


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_sigterm_to_the_runner_stops_the_api_and_the_emulator(tmp_path):
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
