"""The email outbox's rules: retry times and giving up, the windows of the email limits, derived links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.outbox import (
    EMAIL_RETRIES,
    GIVE_UP_AFTER,
    account_day,
    recipient_windows,
    reset_request_window,
)
from chalicelib.security.links import derived_link_token, hash_link_token, is_link_token_shape, new_nonce

T0 = datetime(2026, 11, 23, 9, 40, 0, tzinfo=UTC)
next_attempt_at = EMAIL_RETRIES.next_attempt_at


def test_retries_back_off_then_give_up_a_day_after_the_email_was_made() -> None:
    assert next_attempt_at(1, T0, T0) == T0 + timedelta(seconds=30)
    assert next_attempt_at(2, T0, T0) == T0 + timedelta(minutes=2)
    assert next_attempt_at(20, T0, T0) == T0 + timedelta(hours=6)  # the longest wait, repeated
    assert next_attempt_at(3, T0, T0 + GIVE_UP_AFTER - timedelta(minutes=10)) == T0 + GIVE_UP_AFTER
    assert next_attempt_at(3, T0, T0 + GIVE_UP_AFTER - timedelta(minutes=9)) is None
    with pytest.raises(ValueError):
        next_attempt_at(0, T0, T0)


def test_windows_are_the_clock_hour_and_the_utc_day() -> None:
    hour, day = recipient_windows(T0, per_hour=5, per_day=20)
    assert (hour.name, hour.limit, hour.retry_after(T0)) == ("HOUR#2026-11-23T09", 5, 20 * 60)
    assert (day.name, day.limit, day.retry_after(T0)) == ("DAY#2026-11-23", 20, (14 * 60 + 20) * 60)
    assert recipient_windows(T0 + timedelta(minutes=20), 5, 20)[0].name == "HOUR#2026-11-23T10"
    assert reset_request_window(T0).name == "RESETS#2026-11-23T09"  # apart from the address's own
    assert account_day(T0, 500).name == "2026-11-23"
    assert hour.retry_after(hour.ends_at) == 1  # never 0: Retry-After is at least a second


def test_a_derived_link_is_the_same_for_one_nonce_and_secret_only() -> None:
    nonce = new_nonce()
    raw, token_hash = derived_link_token("s" * 32, nonce)
    assert (raw, token_hash) == derived_link_token("s" * 32, nonce)
    assert is_link_token_shape(raw) and token_hash == hash_link_token(raw)
    assert derived_link_token("t" * 32, nonce)[0] != raw  # without the secret, the nonce gives nothing
    assert derived_link_token("s" * 32, new_nonce())[0] != raw
