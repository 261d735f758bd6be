"""`make bench`'s concurrent load: the end-to-end load test's workload (tests/helpers/load.py) against the
real local runner (`make run`'s script, on free ports), timed. Its lines go into docs/benchmarks.md."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script too: `python bench/load.py`


def concurrent_load_lines() -> list[str]:
    from tests.e2e.conftest import Live, start_server, stop_server, wait_healthy
    from tests.helpers import free_port
    from tests.helpers.load import THREADS, discrepancies, load

    port, moto_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "local_run.log"
        process = start_server(port, moto_port, log)
        live = Live(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{moto_port}")
        try:
            wait_healthy(live, process, log)
            started = time.perf_counter()
            run = load(live)
            seconds = time.perf_counter() - started
            problems = discrepancies(live, run)
        finally:
            stop_server(process)
    figures = run.figures()
    kinds = ", ".join(
        f"{len(run.of(kind))} {kind}" for kind in ("invite", "accept", "update", "rename", "login")
    )
    held = not problems and figures["server_errors"] == 0
    return [
        "## Concurrent load on `make run`",
        "",
        f"tests/e2e/test_load.py's workload over real HTTP to the local runner, {THREADS} threads: {kinds}",
        "(invitations 10 emails each), in two phases (bulk invitations with logins, then accepts of all of them",
        "mixed with the rest). The local moto serves one request at a time (scripts/moto_isolation.py), so the",
        "latencies are its queue's, not DynamoDB's.",
        "",
        "| requests | 5xx | 4xx | p50 ms | p95 ms | max ms | seconds | data holds exactly what was answered |",
        "|---|---|---|---|---|---|---|---|",
        f"| {figures['requests']} | {figures['server_errors']} | {figures['client_errors']} "
        f"| {figures['p50_ms']:.0f} | {figures['p95_ms']:.0f} | {figures['max_ms']:.0f} | {seconds:.1f} "
        f"| {'yes' if held else '**misses**: ' + '; '.join(problems)[:300]} |",
        "",
    ]


if __name__ == "__main__":
    print("\n".join(concurrent_load_lines()))
