"""The keys of a user's items: the profile, the login and its failures, one-time links, revoked tokens."""

from __future__ import annotations

from chalicelib.store.keys_base import PROFILE_SK, Key, user_pk


def user(user_id: str) -> Key:
    return user_pk(user_id), PROFILE_SK


def user_gsi1(user_id: str) -> Key:
    return user_pk(user_id), PROFILE_SK


def login(email: str) -> Key:
    return f"LOGIN#{email}", "LOGIN"


def login_failures(email: str) -> Key:
    return f"LOGIN#{email}", "FAILURES"


def link(token_hash: str) -> Key:
    return f"LINK#{token_hash}", "LINK"


def revoked_token(token_id: str) -> Key:
    return f"REVOKED#{token_id}", "REVOKED"
