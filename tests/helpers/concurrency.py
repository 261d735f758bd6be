"""Racing requests: start actions at the same moment on threads and collect what each answered."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from chalicelib.errors import AppError
from tests.helpers.http import Reply

T = TypeVar("T")


def run_together(*actions: Callable[[], T]) -> list[T | str]:
    """Start the actions at the same moment on threads; each result or the AppError code it raised."""
    barrier = threading.Barrier(len(actions))
    results: dict[int, T | str] = {}

    def run(index: int, action: Callable[[], T]) -> None:
        barrier.wait()
        try:
            results[index] = action()
        except AppError as error:
            results[index] = error.code

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    raised = [index for index in range(len(actions)) if index not in results]
    assert not raised, f"actions {raised} raised something other than an AppError (above)"
    return [results[index] for index in range(len(actions))]


def replies_together(*actions: Callable[[], Reply]) -> list[Reply]:
    """run_together for HTTP calls: each answers with a Reply (an HTTP call raises no AppError)."""
    answers = run_together(*actions)
    assert all(isinstance(a, Reply) for a in answers), answers
    return [a for a in answers if isinstance(a, Reply)]
