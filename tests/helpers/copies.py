"""The copies job in the API tier: what its schedule (and `make run`) does after a login or a rename."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def run_copies(deps: Any, now: datetime | None = None) -> list[int]:
    """Runs the copies worker until no user is due (at most 5 runs); answers how many users each run
    rewrote, so a test can tell a user left due by a change mid-run (a second run) from one done at once."""
    from chalicelib.services.copies_worker import run_once

    runs: list[int] = []
    for _ in range(5):
        report = run_once(deps, now)
        assert report.errored == 0
        if not report.attempted:
            return runs
        runs.append(report.attempted)
    raise AssertionError(f"users still due after {runs}")
