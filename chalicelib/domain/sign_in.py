"""Sign-in sessions: how a session was started, which ways count as a second factor, and how often its
`last_seen_at` is written. Pure rules; services/sign_in.py starts sessions, services/authentication.py
checks them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal, get_args

from typing_extensions import TypeAliasType

# How a session was started (the token's "amr" claim); named: one schema in the document.
Via = TypeAliasType(
    "Via",
    Literal[
        "password",
        "password+totp",
        "password+passkey",
        "recovery_code",
        "passkey",
        "invitation",
        "support",
    ],
)
VIAS: frozenset[str] = frozenset(get_args(Via.__value__))
# The ways in that proved a second factor: what an account's policy asks of a session.
SECOND_FACTOR: frozenset[str] = frozenset({"password+totp", "password+passkey", "recovery_code", "passkey"})
# `last_seen_at` is kept to within this: a request writes it only when it is older (one write per session
# per 5 minutes, however many requests).
SEEN_EVERY = timedelta(minutes=5)
USER_AGENT_MAX = 200  # characters kept of a User-Agent header


def with_second_factor(via: str | None) -> bool:
    return via in SECOND_FACTOR


def seen_due(last_seen_at: datetime, now: datetime) -> bool:
    """Whether a request at `now` should move the session's `last_seen_at`."""
    return now - last_seen_at >= SEEN_EVERY


def user_agent_kept(header: str | None) -> str | None:
    """What is kept of a User-Agent header: at most USER_AGENT_MAX characters, printable ones only."""
    if not header:
        return None
    printable = "".join(ch for ch in header if ch.isprintable()).strip()
    return printable[:USER_AGENT_MAX] or None
