"""`make run`'s worker rounds tell the outbox's readers when they have caught up: a round that deferred an
account's work past its share (or failed) has not, so /local/outbox-idle keeps the readers waiting."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.jobs import webhooks
from scripts import local_workers


@pytest.mark.parametrize(
    ("done", "caught_up"),
    [
        ({"emails_attempted": 50, "emails_sent": 50, "emails_deferred": 70}, False),
        ({"attempted": 50, "succeeded": 50, "deferred": 3}, False),
        ({"emails_attempted": 20, "emails_sent": 20, "emails_deferred": 0, "deferred": 0}, True),
        ({}, True),
    ],
)
def test_a_round_that_deferred_work_has_not_caught_up(
    monkeypatch: pytest.MonkeyPatch, done: dict[str, int], caught_up: bool
) -> None:
    monkeypatch.setattr(webhooks, "run_both", lambda: done)
    assert local_workers.run_workers_once() is caught_up


def test_a_failed_round_has_not_caught_up(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> Any:
        raise ConnectionError("the emulator blinked")

    monkeypatch.setattr(webhooks, "run_both", broken)
    assert local_workers.run_workers_once() is False


def test_progress_is_idle_only_once_a_run_begun_after_the_last_write_finishes() -> None:
    progress = local_workers.Progress()
    progress.written()
    started = progress.start()
    progress.written()  # during the run
    progress.finished(started)
    assert not progress.idle()
    progress.finished(progress.start())
    assert progress.idle()


def test_the_email_workers_answer_says_what_it_deferred(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.services import email_worker
    from chalicelib.services.worker_loop import Report

    monkeypatch.setattr(webhooks, "get_deps", lambda: None)
    monkeypatch.setattr(email_worker, "run_once", lambda deps: Report("emails", deferred=7))
    assert webhooks.run_emails()["emails_deferred"] == 7
