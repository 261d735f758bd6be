"""`make run`'s printed `run-scheduled` line, run as it is printed (plus --now) in a shell against the local
server: a pending invitation gets its reminder, which the runner prints like every email, and its fresh link
opens the invitation on that server."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import Live, start_server, stop_server, wait_healthy
from tests.e2e.test_local_run import printed_by
from tests.helpers import free_port
from tests.helpers.flows import accept_new, invite
from tests.helpers.present import present

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def test_the_printed_run_scheduled_line_sends_a_due_reminder(tmp_path: Path) -> None:
    port, moto_port = free_port(), free_port()
    log = tmp_path / "local_run.log"
    runner = start_server(port, moto_port, log)
    try:
        live = Live(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{moto_port}")
        wait_healthy(live, runner, log)
        printed_by(log, "scheduled:")
        line = present(re.search(r"scheduled:\s+(.+run-scheduled)\n", log.read_text())).group(1)
        reply = live.post(
            "/accounts", {"name": "Later Co", "owner_email": "owner@later.example.com"}, operator=True
        )
        account_id = reply.body["account"]["account_id"]
        owner = accept_new(live, "owner@later.example.com", "Olive", "Owner")
        invite(live, account_id, owner.token, ["ann@later.example.com"])
        first = live.latest_link("ann@later.example.com")
        later = (datetime.now(UTC) + timedelta(days=5, minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        done = subprocess.run(f"{line} --now {later}", shell=True, cwd=ROOT, capture_output=True, text=True,
                              timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "reminders: 1 due: 1 sent" in done.stdout, done.stdout
        printed_by(log, "Olive Owner's invitation to Later Co ends on")
        fresh = live.latest_link("ann@later.example.com")
        assert fresh != first
        for token in (first, fresh):
            assert live.post("/invitations/lookup", {"token": token}).status == 200
    finally:
        stop_server(runner)
