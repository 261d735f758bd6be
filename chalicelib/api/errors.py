"""The HTTP side of failures: the status each error code is answered with, the contract's error body, and
the middleware that gives every answer (Chalice's own included) that one shape and the security headers.

Only the api layer imports this module (tests/unit/test_layers.py): below it a failure is an ErrorCode
(chalicelib/errors.py), never a status.

An error's `message` is in the language the request's Accept-Language prefers (English without one, or
for a language we do not speak); its `code` is the same in every language. SCIM's errors stay in English:
SCIM clients are machines (api/scim_http.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from chalice.app import Request, Response

from chalicelib.api.cors import with_cors
from chalicelib.domain.locales import DEFAULT_LOCALE, Locale, negotiate
from chalicelib.errors import AppError, ErrorCode
from chalicelib.msgids import N_

MAX_BODY_BYTES = 64 * 1024
JSON_HEADERS: dict[str, str | list[str]] = {"Content-Type": "application/json", "Cache-Control": "no-store"}
# On every response, errors and Chalice's own answers included.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "Referrer-Policy": "no-referrer",
}

STATUS_BY_CODE: dict[ErrorCode, int] = {
    "invalid_json": 400,
    "validation_error": 400,
    "unauthenticated": 401,
    "invalid_credentials": 401,
    "invalid_code": 400,  # on a Bearer route: a 401 would make a client sign the person out
    "forbidden": 403,
    "domain_not_allowed": 403,  # an email outside an invite link's allowed domains
    "mfa_required": 403,
    "email_mismatch": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "unsupported_media_type": 415,
    "conflict": 409,
    "changed_meanwhile": 409,  # with Retry-After: nothing was written, send it again
    "limit_reached": 409,
    "address_taken": 409,
    "owner_exists": 409,
    "login_exists": 409,
    "member_deactivated": 409,
    "cannot_deactivate_self": 409,
    "group_deleted": 409,
    "delivery_succeeded": 409,
    "already_member": 409,
    "owner_immutable": 409,
    "contact_exists": 409,
    "group_not_empty": 409,
    "domain_claimed": 409,  # another account holds the domain verified (which one is never said)
    "seat_limit_reached": 409,  # the plan's seats are all held: its message says how many there are
    "idempotency_in_progress": 409,  # the first request with this Idempotency-Key still runs
    "idempotency_outcome_unknown": 409,  # it died after its change committed, before its answer was kept
    "invitation_expired": 410,
    "token_expired": 410,
    "invite_link_expired": 410,  # expired or used up (a revoked one is not found)
    "payload_too_large": 413,
    "idempotency_key_reused": 422,  # the same Idempotency-Key with another body
    "rate_limited": 429,
    "internal_error": 500,
}


# On a route that takes no token (the sign-in steps), these codes are a failed sign-in.
PUBLIC_STATUS_BY_CODE: dict[ErrorCode, int] = {"invalid_code": 401}


def status_of(code: ErrorCode, *, public: bool = False) -> int:
    """`public`: answered by a route that takes no token."""
    return (PUBLIC_STATUS_BY_CODE.get(code) if public else None) or STATUS_BY_CODE[code]


# The language of the request being answered, set by error_middleware (one request at a time per context).
_REQUEST_LOCALE: ContextVar[Locale] = ContextVar("request_locale", default=DEFAULT_LOCALE)


def request_locale() -> Locale:
    """The language the request being answered prefers (its Accept-Language), for what a view words."""
    return _REQUEST_LOCALE.get()


def error_message(error: AppError, locale: Locale | None = None) -> str:
    """The error's message in `locale` (default: the request's language)."""
    # The catalogs load with the first message put into words, not with the routes: a cold start serving a
    # read that succeeds reads none.
    from chalicelib.i18n.text import translate

    return translate(locale or _REQUEST_LOCALE.get(), error.msgid, **error.params)


def error_body(error: AppError) -> dict[str, Any]:
    info: dict[str, Any] = {"code": error.code, "message": error_message(error)}
    if error.details:
        info["details"] = error.details
    return {"error": info}


def error_response(
    error: AppError, headers: dict[str, str | list[str]] | None = None, *, public: bool = False
) -> Response:
    all_headers: dict[str, str | list[str]] = {**JSON_HEADERS, **(headers or {})}
    if error.retry_after is not None:
        all_headers["Retry-After"] = str(error.retry_after)
    status = status_of(error.code, public=public)
    return Response(body=json.dumps(error_body(error)), status_code=status, headers=all_headers)


def _too_large() -> AppError:
    limit = str(MAX_BODY_BYTES // 1024)
    return AppError("payload_too_large", N_("The body is larger than $limit KiB."), params={"limit": limit})


# Chalice answers some requests itself (wrong method, wrong media type) in its own format.
_CHALICE_CODES: dict[int, ErrorCode] = {405: "method_not_allowed", 415: "unsupported_media_type"}


def _is_scim(request: Request) -> bool:
    return isinstance(request.path, str) and request.path.startswith("/scim/")


def error_middleware(request: Request, get_response: Callable[[Request], Response]) -> Response:
    """Registered for every HTTP request in app.py: size limit first, Chalice's own error bodies rewritten
    into the contract's format (so no client ever sees two error shapes), and the security headers on
    every answer, and the CORS headers for an allowed origin (api/cors.py). Error messages are answered
    in the request's Accept-Language."""
    token = _REQUEST_LOCALE.set(negotiate(request.headers.get("accept-language")))
    try:
        response = _contract_response(request, get_response)
    finally:
        _REQUEST_LOCALE.reset(token)
    response.headers.update(SECURITY_HEADERS)
    return with_cors(request, response)


def _contract_response(request: Request, get_response: Callable[[Request], Response]) -> Response:
    content_length = request.headers.get("content-length", "0")
    if (content_length.isdigit() and int(content_length) > MAX_BODY_BYTES) or len(
        request.raw_body or b""
    ) > MAX_BODY_BYTES:
        return error_response(_too_large())
    response = get_response(request)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and "Code" in body and _is_scim(request):
        from chalicelib.api.scim_http import chalice_refusal  # SCIM clients get SCIM's error body

        return chalice_refusal(response.status_code, str(body.get("Message", "")))
    if response.status_code >= 400 and isinstance(body, dict) and "Code" in body:
        code = _CHALICE_CODES.get(response.status_code, "internal_error")
        message = str(body.get("Message", N_("The request could not be handled.")))
        if code == "internal_error":
            message = N_("An unexpected error occurred.")
        extra: dict[str, str | list[str]] | None = (
            {"Allow": response.headers["Allow"]} if "Allow" in response.headers else None
        )
        return error_response(AppError(code, message), extra)
    return response
