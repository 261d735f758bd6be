"""A software WebAuthn authenticator for tests, as py_webauthn's own tests build credentials: a P-256 key
from `cryptography`, "none" attestation, and assertions signed over authenticatorData + SHA-256(clientData).
It keeps one passkey, with its counter; `clone()` is a copy of it (a cloned authenticator)."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import secrets
import struct
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, AT = 0x01, 0x04, 0x40


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class SoftAuthenticator:
    def __init__(self, origin: str, *, verifies_user: bool = True, counts: bool = True) -> None:
        self.origin = origin
        self.verifies_user = verifies_user
        self.counts = counts  # an authenticator that keeps no counter always says 0
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(16)
        self.sign_count = 0
        self.user_handle: str | None = None

    def clone(self) -> SoftAuthenticator:
        return copy.copy(self)

    def _flags(self, extra: int = 0) -> int:
        return UP | (UV if self.verifies_user else 0) | extra

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        x, y = numbers.x.to_bytes(32, "big"), numbers.y.to_bytes(32, "big")
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: x, -3: y})

    def _client_data(self, kind: str, challenge: str) -> bytes:
        data = {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        return json.dumps(data).encode()

    def create(self, options: dict[str, Any]) -> dict[str, Any]:
        """navigator.credentials.create's answer to creation `options` (JSON, base64url)."""
        rp_hash = hashlib.sha256(options["rp"]["id"].encode()).digest()
        self.user_handle = options["user"]["id"]
        attested = (
            bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + self._cose_key()
        )
        auth_data = rp_hash + bytes([self._flags(AT)]) + struct.pack(">I", 0) + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"])
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {"clientDataJSON": b64url(client_data), "attestationObject": b64url(attestation)},
        }

    def get(self, options: dict[str, Any], rp_id: str) -> dict[str, Any]:
        """navigator.credentials.get's answer to request `options`, from this authenticator's passkey."""
        if self.counts:
            self.sign_count += 1
        rp_hash = hashlib.sha256(rp_id.encode()).digest()
        auth_data = rp_hash + bytes([self._flags()]) + struct.pack(">I", self.sign_count)
        client_data = self._client_data("webauthn.get", options["challenge"])
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = self.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        response = {
            "clientDataJSON": b64url(client_data),
            "authenticatorData": b64url(auth_data),
            "signature": b64url(signature),
        }
        if self.user_handle is not None:
            response["userHandle"] = self.user_handle
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": response,
        }
