"""Starts the real local runner (`make run`'s script) on free ports for the end-to-end tests."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]
OPERATOR_KEY = "e2e-operator-key-0123456789abcdefghij"
TOKEN = re.compile(r"#token=([A-Za-z0-9_-]{43})")


@dataclass
class Live:
    api: str
    moto: str

    def call(
        self, method: str, path: str, body: Any = None, *, token: str | None = None, operator: bool = False
    ):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if operator:
            headers["X-Operator-Key"] = OPERATOR_KEY
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.api + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                text = reply.read().decode()
                return reply.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read().decode() or "null")

    def emails_to(self, address: str) -> list[dict]:
        with urllib.request.urlopen(self.moto + "/moto-api/data.json", timeout=10) as reply:
            messages = json.loads(reply.read())["ses"]["Message"]
        return [m for m in messages if address in m["destinations"].get("ToAddresses", [])]

    def link(self, address: str) -> str:
        messages = self.emails_to(address)
        assert messages, f"no email to {address}"
        return TOKEN.search(messages[-1]["body"]).group(1)


def start_server(port: int, moto_port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PORT": str(port), "MOTO_PORT": str(moto_port), "OPERATOR_API_KEY": OPERATOR_KEY}
    for name in ("AWS_ENDPOINT_URL", "TABLE_NAME", "AWS_PROFILE"):
        env.pop(name, None)
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


def wait_healthy(live: Live, process: subprocess.Popen, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"local server exited early:\n{log.read_text()}")
        try:
            if live.call("GET", "/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("local server did not become healthy")


def stop_server(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    port, moto_port = free_port(), free_port()
    log = tmp_path_factory.mktemp("server") / "local_run.log"
    process = start_server(port, moto_port, log)
    server = Live(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{moto_port}")
    try:
        wait_healthy(server, process, log)
        yield server
    finally:
        stop_server(process)
