"""`make run`'s background workers, in threads of the runner: the webhook and email workers woken by the
writes that give them work (as the table's stream wakes them on AWS), and the copies job every few seconds."""

from __future__ import annotations

import threading
import time

# Set by a DynamoDB write that puts work in the due index (an event to fan out, a delivery or an email due):
# scripts/local_run.py watches the requests moto serves.
WORK_WRITTEN = threading.Event()


def deliver_webhooks_forever(gap_seconds: float = 2.0, idle_seconds: float = 10.0) -> None:
    """The webhook and email workers, started as the table's stream starts them on AWS: by a write that puts
    work in their index (at most every `gap_seconds`), and every `idle_seconds` for what falls due later (a
    backoff, a hold). Run every 2 s whatever happened, they cost moto a sixth of a core on an empty table."""
    while True:
        WORK_WRITTEN.wait(idle_seconds)
        WORK_WRITTEN.clear()  # before the run: work written during it wakes the next one
        run_workers_once()
        time.sleep(gap_seconds)


def run_workers_once() -> None:
    from chalicelib.jobs.webhooks import run_both

    try:
        done = run_both()
    except Exception as error:  # a bad moment of the emulator: the next round tries again
        print(f"\n=== workers: round failed ({error!r}); retrying", flush=True)
        return
    if done.get("attempted"):
        print(f"\n=== webhooks: {done['succeeded']} of {done['attempted']} deliveries succeeded", flush=True)
    if tried := done.get("emails_attempted"):
        print(f"\n=== email outbox: {done['emails_sent']} of {tried} emails sent", flush=True)


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
