"""The one worker loop of the background work: fair turns across accounts, an account's share and its cap
of tasks at once, the deadline, and one task's failure kept to itself."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import cast

from chalicelib.services.worker_loop import Deadline, Limits, Tally, Task, run_fairly


def recorder() -> tuple[list[str], Callable[[str], Task]]:
    started: list[str] = []

    def task(name: str) -> Task:
        def run(_: Deadline) -> Tally:
            started.append(name)
            return Tally(attempted=1, succeeded=1)

        return Task(name[0], run, name)

    return started, task


def test_accounts_take_turns_whatever_order_the_work_came_in() -> None:
    started, task = recorder()
    report = run_fairly("t", [task(n) for n in ("a1", "a2", "a3", "b1", "c1", "c2")], Limits(workers=1))
    assert started == ["a1", "b1", "c1", "a2", "c2", "a3"]
    assert (report.started, report.succeeded, report.deferred) == (6, 6, 0)


def test_an_account_gets_its_share_of_a_run_and_the_rest_waits() -> None:
    started, task = recorder()
    report = run_fairly("t", [task(f"a{n}") for n in range(5)] + [task("b1")], Limits(workers=2, share=2))
    assert sorted(started) == ["a0", "a1", "b1"] and report.deferred == 3


def test_an_account_never_holds_more_than_its_cap_of_threads() -> None:
    changed = threading.Condition()
    running: dict[str, int] = {"a": 0, "b": 0}
    most: dict[str, int] = {"a": 0, "b": 0}
    b_served = threading.Event()

    def run(account: str) -> Callable[[Deadline], Tally]:
        def body(_: Deadline) -> Tally:
            with changed:
                running[account] += 1
                most[account] = max(most[account], running[account])
                changed.notify_all()
                if account == "a":  # a's work is slow: held until b is served and a fills its cap
                    changed.wait_for(lambda: b_served.is_set() and most["a"] >= 3, timeout=5)
                running[account] -= 1
            if account == "b":
                b_served.set()
                with changed:
                    changed.notify_all()
            return Tally(attempted=1)

        return body

    tasks = [Task("a", run("a")) for _ in range(10)] + [Task("b", run("b"))]
    report = run_fairly("t", tasks, Limits(workers=8, per_account=3))
    assert most == {"a": 3, "b": 1} and report.attempted == 11  # b ran while a held only 3 of 8


def test_no_task_starts_after_the_deadline() -> None:
    now = [0.0]

    def slow(_: Deadline) -> Tally:
        now[0] = 2.0  # this one took past the 1 s budget
        return Tally(attempted=1)

    started, task = recorder()
    tasks = [Task("a", slow, "slow"), task("b1"), task("c1")]
    report = run_fairly("t", tasks, Limits(workers=1, budget_seconds=1.0), clock=lambda: now[0])
    assert started == [] and (report.started, report.deferred) == (1, 2)
    assert report.seconds == 2.0


def test_a_task_that_raises_is_counted_and_the_others_go_on() -> None:
    def broken(_: Deadline) -> Tally:
        raise ValueError("bad data")

    started, task = recorder()
    report = run_fairly("t", [Task("a", broken, "broken"), task("a2"), task("b1")], Limits(workers=1))
    assert report.errored == 1 and started == ["b1", "a2"] and report.succeeded == 2


def test_the_due_pick_is_oldest_first_within_each_accounts_share() -> None:
    from chalicelib.store.due import fair_pick
    from chalicelib.store.models import DeliveryItem

    def entry(account: str, when: int) -> DeliveryItem:
        return DeliveryItem(
            f"WEBHOOK#{account}{when}", "DELIVERY#x", account_id=account, gsi2sk=f"{when:04}#x"
        )

    busy = [entry("a", n) for n in range(10)]  # the oldest ten are one account's backlog
    picked = fair_pick([*busy, entry("b", 50), entry("c", 60)], limit=5, share=3)
    assert [(cast(DeliveryItem, p).account_id, p.gsi2sk) for p in picked] == [
        ("a", "0000#x"), ("a", "0001#x"), ("a", "0002#x"), ("b", "0050#x"), ("c", "0060#x")
    ]  # fmt: skip
