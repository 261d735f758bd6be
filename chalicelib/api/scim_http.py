"""The SCIM edge (issue 31): routes under /scim/v2/{account_id}, outside the JSON API's route table (so
outside /openapi.json: SCIM has its own discovery endpoints). Each request is authenticated by a SCIM token
of the account in the path (services/scim_auth.py), its body read as JSON whether sent as
application/scim+json or application/json, and every failure answered with SCIM's error body."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Request, Response

from chalicelib.api.lazy import scim_auth
from chalicelib.deps import Deps, get_deps
from chalicelib.domain.caller import Caller, RequestInfo
from chalicelib.domain.scim_errors import ScimError
from chalicelib.errors import AppError

if TYPE_CHECKING:
    from chalicelib.store.models import AccountItem

log = logging.getLogger(__name__)

PREFIX = "/scim/v2/{account_id}"
BODY_TYPES = ["application/scim+json", "application/json"]
SCIM_HEADERS: dict[str, str | list[str]] = {
    "Content-Type": "application/scim+json",
    "Cache-Control": "no-store",
}
# The JSON API's codes a reused use case can raise, as SCIM answers them (status, scimType).
_FROM_APP: dict[str, tuple[int, Any]] = {
    "validation_error": (400, "invalidValue"),
    "owner_immutable": (400, "mutability"),
    "not_found": (404, None),
    "seat_limit_reached": (409, None),
    "already_member": (409, "uniqueness"),
    "conflict": (409, None),
    "changed_meanwhile": (409, None),
    "group_not_empty": (409, None),
    "forbidden": (403, None),
    "rate_limited": (429, None),
}


@dataclass
class ScimCall:
    """What a SCIM view gets: who calls (the account's directory), the account, the JSON body, the query
    and the base URL of the account's SCIM endpoint (for `meta.location`)."""

    caller: Caller
    account: AccountItem
    base: str
    body: Any = None
    query: dict[str, str] = field(default_factory=dict)
    if_match: str | None = None

    @property
    def deps(self) -> Deps:
        return get_deps()


@dataclass(frozen=True)
class ScimAnswer:
    body: dict[str, Any] | None
    status: int = 200
    etag: str | None = None


def scim_route(bp: Blueprint, method: str, path: str) -> Callable[[Callable[..., ScimAnswer]], None]:
    def register(view: Callable[..., ScimAnswer]) -> None:
        def handler(**params: str) -> Response:
            return _handle(bp.current_request, method, view, params)

        handler.__name__ = view.__name__
        types = BODY_TYPES if method in ("POST", "PUT", "PATCH") else ["*/*"]
        bp.route(PREFIX + path, methods=[method], content_types=types)(handler)

    return register


def _handle(
    request: Request, method: str, view: Callable[..., ScimAnswer], params: dict[str, str]
) -> Response:
    try:
        token = _bearer(request)
        info = RequestInfo(_context(request, "requestId"), _source_ip(request))
        session = scim_auth.authenticate(get_deps(), params["account_id"], token, info)
        call = ScimCall(session.caller, session.account, _base(request, params["account_id"]))
        call.query = dict(request.query_params or {})
        call.if_match = request.headers.get("if-match")
        if method in ("POST", "PUT", "PATCH"):
            call.body = _json(request)
        from chalicelib.store.listeners import known  # the account's webhooks: whether events go out

        with known([session.account]):
            return _render(view(call, **params))
    except ScimError as error:
        return scim_error_response(error)
    except AppError as error:
        return scim_error_response(from_app_error(error))
    except Exception:
        log.exception("unhandled error on SCIM %s %s", method, request.path)
        return scim_error_response(ScimError(500, "An unexpected error occurred."))


def from_app_error(error: AppError) -> ScimError:
    status, scim_type = _FROM_APP.get(error.code, (400, "invalidValue"))
    fields = [f"{d.get('field')}: {d.get('message')}" for d in error.details or []]
    return ScimError(status, " ".join([error.message, *fields]), scim_type)


def scim_error_response(error: ScimError) -> Response:
    headers = dict(SCIM_HEADERS)
    if error.status == 429:
        headers["Retry-After"] = "1"
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="SCIM"'
    return Response(body=json.dumps(error.body()), status_code=error.status, headers=headers)


def chalice_refusal(status: int, message: str) -> Response:
    """Chalice's own refusal (a media type other than JSON: 415) on a SCIM route, in SCIM's body."""
    detail = "Send application/scim+json or application/json." if status == 415 else "Request refused."
    return scim_error_response(ScimError(status, detail or message))


def _render(answer: ScimAnswer) -> Response:
    headers = dict(SCIM_HEADERS)
    if answer.etag is not None:
        headers["ETag"] = answer.etag
    body = json.dumps(answer.body) if answer.body is not None else ""
    return Response(body=body, status_code=answer.status, headers=headers)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization") or ""
    scheme, _, token = header.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _json(request: Request) -> Any:
    raw = request.raw_body
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        raise ScimError(400, "The body is not JSON.", "invalidSyntax") from None


def _context(request: Request, name: str) -> str | None:
    context = request.context if isinstance(request.context, dict) else {}
    value = context.get(name)
    return value if isinstance(value, str) else None


def _source_ip(request: Request) -> str | None:
    context = request.context if isinstance(request.context, dict) else {}
    identity = context.get("identity")
    value = identity.get("sourceIp") if isinstance(identity, dict) else None
    return value if isinstance(value, str) else None


def _base(request: Request, account_id: str) -> str:
    """The account's SCIM base URL as the caller reached it (behind API Gateway: its stage's path)."""
    host = request.headers.get("host") or "localhost"
    scheme = request.headers.get("x-forwarded-proto") or (
        "http" if host.startswith(("127.", "localhost")) else "https"
    )
    stage = _context(request, "stage")
    prefix = f"/{stage}" if stage and "execute-api" in host else ""
    return f"{scheme}://{host}{prefix}/scim/v2/{account_id}"
