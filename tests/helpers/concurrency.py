"""Racing requests: start actions at the same moment on threads and collect what each answered."""

from __future__ import annotations

import threading
from collections.abc import Callable

from chalicelib.errors import AppError


def run_together(*actions: Callable[[], object]) -> list[object]:
    """Start the actions at the same moment on threads; each result or the AppError code it raised."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
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
    return results
