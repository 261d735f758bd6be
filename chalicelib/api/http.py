"""The HTTP edge: one `endpoint` decorator registers a route, authorizes the caller, parses the body and
query into pydantic models, renders the result, and maps every error to the contract's error body.

The route table it keeps (ROUTES) is what the OpenAPI document is generated from.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Request, Response
from pydantic import BaseModel, ValidationError

from chalicelib.api import idempotency
from chalicelib.api.cors import METHODS, is_allowed_preflight, preflight, with_cors
from chalicelib.api.lazy import ModelRef
from chalicelib.api.route_guards import Access, admits_support, refused_support
from chalicelib.config import ConfigError
from chalicelib.deps import Deps, get_deps
from chalicelib.domain.caller import Caller, RequestInfo
from chalicelib.errors import AppError, not_found, unauthenticated

if TYPE_CHECKING:
    from chalicelib.services.authentication import Session
    from chalicelib.store.models import AccountItem, UserItem

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
JSON_TYPES = ["application/json"]
ANY_TYPE = ["*/*"]
_BASE_HEADERS: dict[str, str | list[str]] = {"Content-Type": "application/json", "Cache-Control": "no-store"}
# On every response, errors and Chalice's own answers included.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "Referrer-Policy": "no-referrer",
}


# A route's model: the class, or (from a route module's `LazyModels`) a reference imported on first use.
Model = type[BaseModel] | ModelRef


def _resolved(model: Model | None) -> type[BaseModel] | None:
    return model.resolve() if isinstance(model, ModelRef) else model


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    name: str
    summary: str
    access: Access
    body_model: Model | None
    query_model: Model | None
    returns_model: Model | None
    status: int
    errors: tuple[int, ...]  # statuses this route's own rules can answer, beyond auth and parsing
    media_types: tuple[str, ...] = ("application/json",)  # of a success; other than JSON: the view's Page
    idempotent: bool = False  # takes an Idempotency-Key (api/idempotency.py)
    resumable: bool = False  # a retry under the key completes a lost run (api/idempotency.py claim)

    @property
    def admits_support(self) -> bool:
        """Whether a support session's token may call it (api/route_guards.py)."""
        return admits_support(self.access, self.path)

    # The models themselves, imported (and so built) only when something asks: a request of this route,
    # or the OpenAPI document.
    @property
    def body(self) -> type[BaseModel] | None:
        return _resolved(self.body_model)

    @property
    def query(self) -> type[BaseModel] | None:
        return _resolved(self.query_model)

    @property
    def returns(self) -> type[BaseModel] | None:
        return _resolved(self.returns_model)


ROUTES: list[Route] = []
# Pages and their assets: scripts and styles from this origin only, no inline script, never in a frame.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class Page:
    """A success that is not JSON: a page or one of its assets."""

    body: str
    content_type: str
    cache_seconds: int = 0


@dataclass
class Call:
    """What a view gets: the collaborators, who is calling (and what authorizing them read), and the
    parsed input."""

    session: Session
    body: Any = None
    query: Any = None
    path: dict[str, str] = field(default_factory=dict)
    request: RequestInfo | None = None

    @property
    def deps(self) -> Deps:
        # Built on first use, so a route that needs none of them (the catalog, health) never loads them.
        return get_deps()

    @property
    def caller(self) -> Caller:
        """Who is calling, with where the request came from (for the audit log)."""
        return replace(self.session.caller, request=self.request)

    @property
    def account(self) -> AccountItem:
        """The account in the path, read while authorizing (account routes only)."""
        if self.session.account is None:
            raise not_found("account")
        return self.session.account

    @property
    def user(self) -> UserItem:
        """The signed-in user, read while authorizing."""
        if self.session.user is None:
            raise unauthenticated()
        return self.session.user


