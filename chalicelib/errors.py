"""The failure vocabulary: every code a request can fail with (ErrorCode, a closed set), the error the
services and rules raise with one (AppError), and the one the store raises for the api layer to answer
(RiderRefusedError).

Nothing here knows HTTP: which status a code is answered with, and the error body, are the api layer's
(api/errors.py), so a rule, a token check or the store can fail without importing the web edge.

A message is a msgid of the `messages` catalog (English, `$name` placeholders filled from `params`): the
api layer answers it in the request's Accept-Language (docs/languages.md); `message` is the English text."""

from __future__ import annotations

from collections.abc import Mapping
from string import Template
from typing import Literal, get_args

from chalicelib.msgids import N_

ErrorCode = Literal[
    "invalid_json",
    "validation_error",
    "unauthenticated",
    "invalid_credentials",
    "invalid_code",  # a wrong second-factor code or password: 400 with a Bearer token, 401 signing in
    "forbidden",
    "domain_not_allowed",
    "mfa_required",
    "email_mismatch",
    "not_found",
    "method_not_allowed",
    "unsupported_media_type",
    # 409s: each a state a client can act on; `conflict` only where the contract names it (API.md)
    "conflict",
    "changed_meanwhile",
    "limit_reached",
    "address_taken",
    "owner_exists",
    "login_exists",
    "member_deactivated",
    "cannot_deactivate_self",
    "group_deleted",
    "delivery_succeeded",
    "already_member",
    "owner_immutable",
    "contact_exists",
    "group_not_empty",
    "domain_claimed",
    "seat_limit_reached",
    "idempotency_in_progress",
    "idempotency_outcome_unknown",
    "invitation_expired",
    "token_expired",
    "invite_link_expired",
    "payload_too_large",
    "idempotency_key_reused",
    "rate_limited",
    "internal_error",
]
ERROR_CODES: tuple[ErrorCode, ...] = get_args(ErrorCode)
# How long a client waits before retrying a write that collided with concurrent ones.
RETRY_SOON_SECONDS = 1


class AppError(Exception):
    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        details: list[dict[str, str]] | None = None,
        retry_after: int | None = None,
        params: Mapping[str, str] | None = None,
    ) -> None:
        english = Template(message).substitute(params) if params else message
        super().__init__(english)
        self.code: ErrorCode = code
        self.message = english
        self.msgid = message
        self.params: dict[str, str] = dict(params or {})
        self.details = details
        self.retry_after = retry_after


# One whole sentence per kind of thing (a translation cannot agree with a noun it does not know).
_NOT_FOUND: dict[str, str] = {
    "resource": N_("The resource does not exist or is not available to you."),
    "account": N_("The account does not exist or is not available to you."),
    "member": N_("The member does not exist or is not available to you."),
    "invite_link": N_("The invite_link does not exist or is not available to you."),
    "invitation": N_("The invitation does not exist or is not available to you."),
    "group": N_("The group does not exist or is not available to you."),
    "webhook": N_("The webhook does not exist or is not available to you."),
    "sub-account": N_("The sub-account does not exist or is not available to you."),
    "reset link": N_("The reset link does not exist or is not available to you."),
    "email domain": N_("The email domain does not exist or is not available to you."),
    "contact": N_("The contact does not exist or is not available to you."),
    "passkey": N_("The passkey does not exist or is not available to you."),
    "join_request": N_("The join_request does not exist or is not available to you."),
    "session": N_("The session does not exist or is not available to you."),
    "page": N_("The page does not exist or is not available to you."),
    "asset": N_("The asset does not exist or is not available to you."),
    "endpoint": N_("The endpoint does not exist or is not available to you."),
}


def not_found(what: str = "resource") -> AppError:
    message = _NOT_FOUND.get(what)
    if message is None:  # a kind without its sentence yet: English
        return AppError("not_found", f"The {what} does not exist or is not available to you.")
    return AppError("not_found", message)


def unauthenticated(message: str = N_("A valid access token is required.")) -> AppError:
    return AppError("unauthenticated", message)


def forbidden(permission: str) -> AppError:
    return AppError(
        "forbidden", N_("This needs the '$permission' permission."), params={"permission": permission}
    )


def validation_error(field: str, message: str) -> AppError:
    return AppError(
        "validation_error", "The request is not valid.", details=[{"field": field, "message": message}]
    )


def rate_limited(retry_after: int, message: str = N_("Too many attempts; try again later.")) -> AppError:
    return AppError("rate_limited", message, retry_after=max(1, retry_after))


def changed_meanwhile(message: str) -> AppError:
    """What the request read changed before its write landed: nothing was written, and the same request
    sent again soon reads the new state (and most likely succeeds, or fails for a reason it can act on)."""
    return AppError("changed_meanwhile", message, retry_after=RETRY_SOON_SECONDS)


def limit_reached(message: str, **params: str) -> AppError:
    """The account holds as many of these as it may: delete one first."""
    return AppError("limit_reached", message, params=params)


class RiderRefusedError(Exception):
    """A transaction's rider failed its condition (store/tx.py), so the transaction committed nothing: the
    request no longer holds its Idempotency-Key (a retry took it over after the lease)."""


class StillConflictingError(AppError):
    """A write kept colliding with concurrent ones (DynamoDB's TransactionConflict) through every retry the
    store allows within a request (store/tx.py): nothing was written, and a retry soon will most likely
    succeed. Never a 404: what the request names does exist."""

    def __init__(self) -> None:
        super().__init__(
            "changed_meanwhile",
            "Another change to the same records was being made at the same moment; try again.",
            retry_after=RETRY_SOON_SECONDS,
        )
