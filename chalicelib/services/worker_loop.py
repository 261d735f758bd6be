"""The one worker loop of the background work (emails, webhook deliveries): it runs a batch of tasks
concurrently, fairly and within a deadline, and reports what happened. Each kind of work only builds its
tasks (services/email_worker.py, services/webhook_delivery.py); none of them knows how they are scheduled.

- Concurrency is bounded (`workers` threads), and so is one account's: at most `per_account` of its tasks
  run at once, so an account whose receivers are slow holds a few threads, never all of them.
- Fair: tasks start in round-robin order over the accounts that have work, and a run starts at most
  `share` tasks of one account; the rest wait for the next run (reported `deferred`).
- On time: no task starts after `budget_seconds`, and a task that does several things checks the same
  deadline between them, so a run ends within the budget plus one attempt (a webhook's 5 s).
- Isolated: a task that raises is logged and counted (`errored`); the others go on.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class Tally:
    """What one task did: attempts made, and how they ended."""

    attempted: int = 0
    succeeded: int = 0
    failed: int = 0  # failed this attempt (due again later) or given up
    parked: int = 0  # set aside: held for a turned-off endpoint, or given up after errors
    dropped: int = 0  # nothing left to do (the email's invitation or link went)

    def add(self, other: Tally) -> None:
        for name in ("attempted", "succeeded", "failed", "parked", "dropped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class Task:
    """One unit of work for one account (`account`: its id, or "" for work of no account)."""

    account: str
    run: Callable[[Deadline], Tally]
    label: str = ""  # for the log


@dataclass(frozen=True)
class Limits:
    workers: int = 16
    per_account: int = 4
    share: int = 50
    budget_seconds: float = 60.0  # the worker functions' timeout is 120 s (.chalice/config.json)


@dataclass(frozen=True)
class Deadline:
    """When a run must start nothing more: set when the run begins, so what a worker does before its tasks
    (handing events on, reading what is due) counts against the same budget."""

    at: float
    clock: Callable[[], float] = time.monotonic
    started: float = 0.0

    @classmethod
    def of(cls, limits: Limits, clock: Callable[[], float] = time.monotonic) -> Deadline:
        begun = clock()
        return cls(begun + limits.budget_seconds, clock, begun)

    def passed(self) -> bool:
        return self.clock() >= self.at


@dataclass
class Report:
    kind: str
    tally: Tally = field(default_factory=Tally)
    started: int = 0
    errored: int = 0
    deferred: int = 0  # not started this run: past the account's share or the deadline
    seconds: float = 0.0
    fanned_out: int = 0  # webhooks: the events handed to their endpoints before the deliveries

    @property
    def attempted(self) -> int:
        return self.tally.attempted

    @property
    def succeeded(self) -> int:
        return self.tally.succeeded

    @property
    def sent(self) -> int:  # an email's word for it
        return self.tally.succeeded

    @property
    def dropped(self) -> int:
        return self.tally.dropped


def run_fairly(
    kind: str,
    tasks: Sequence[Task],
    limits: Limits = Limits(),
    clock: Callable[[], float] = time.monotonic,
    deadline: Deadline | None = None,
) -> Report:
    """`deadline`: the run's, when it began before its tasks were made (else from now)."""
    deadline = deadline or Deadline.of(limits, clock)
    report = Report(kind)
    queues: dict[str, deque[Task]] = {}
    for given in tasks:
        queue = queues.setdefault(given.account, deque())
        if len(queue) < limits.share:
            queue.append(given)
        else:
            report.deferred += 1
    turn: deque[str] = deque(queues)
    running: dict[Future[Tally], Task] = {}
    busy: dict[str, int] = dict.fromkeys(queues, 0)
    with ThreadPoolExecutor(max_workers=limits.workers, thread_name_prefix=kind) as pool:
        while True:
            while len(running) < limits.workers and not deadline.passed():
                chosen = _next(turn, queues, busy, limits.per_account)
                if chosen is None:
                    break
                busy[chosen.account] += 1
                running[pool.submit(chosen.run, deadline)] = chosen
                report.started += 1
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                done = running.pop(future)
                busy[done.account] -= 1
                _collect(report, done, future)
    report.deferred += sum(len(queue) for queue in queues.values())
    report.seconds = round(deadline.clock() - deadline.started, 3)
    return report


def _next(turn: deque[str], queues: dict[str, deque[Task]], busy: dict[str, int], cap: int) -> Task | None:
    """The next account in turn with a task waiting and room to run it."""
    for _ in range(len(turn)):
        account = turn[0]
        turn.rotate(-1)
        if queues[account] and busy[account] < cap:
            return queues[account].popleft()
    return None


def _collect(report: Report, task: Task, future: Future[Tally]) -> None:
    try:
        report.tally.add(future.result())
    except Exception:  # one task's trouble (DynamoDB, a bug, bad data) never holds up the others
        log.exception("%s %s: not completed; it is due again when its lease lapses", report.kind, task.label)
        report.errored += 1