def endpoint(
    bp: Blueprint,
    method: str,
    path: str,
    *,
    access: Access,
    body: Model | None = None,
    query: Model | None = None,
    returns: Model | None = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
    media_types: tuple[str, ...] = ("application/json",),
    idempotent: bool | None = None,
    resumable: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`idempotent`: whether it takes an Idempotency-Key; by default the POSTs that answer 201 (create).
    `resumable`: its view completes what a lost run under the same key left undone (api/idempotency.py)."""
    takes_key = idempotent if idempotent is not None else method == "POST" and status == 201

    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        summary = (view.__doc__ or view.__name__).strip().splitlines()[0]
        route = Route(
            method, path, view.__name__, summary, access, body, query, returns, status, errors, media_types,
            takes_key, resumable,
        )  # fmt: skip
        ROUTES.append(route)

        def handler(**path_params: str) -> Response:
            return _handle(bp.current_request, route, view, path_params)

        handler.__name__ = view.__name__
        bp.route(path, methods=[method], content_types=JSON_TYPES if body else ANY_TYPE)(handler)
        _preflight_route(bp, path, method)
        return view

    return register


def _preflight_route(bp: Blueprint, path: str, method: str) -> None:
    """One OPTIONS view per path (API Gateway answers a method it was not given with 403, before any
    Lambda runs): a browser's preflight from an allowed origin gets its 204 (api/cors.py); any other
    OPTIONS is the 405 it was before CORS, naming the path's methods."""
    if path not in METHODS:
        METHODS[path] = set()

        def options(**_: str) -> Response:
            if is_allowed_preflight(bp.current_request):
                return preflight()
            refused = error_response(
                AppError("method_not_allowed", "Unsupported method: OPTIONS"),
                {"Allow": ", ".join(sorted(METHODS[path]))},
            )
            refused.status_code = 405
            return refused

        options.__name__ = f"preflight_{len(METHODS)}"
        bp.route(path, methods=["OPTIONS"], content_types=ANY_TYPE)(options)
    METHODS[path].add(method)


def _handle(request: Request, route: Route, view: Callable[..., Any], path: dict[str, str]) -> Response:
    try:
        call = Call(
            session=route.access.authorize(get_deps, request, path), path=path, request=_request_info(request)
        )
        if call.session.caller.support_session is not None and not route.admits_support:
            raise refused_support()
        if (body := route.body) is not None:
            raw = request.raw_body
            call.body = parse_body(body, raw.encode() if isinstance(raw, str) else raw)
        if (query := route.query) is not None:
            call.query = parse_query(query, request.query_params or {})
        key = idempotency.key_of(request) if route.idempotent else None
        with _listeners_known(call.session.account):
            if key is None:
                return render(view(call, **path), route.status)
            return _once(call, route, view, path, key)
    except AppError as error:
        return error_response(error)
    except ConfigError:
        log.exception("service misconfigured")
        return error_response(AppError("internal_error", "The service is not configured correctly."))
    except Exception:
        log.exception("unhandled error on %s %s", route.method, route.path)
        return error_response(AppError("internal_error", "An unexpected error occurred."))


def _listeners_known(account: AccountItem | None) -> AbstractContextManager[None]:
    """Whether the account's events need the webhook outbox, as read while authorizing (store/listeners.py);
    loaded only when an account was read, so a public route's cold start loads no storage module."""
    if account is None:
        return nullcontext()
    from chalicelib.store.listeners import known

    return known([account])


def _once(call: Call, route: Route, view: Callable[..., Any], path: dict[str, str], key: str) -> Response:
    """The view run once per Idempotency-Key (api/idempotency.py): a replay answers the first success."""
    body = call.body.model_dump_json() if isinstance(call.body, BaseModel) else ""
    where = f"{route.method} {route.path.format(**path)}"  # the path as asked: scoped to its account
    held = idempotency.claim(call.deps, call.caller, where, key, body, route.resumable)
    if isinstance(held, Response):
        return held
    try:
        with idempotency.marking(call.deps, held):
            answer = view(call, **path)
        response = render(answer, route.status)
    except AppError as error:
        response = error_response(error)
    except idempotency.TakenOver:  # it outlived its lease and a retry holds the key: nothing more committed
        response = error_response(idempotency.in_progress())
    except BaseException:
        idempotency.settle(call.deps, held, Response(body="", status_code=500))
        raise
    idempotency.settle(call.deps, held, response)
    return response


def _request_info(request: Request) -> RequestInfo:
    """API Gateway's request id and the client's address (both absent when the gateway gives none)."""
    context: dict[str, Any] = request.context if isinstance(request.context, dict) else {}
    identity = context.get("identity")
    request_id = context.get("requestId")
    source_ip = identity.get("sourceIp") if isinstance(identity, dict) else None
    return RequestInfo(
        request_id if isinstance(request_id, str) else None, source_ip if isinstance(source_ip, str) else None
    )


def parse_body(model: type[BaseModel], raw: bytes | None) -> Any:
    if not raw:  # (its size was checked by error_middleware before any view ran)
        raise AppError("invalid_json", "A JSON object body is required.")
    try:
        data = json.loads(
            raw.decode("utf-8"), parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys
        )
    except DuplicateKeyError as error:
        raise AppError("invalid_json", f"The body repeats the key {error.args[0]!r}.") from None
    except (UnicodeDecodeError, ValueError):
        raise AppError("invalid_json", "The body is not valid UTF-8 JSON.") from None
    except RecursionError:
        raise AppError("invalid_json", "The body is nested too deeply.") from None
    try:
        # JSON may escape lone surrogates ("\\ud800") that no UTF-8 store or email can hold.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise AppError("invalid_json", "The body contains invalid Unicode (a lone surrogate).") from None
    return validate(model, data)


def parse_query(model: type[BaseModel], params: Any) -> Any:
    return validate(model, dict(params))


def validate(model: type[BaseModel], data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        details = [_detail(item) for item in error.errors(include_url=False, include_input=False)]
        raise AppError("validation_error", "The request is not valid.", details=details) from None


def _detail(item: Any) -> dict[str, str]:
    location = ".".join(str(part) for part in item["loc"]) or "body"
    return {"field": location, "message": _message(item["type"], item.get("ctx") or {}, item["msg"])}


def _message(kind: str, ctx: dict[str, Any], raw: str) -> str:
    """A validation message for a person, never a library's wording ("Input should be ...")."""
    if kind == "value_error":
        return str(ctx.get("error", raw))
    if kind in ("too_long", "too_short", "string_too_long", "string_too_short"):
        unit = "characters" if kind.startswith("string") else "items"
        if "max_length" in ctx:
            return f"must have at most {ctx['max_length']} {unit}"
        return (
            "must not be empty"
            if ctx.get("min_length") == 1
            else f"must have at least {ctx['min_length']} {unit}"
        )
    if kind in ("literal_error", "enum"):
        return f"must be one of {ctx.get('expected', 'the listed values')}"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        return f"must be at {'least' if kind == 'greater_than_equal' else 'most'} {bound}"
    return _KIND_MESSAGES.get(kind, raw)


_KIND_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "is required",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "string_pattern_mismatch": "contains characters that are not allowed here",
    "none_required": "must be left out",
}


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """{"role": "member", "role": "admin"} means two things; the last one silently winning is how a filter
    in front of the API and the API come to disagree about a request."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise DuplicateKeyError(key)
        found[key] = value
    return found


class DuplicateKeyError(ValueError):
    pass


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def render(result: Any, status: int) -> Response:
    if isinstance(result, Page):
        cache = f"public, max-age={result.cache_seconds}" if result.cache_seconds else "no-store"
        headers: dict[str, str | list[str]] = {"Content-Type": result.content_type, "Cache-Control": cache}
        if result.content_type.startswith("text/html"):
            headers |= {"Content-Security-Policy": PAGE_CSP, "X-Frame-Options": "DENY"}
        return Response(body=result.body, status_code=status, headers=headers)
    if result is None:
        return Response(body="", status_code=status, headers={"Cache-Control": "no-store"})
    if isinstance(result, BaseModel):
        return Response(body=result.model_dump_json(), status_code=status, headers={**_BASE_HEADERS})
    return Response(body=json.dumps(result), status_code=status, headers={**_BASE_HEADERS})


def error_response(error: AppError, headers: dict[str, str | list[str]] | None = None) -> Response:
    all_headers: dict[str, str | list[str]] = {**_BASE_HEADERS, **(headers or {})}
    if error.retry_after is not None:
        all_headers["Retry-After"] = str(error.retry_after)
    return Response(body=json.dumps(error.body()), status_code=error.status, headers=all_headers)


def _too_large() -> AppError:
    return AppError("payload_too_large", f"The body is larger than {MAX_BODY_BYTES // 1024} KiB.")


# Chalice answers some requests itself (wrong method, wrong media type) in its own format.
_CHALICE_CODES = {405: "method_not_allowed", 415: "unsupported_media_type"}


def error_middleware(request: Request, get_response: Callable[[Request], Response]) -> Response:
    """Registered for every HTTP request in app.py: size limit first, Chalice's own error bodies rewritten
    into the contract's format (so no client ever sees two error shapes), and the security headers on
    every answer, and the CORS headers for an allowed origin (api/cors.py)."""
    response = _contract_response(request, get_response)
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
    if response.status_code >= 400 and isinstance(body, dict) and "Code" in body:
        code = _CHALICE_CODES.get(response.status_code, "internal_error")
        status = response.status_code if code != "internal_error" else 500
        message = str(body.get("Message", "The request could not be handled."))
        if code == "internal_error":
            message = "An unexpected error occurred."
        extra: dict[str, str | list[str]] | None = (
            {"Allow": response.headers["Allow"]} if "Allow" in response.headers else None
        )
        rendered = error_response(AppError(code, message), extra)
        rendered.status_code = status
        return rendered
    return response
