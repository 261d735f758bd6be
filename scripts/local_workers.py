"""`make run`'s background workers, in threads of the runner: the webhook and email workers woken by the
writes that give them work (as the table's stream wakes them on AWS), and the copies job every few seconds."""

from __future__ import annotations

import threading
import time
from typing import Any

# Set by a DynamoDB write that puts work in the due index (an event to fan out, a delivery or an email due):
# scripts/local_run.py watches the requests moto serves.
WORK_WRITTEN = threading.Event()
# Requests by the workers of this process carry this header, so the API's own writes can be told apart.
WORKER_HEADER = "X-Local-Worker"


class Progress:
    """How far the workers have caught up with the API's writes of due work: the emails leave through the
    outbox's worker (as the table's stream starts it on AWS), so a reader of what was sent (the end-to-end
    tests, through /local/outbox-idle) waits until a run that began after the API's last such write is done.
    The workers' own writes (a lease, a retry) do not count: they would never catch up."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._written = 0  # the API's writes of due work seen so far
        self._done = 0  # of those, how many a finished run began after

    def written(self) -> None:
        with self._lock:
            self._written += 1

    def start(self) -> int:
        with self._lock:
            return self._written

    def finished(self, started_at: int) -> None:
        with self._lock:
            self._done = max(self._done, started_at)

    def idle(self) -> bool:
        with self._lock:
            return self._done >= self._written


PROGRESS = Progress()


def deliver_webhooks_forever(gap_seconds: float = 2.0, idle_seconds: float = 10.0) -> None:
    """The webhook and email workers, started as the table's stream starts them on AWS: by a write that puts
    work in their index (at most every `gap_seconds`), and every `idle_seconds` for what falls due later (a
    backoff, a hold). Run every 2 s whatever happened, they cost moto a sixth of a core on an empty table."""
    _mark_worker_requests()
    while True:
        WORK_WRITTEN.wait(idle_seconds)
        WORK_WRITTEN.clear()  # before the run: work written during it wakes the next one
        started_at = PROGRESS.start()
        if run_workers_once():
            PROGRESS.finished(started_at)
        else:  # work is left (an account past its share, a failed round): the next run comes at once
            WORK_WRITTEN.set()
        time.sleep(gap_seconds)


def _mark_worker_requests() -> None:
    """Every DynamoDB request of this process is a worker's (the API runs in chalice's own process)."""
    from chalicelib.deps import get_deps
    from chalicelib.store.table import dynamodb_client

    get_deps()  # the table and its client, configured as the workers' runs use them

    def mark(request: Any, **_: Any) -> None:
        request.headers[WORKER_HEADER] = "1"

    dynamodb_client().meta.events.register("before-send.dynamodb", mark)


def run_workers_once() -> bool:
    """One round of both workers; whether it left nothing due behind it. A run starts at most an account's
    share of its work (services/worker_loop.py) and defers the rest to the next run, so a round that
    deferred any has not caught up: a reader of the outbox waits for the next one."""
    from chalicelib.jobs.webhooks import run_both

    try:
        done = run_both()
    except Exception as error:  # a bad moment of the emulator: the next round tries again
        print(f"\n=== workers: round failed ({error!r}); retrying", flush=True)
        return False
    if done.get("attempted"):
        print(f"\n=== webhooks: {done['succeeded']} of {done['attempted']} deliveries succeeded", flush=True)
    if tried := done.get("emails_attempted"):
        print(f"\n=== email outbox: {done['emails_sent']} of {tried} emails sent", flush=True)
    return not (done.get("deferred") or done.get("emails_deferred"))


def rewrite_copies_forever(every_seconds: float = 2.0) -> None:
    """The copies job, as its schedule runs it on AWS (every minute) but every few seconds: a login's time
    and a rename reach the member lists' sorts while the newcomer watches."""
    from chalicelib.jobs.copies import run_copies

    while True:
        try:
            done = run_copies()
            if done.get("copies_users"):
                print(f"\n=== copies: {done['copies_users']} users' memberships rewritten", flush=True)
        except Exception as error:  # a bad moment of the emulator: the next round tries again
            print(f"\n=== copies: round failed ({error!r}); retrying", flush=True)
        time.sleep(every_seconds)
