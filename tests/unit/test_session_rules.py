"""Pure rules of sign-in sessions and of an account's second-factor policy (domain/sign_in.py,
domain/security_policy.py), and the claims a sign-in's token carries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.security_policy import Policy, changed, covers, deadline, mfa_refuses
from chalicelib.domain.sign_in import SECOND_FACTOR, VIAS, seen_due, user_agent_kept
from chalicelib.security.tokens import VIAS as TOKEN_VIAS
from chalicelib.security.tokens import AccessTokens

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SECRET = "a-test-secret-of-enough-length-for-hs256"


def test_the_sessions_list_names_every_way_in_a_token_can_say() -> None:
    assert VIAS == TOKEN_VIAS
    assert SECOND_FACTOR < VIAS and not {"password", "invitation", "support"} & SECOND_FACTOR


def test_a_token_names_its_session_and_when_it_was_issued() -> None:
    tokens = AccessTokens(SECRET, 3600)
    claims = tokens.read(tokens.issue("usr_1", 0, NOW, via="password", session_id="ses_1").token, NOW)
    assert (claims.session_id, claims.issued_at, claims.via) == ("ses_1", NOW, "password")
    bare = tokens.read(tokens.issue("usr_1", 0, NOW, via="password").token, NOW)
    assert bare.session_id is None and bare.issued_at == NOW


def test_last_seen_is_written_at_most_once_per_five_minutes() -> None:
    assert not seen_due(NOW, NOW + timedelta(minutes=4, seconds=59))
    assert seen_due(NOW, NOW + timedelta(minutes=5))


def test_a_user_agent_is_kept_short_and_printable() -> None:
    assert user_agent_kept(None) is None and user_agent_kept("  ") is None
    assert user_agent_kept("Firefox\x00\n/1") == "Firefox/1"
    assert len(user_agent_kept("x" * 1000) or "") == 200


def test_admins_covers_the_owner_and_admins_and_all_covers_everyone() -> None:
    admins, everyone = Policy("admins", 0, NOW), Policy("all", 0, NOW)
    assert [covers(admins, role) for role in ("owner", "admin", "member")] == [True, True, False]
    assert all(covers(everyone, role) for role in ("owner", "admin", "member"))
    assert not covers(Policy(), "owner")


def test_the_grace_counts_from_the_level_change_or_a_later_join() -> None:
    policy = Policy("all", 7, NOW)
    assert policy.enforced_from == NOW + timedelta(days=7)
    assert deadline(policy, NOW - timedelta(days=30)) == NOW + timedelta(days=7)  # there before it
    joined = NOW + timedelta(days=20)
    assert deadline(policy, joined) == joined + timedelta(days=7)
    assert Policy().enforced_from is None and deadline(Policy(), NOW) is None


@pytest.mark.parametrize(
    ("via", "days_later", "support", "refused"),
    [
        ("password", 8, False, True),
        ("invitation", 8, False, True),
        ("password", 6, False, False),  # within the grace
        ("password+totp", 8, False, False),
        ("passkey", 8, False, False),
        ("recovery_code", 8, False, False),
        ("password+passkey", 8, False, False),
        ("support", 8, True, False),  # support sessions are never held to it
    ],
)
def test_a_covered_member_past_the_grace_needs_a_session_started_with_a_second_factor(
    via: str, days_later: int, support: bool, refused: bool
) -> None:
    policy, joined = Policy("all", 7, NOW), NOW - timedelta(days=1)
    now = NOW + timedelta(days=days_later)
    assert mfa_refuses(policy, "member", joined, via, now, support=support) is refused
    assert not mfa_refuses(Policy("admins", 7, NOW), "member", joined, via, now, support=support)


def test_a_put_with_a_new_level_restarts_the_grace_and_the_same_level_keeps_its_start() -> None:
    current = Policy("admins", 3, NOW)
    later = NOW + timedelta(days=2)
    assert changed(current, "admins", 10, later) == Policy("admins", 10, NOW)
    assert changed(current, "all", 10, later) == Policy("all", 10, later)
    assert changed(current, "off", 0, later) == Policy("off", 0, None)
    assert changed(current, "off", 0, later).enforced_from is None
