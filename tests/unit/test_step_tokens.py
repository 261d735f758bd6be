"""The mfa_token's signature (security/step_tokens.py): it opens only as issued, only while live, and stays
URL-safe and within the schema's 128 characters."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from chalicelib.ids import new_id
from chalicelib.security.step_tokens import new_step_token, opened_step_token

SECRET = "s" * 32
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def test_a_token_opens_to_its_user_until_it_expires() -> None:
    user_id = new_id("usr")
    token = new_step_token(SECRET, user_id, NOW + timedelta(minutes=5))
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", token) and len(token) <= 128
    opened = opened_step_token(SECRET, token, NOW)
    assert opened is not None and opened.user_id == user_id
    assert opened.expires_at == NOW + timedelta(minutes=5)
    assert opened_step_token(SECRET, token, NOW + timedelta(minutes=5)) is None  # its last second is gone
    assert new_step_token(SECRET, user_id, NOW) != new_step_token(SECRET, user_id, NOW)  # each its own


def test_any_change_or_another_secret_and_the_token_does_not_open() -> None:
    token = new_step_token(SECRET, "usr_1", NOW + timedelta(minutes=5))
    assert opened_step_token("t" * 32, token, NOW) is None
    for index in range(len(token)):
        if token[index] == ".":
            continue
        changed = token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1 :]
        assert opened_step_token(SECRET, changed, NOW) is None, index
    for odd in ("", ".", "...", "a.b.c.d", "é" * 40, token + ".x", token.replace(".", "", 1)):
        assert opened_step_token(SECRET, odd, NOW) is None, odd
