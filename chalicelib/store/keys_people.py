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


# A user's second factors, in the user's partition (no index): read by key or by one query of PASSKEY#.
PASSKEY_PREFIX = "PASSKEY#"


def totp(user_id: str) -> Key:
    return user_pk(user_id), "TOTP"


def recovery_codes(user_id: str) -> Key:
    return user_pk(user_id), "RECOVERY"


def code_failures(user_id: str) -> Key:
    """Wrong second-factor codes and recovery codes, one window per user (as login_failures per email)."""
    return user_pk(user_id), "CODEFAILURES"


def passkey(user_id: str, passkey_id: str) -> Key:
    return user_pk(user_id), f"{PASSKEY_PREFIX}{passkey_id}"


def passkeys_of(user_id: str) -> Key:
    """(partition, sort-key prefix) of a user's passkeys."""
    return user_pk(user_id), PASSKEY_PREFIX


def passkey_credential(credential_id: str) -> Key:
    """WebAuthn credential id (base64url) -> its user and passkey: passwordless sign-in names no user."""
    return f"CREDENTIAL#{credential_id}", "CREDENTIAL"


def challenge(challenge_hash: str) -> Key:
    """An mfa_token or a WebAuthn challenge, by the SHA-256 of what the client holds."""
    return f"CHALLENGE#{challenge_hash}", "CHALLENGE"
