"""Second factors and passkeys: what the /me/mfa, /me/passkeys and sign-in step routes take and give."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, RootModel

from chalicelib.schemas.common import AnyPassword, Input, Output, Timestamp
from chalicelib.schemas.sessions import LoginOut

Code = Annotated[str, Field(min_length=1, max_length=32, description="a 6-digit code of the app")]
RecoveryCode = Annotated[str, Field(min_length=1, max_length=64)]
# A WebAuthn PublicKeyCredential as the browser gives it, its binary fields base64url (py_webauthn's JSON).
Credential = Annotated[dict[str, Any], Field(description="a PublicKeyCredential in JSON (base64url)")]
Method = Literal["totp", "passkey", "recovery_code"]


class ProofIn(Input):
    """Adding a factor when one exists also needs a current code or a passkey assertion (its challenge from
    POST /auth/passkey/options)."""

    password: AnyPassword
    code: Code | None = None
    credential: Credential | None = None


class TotpSetupOut(Output):
    secret: str = Field(description="base32; shown here only")
    otpauth_uri: str
    qr_svg: str = Field(description="the otpauth_uri as a QR code: an SVG document, for an <img>")


class TotpConfirmIn(Input):
    code: Code


class RecoveryCodesOut(Output):
    recovery_codes: list[str] = Field(description="10 codes, each usable once; shown here only")


class TotpDisableIn(Input):
    password: AnyPassword
    code: Code


class PasswordIn(Input):
    password: AnyPassword


class PasskeyIn(Input):
    name: Annotated[str, Field(min_length=1, max_length=64)]
    credential: Credential


class Passkey(Output):
    passkey_id: str
    name: str
    created_at: Timestamp
    last_used_at: Timestamp | None


class PasskeyList(Output):
    items: list[Passkey]


class WebAuthnOptions(RootModel[dict[str, Any]]):
    """PublicKeyCredentialCreationOptions or RequestOptions in JSON, binary fields base64url."""


class MfaRequiredOut(Output):
    mfa_required: Literal[True] = True
    mfa_token: str = Field(description="for POST /auth/login/mfa; 5 minutes, once")
    methods: list[Method]
    passkey_options: dict[str, Any] | None = Field(default=None, description="with passkey: request options")


class LoginAnswer(RootModel[LoginOut | MfaRequiredOut]):
    """The login body, or the second step it needs."""


class MfaLoginIn(Input):
    mfa_token: Annotated[str, Field(min_length=1, max_length=128)]
    code: Code | None = None
    recovery_code: RecoveryCode | None = None
    credential: Credential | None = None


class PasskeySignInIn(Input):
    credential: Credential
