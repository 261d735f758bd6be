"""Windowed per-email limits: login lockout and reset emails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain.lockout import WINDOW, FailureWindow, count_one_more, retry_after_seconds

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_count_one_more_opens_fills_and_renews_a_window() -> None:
    assert count_one_more(None, NOW, 3, HOUR) == FailureWindow(1, NOW)
    assert count_one_more(FailureWindow(2, NOW), NOW + timedelta(minutes=5), 3, HOUR) == FailureWindow(3, NOW)
    assert count_one_more(FailureWindow(3, NOW), NOW + HOUR - timedelta(seconds=1), 3, HOUR) is None
    assert count_one_more(FailureWindow(3, NOW), NOW + HOUR, 3, HOUR) == FailureWindow(1, NOW + HOUR)


def test_lockout_lasts_until_the_window_passes() -> None:
    assert retry_after_seconds(FailureWindow(4, NOW), NOW) is None
    assert retry_after_seconds(FailureWindow(5, NOW), NOW + timedelta(minutes=5)) == 600
    assert retry_after_seconds(FailureWindow(5, NOW), NOW + WINDOW) is None
