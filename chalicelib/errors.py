"""The error type services and rules raise (AppError), which api/http.py turns into the contract's error body;
and the one the store raises for the api layer to answer (RiderRefusedError)."""

from __future__ import annotations

from typing import Any

STATUS_BY_CODE = {
    "invalid_json": 400,
    "validation_error": 400,
    "unauthenticated": 401,
    "invalid_credentials": 401,
    "forbidden": 403,
    "email_mismatch": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "unsupported_media_type": 415,
    "conflict": 409,
    "already_member": 409,
    "owner_immutable": 409,
    "contact_exists": 409,
    "group_not_empty": 409,
    "idempotency_in_progress": 409,  # the first request with this Idempotency-Key still runs
    "idempotency_outcome_unknown": 409,  # it died after its change committed, before its answer was kept
    "invitation_expired": 410,
    "token_expired": 410,
    "payload_too_large": 413,
    "idempotency_key_reused": 422,  # the same Idempotency-Key with another body
    "rate_limited": 429,
    "internal_error": 500,
}


class AppError(Exception):
    def __init__(
        self,
        code: str,
        message: str,
        *,
        details: list[dict[str, str]] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        self.retry_after = retry_after

    @property
    def status(self) -> int:
        return STATUS_BY_CODE[self.code]

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            error["details"] = self.details
        return {"error": error}


def not_found(what: str = "resource") -> AppError:
    return AppError("not_found", f"The {what} does not exist or is not available to you.")


def unauthenticated(message: str = "A valid access token is required.") -> AppError:
    return AppError("unauthenticated", message)


def forbidden(permission: str) -> AppError:
    return AppError("forbidden", f"This needs the '{permission}' permission.")


def validation_error(field: str, message: str) -> AppError:
    return AppError(
        "validation_error", "The request is not valid.", details=[{"field": field, "message": message}]
    )


def rate_limited(retry_after: int, message: str = "Too many attempts; try again later.") -> AppError:
    return AppError("rate_limited", message, retry_after=max(1, retry_after))


class RiderRefusedError(Exception):
    """A transaction's rider failed its condition (store/tx.py), so the transaction committed nothing: the
    request no longer holds its Idempotency-Key (a retry took it over after the lease)."""


class StillConflictingError(AppError):
    """A write kept colliding with concurrent ones (DynamoDB's TransactionConflict) through every retry the
    store allows within a request (store/tx.py): nothing was written, and a retry soon will most likely
    succeed. Never a 404: what the request names does exist."""

    def __init__(self) -> None:
        super().__init__(
            "conflict",
            "Another change to the same records was being made at the same moment; try again.",
            retry_after=1,
        )
