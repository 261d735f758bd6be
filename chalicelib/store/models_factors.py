"""A user's second factors and the short-lived secrets of signing in with them (keys: keys_people.py)."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute

from chalicelib.store.models_base import Item, TimeAttribute


class TotpItem(Item, discriminator="totp"):
    """USER#<user_id> / TOTP: the authenticator app's secret, sealed with a key derived from TOKEN_SECRET
    (security/sealing.py), never returned after setup; `last_step` is the last 30-second step accepted: a
    code is accepted only for a later step, a condition of the write, so no code works twice."""

    user_id = UnicodeAttribute()
    sealed_secret = UnicodeAttribute()
    confirmed = BooleanAttribute(default=False)
    last_step = NumberAttribute(null=True)
    created_at = TimeAttribute()


class RecoveryCodesItem(Item, discriminator="recovery_codes"):
    """USER#<user_id> / RECOVERY: the SHA-256 of each unused recovery code; one is used by removing its hash
    under the condition that it is still there."""

    user_id = UnicodeAttribute()
    code_hashes = UnicodeSetAttribute(null=True)  # an empty set cannot be stored: none left is absent


class PasskeyItem(Item, discriminator="passkey"):
    """USER#<user_id> / PASSKEY#<passkey_id>: a WebAuthn credential's public key and signature counter."""

    user_id = UnicodeAttribute()
    passkey_id = UnicodeAttribute()
    name = UnicodeAttribute()
    credential_id = UnicodeAttribute()  # base64url
    public_key = UnicodeAttribute()  # base64url of the COSE key
    sign_count = NumberAttribute(default=0)
    created_at = TimeAttribute()
    last_used_at = TimeAttribute(null=True)


class PasskeyCredentialItem(Item, discriminator="passkey_credential"):
    """CREDENTIAL#<credential_id> / CREDENTIAL: whose passkey a credential is (passwordless names no user);
    written and deleted with its passkey."""

    user_id = UnicodeAttribute()
    passkey_id = UnicodeAttribute()
    # Where the passkey led at its last sign-in: the login's email and the accounts it listed (a hint, so a
    # passwordless sign-in reads the login and its page with the passkey; the login read decides). Absent
    # on items written before, and until the passkey's first sign-in.
    email = UnicodeAttribute(null=True)
    account_ids = UnicodeSetAttribute(null=True)


class ChallengeItem(Item, discriminator="challenge"):
    """CHALLENGE#<sha256> / CHALLENGE: an mfa_token ("mfa") or a WebAuthn challenge ("passkey_register",
    "passkey_sign_in"), stored hashed, used once (deleted under the condition that it exists), short-lived
    (`expires_at` checked on use; the TTL only tidies up). An mfa_token's passkey options are bound to it by
    `challenge_hash`, and names its login's email (the step reads the login by it, as the password step did).
    """

    purpose = UnicodeAttribute()
    user_id = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    expires_at = TimeAttribute()
    challenge_hash = UnicodeAttribute(null=True)
    # An mfa_token's: the accounts its login listed at the password step, so the second step reads their
    # page with the factor (one BatchGetItem); only a hint: the login read with it decides.
    account_ids = UnicodeSetAttribute(null=True)
