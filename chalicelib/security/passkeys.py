"""WebAuthn through py_webauthn: options for the browser and the checks of what it answers. The relying party
is PORTAL_URL's host, the origin PORTAL_URL's scheme and host; user verification is required, and the
signature counter must grow (py_webauthn refuses a counter that did not, unless both are 0: an authenticator
that keeps none, as passkeys synced between devices do)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

OPTIONS_TIMEOUT_MS = 300_000  # five minutes, as long as the challenge is kept


class PasskeyError(Exception):
    """What the browser sent is not a valid answer to our challenge (any reason: all look alike outside)."""


@dataclass(frozen=True)
class RelyingParty:
    rp_id: str
    origin: str
    name: str

    @classmethod
    def of(cls, portal_url: str, name: str) -> RelyingParty:
        parts = urlsplit(portal_url)
        return cls(parts.hostname or "localhost", f"{parts.scheme}://{parts.netloc}", name)


@dataclass(frozen=True)
class NewPasskey:
    credential_id: str  # base64url
    public_key: str  # base64url of the COSE key
    sign_count: int


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def from_b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def challenge_hash(challenge: str) -> str:
    """What is stored of a challenge (base64url, as the client data carries it): its SHA-256."""
    return hashlib.sha256(challenge.encode()).hexdigest()


def challenge_of(credential: dict[str, Any]) -> str:
    """The challenge a credential answers, as its client data names it (checked again by the verification)."""
    try:
        client_data = json.loads(from_b64url(credential["response"]["clientDataJSON"]))
        challenge = client_data["challenge"]
    except (KeyError, TypeError, ValueError, binascii.Error) as error:
        raise PasskeyError("no client data") from error
    if not isinstance(challenge, str):
        raise PasskeyError("no challenge")
    return challenge


def credential_id_of(credential: dict[str, Any]) -> str:
    raw = credential.get("rawId") or credential.get("id")
    if not isinstance(raw, str) or not raw:
        raise PasskeyError("no credential id")
    return raw.rstrip("=")


def creation_options(rp: RelyingParty, user_id: str, email: str, existing: list[str]) -> dict[str, Any]:
    """Options for navigator.credentials.create: a discoverable credential (passwordless sign-in names no
    user), user verification required, none of the user's credentials again."""
    from webauthn import generate_registration_options, options_to_json
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        PublicKeyCredentialDescriptor,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    options = generate_registration_options(
        rp_id=rp.rp_id,
        rp_name=rp.name,
        user_name=email,
        user_id=user_id.encode(),
        timeout=OPTIONS_TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=from_b64url(c)) for c in existing],
    )
    answer: dict[str, Any] = json.loads(options_to_json(options))
    return answer


def request_options(rp: RelyingParty, allowed: list[str]) -> dict[str, Any]:
    """Options for navigator.credentials.get: `allowed` credential ids (none: any discoverable one)."""
    from webauthn import generate_authentication_options, options_to_json
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor, UserVerificationRequirement

    options = generate_authentication_options(
        rp_id=rp.rp_id,
        timeout=OPTIONS_TIMEOUT_MS,
        allow_credentials=[PublicKeyCredentialDescriptor(id=from_b64url(c)) for c in allowed],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    answer: dict[str, Any] = json.loads(options_to_json(options))
    return answer


def verify_new(rp: RelyingParty, credential: dict[str, Any], challenge: str) -> NewPasskey:
    from webauthn import verify_registration_response
    from webauthn.helpers.exceptions import WebAuthnException

    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=from_b64url(challenge),
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    except (WebAuthnException, KeyError, TypeError, ValueError) as error:
        raise PasskeyError(str(error)) from error
    return NewPasskey(
        b64url(verified.credential_id), b64url(verified.credential_public_key), verified.sign_count
    )


def verify_assertion(
    rp: RelyingParty, credential: dict[str, Any], challenge: str, public_key: str, sign_count: int
) -> int:
    """The authenticator's new signature counter, once the assertion holds."""
    from webauthn import verify_authentication_response
    from webauthn.helpers.exceptions import WebAuthnException

    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=from_b64url(challenge),
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
            credential_public_key=from_b64url(public_key),
            credential_current_sign_count=sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, KeyError, TypeError, ValueError) as error:
        raise PasskeyError(str(error)) from error
    return int(verified.new_sign_count)
