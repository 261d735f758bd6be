"""The route table: what each route is (its path, rule, models, status and the error codes it can answer),
kept by the `endpoint` decorator (api/http.py) as it registers each one. The OpenAPI document is generated
from it (api/openapi.py)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from chalicelib.api.lazy import ModelRef
from chalicelib.api.route_guards import Access, admits_support
from chalicelib.errors import ErrorCode

# A route's model: the class, or (from a route module's `LazyModels`) a reference imported on first use.
Model = type[BaseModel] | ModelRef


# The codes a route's traits bring (Route.codes); a route declares the rest (`errors=`).
EVERY_ROUTE: frozenset[ErrorCode] = frozenset({"internal_error"})
BODY_CODES: frozenset[ErrorCode] = frozenset(
    {"invalid_json", "validation_error", "payload_too_large", "unsupported_media_type"}
)
# a malformed key; its first request still running; it died after its change; the key with another body
IDEMPOTENCY_CODES: frozenset[ErrorCode] = frozenset(
    {"validation_error", "idempotency_in_progress", "idempotency_outcome_unknown", "idempotency_key_reused"}
)


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
    errors: tuple[ErrorCode, ...]  # codes this route's own rules can answer, beyond its traits' (`codes`)
    media_types: tuple[str, ...] = ("application/json",)  # of a success; other than JSON: the view's Page
    idempotent: bool = False  # takes an Idempotency-Key (api/idempotency.py)
    resumable: bool = False  # a retry under the key completes a lost run (api/idempotency.py claim)
    # other successful answers than `status` with `returns` (a join: 200 or 201 Member, 202 JoinRequest or
    # email_sent): (status, model); at the route's own status, one of them or `returns` (oneOf)
    answers: tuple[tuple[int, Model], ...] = ()
    uploads: tuple[str, ...] = ()  # the media types of a raw (not JSON) body the view reads itself (a logo)

    @property
    def admits_support(self) -> bool:
        """Whether a support session's token may call it (api/route_guards.py)."""
        return admits_support(self.access, self.path)

    @property
    def codes(self) -> frozenset[ErrorCode]:
        """Every code this route can answer: its own rules' and those its traits bring."""
        codes = set(self.errors) | EVERY_ROUTE | self.access.error_codes()
        if self.access.security() is not None and not self.admits_support:
            codes.add("forbidden")  # a support session's token is refused here
        if self.body_model is not None:
            codes |= BODY_CODES
        if self.query_model is not None:
            codes.add("validation_error")
        if self.idempotent:
            codes |= IDEMPOTENCY_CODES
        if self.method != "GET":
            codes.add("changed_meanwhile")  # a write that kept colliding with concurrent ones (store/tx.py)
        return frozenset(codes)

    def status_of(self, code: ErrorCode) -> int:
        """The status this route answers `code` with (a wrong code is 401 only where no token is taken)."""
        from chalicelib.api.errors import status_of

        return status_of(code, public=self.access.security() is None)

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

    @property
    def other_answers(self) -> list[tuple[int, type[BaseModel]]]:
        resolved = [(status, _resolved(model)) for status, model in self.answers]
        return [(status, model) for status, model in resolved if model is not None]


ROUTES: list[Route] = []
