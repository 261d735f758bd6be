"""The HTTP edge: one `endpoint` decorator registers a route, authorizes the caller, parses the body and
query into pydantic models (api/requests.py), renders the result, and answers every error with the
contract's error body (api/errors.py).

The route table it keeps (api/routes.py ROUTES) is what the OpenAPI document is generated from.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Request, Response
from pydantic import BaseModel

from chalicelib.api import idempotency
from chalicelib.api.cors import METHODS, is_allowed_preflight, preflight
from chalicelib.api.errors import JSON_HEADERS, error_response
from chalicelib.api.requests import parse_body, parse_query
from chalicelib.api.route_guards import Access, refused_support
from chalicelib.api.routes import ROUTES, Model, Route
from chalicelib.config import ConfigError
from chalicelib.deps import Deps, get_deps
from chalicelib.domain.caller import Caller, RequestInfo
from chalicelib.errors import AppError, ErrorCode, not_found, unauthenticated

if TYPE_CHECKING:
    from chalicelib.services.authentication import Session
    from chalicelib.store.models import AccountItem, UserItem

log = logging.getLogger(__name__)

JSON_TYPES = ["application/json"]
ANY_TYPE = ["*/*"]


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
    errors: tuple[ErrorCode, ...] = (),
    media_types: tuple[str, ...] = ("application/json",),
    idempotent: bool | None = None,
    resumable: bool = False,
    answers: tuple[tuple[int, Model], ...] = (),
    uploads: tuple[str, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`errors`: the codes the view's own rules can answer (those of its traits are added: Route.codes).
    `idempotent`: whether it takes an Idempotency-Key; by default the POSTs that answer 201 (create).
    `resumable`: its view completes what a lost run under the same key left undone (api/idempotency.py).
    `uploads`: the media types of a raw body the view reads itself (any other is 415 from Chalice)."""
    takes_key = idempotent if idempotent is not None else method == "POST" and status == 201
    route = Route(
        method,
        path,
        "",
        "",
        access,
        body,
        query,
        returns,
        status,
        errors,
        media_types,
        takes_key,
        resumable,
        answers,
        uploads,
    )

    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        summary = (view.__doc__ or view.__name__).strip().splitlines()[0]
        return _register(bp, replace(route, name=view.__name__, summary=summary), view)

    return register


def _register(bp: Blueprint, route: Route, view: Callable[..., Any]) -> Callable[..., Any]:
    ROUTES.append(route)

    def handler(**path_params: str) -> Response:
        return _handle(bp.current_request, route, view, path_params)

    handler.__name__ = view.__name__
    content_types = JSON_TYPES if route.body_model else list(route.uploads) or ANY_TYPE
    bp.route(route.path, methods=[route.method], content_types=content_types)(handler)
    _preflight_route(bp, route.path, route.method)
    return view


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
        return error_response(error, public=route.access.security() is None)
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
    agent = request.headers.get("user-agent") if request.headers is not None else None
    return RequestInfo(
        request_id if isinstance(request_id, str) else None,
        source_ip if isinstance(source_ip, str) else None,
        agent if isinstance(agent, str) else None,
    )


def render(result: Any, status: int) -> Response:
    if isinstance(result, Response):  # a view whose status depends on what it did (POST .../join)
        return result
    if isinstance(result, Page):
        cache = f"public, max-age={result.cache_seconds}" if result.cache_seconds else "no-store"
        headers: dict[str, str | list[str]] = {"Content-Type": result.content_type, "Cache-Control": cache}
        if result.content_type.startswith("text/html"):
            headers |= {"Content-Security-Policy": PAGE_CSP, "X-Frame-Options": "DENY"}
        return Response(body=result.body, status_code=status, headers=headers)
    if result is None:
        return Response(body="", status_code=status, headers={"Cache-Control": "no-store"})
    if isinstance(result, BaseModel):
        return Response(body=result.model_dump_json(), status_code=status, headers={**JSON_HEADERS})
    return Response(body=json.dumps(result), status_code=status, headers={**JSON_HEADERS})
