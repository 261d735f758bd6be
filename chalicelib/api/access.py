"""Who may call a route: one mechanism for all of them. Each rule is an object that authorizes a request
and describes itself (security scheme, error statuses) to the OpenAPI generator, so the document and the
behaviour cannot disagree. Authenticating is the services' job (services/auth.py); this module reads the
request's headers and applies the route's rule."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from chalice.app import Request

from chalicelib.errors import AppError, forbidden, not_found, unauthenticated
from chalicelib.lazy import LazyModule
from chalicelib.store import keys

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.services import auth
    from chalicelib.services.auth import Session
else:
    auth = LazyModule("chalicelib.services.auth")

MAX_TOKEN_LENGTH = 2048
Security = list[dict[str, list[str]]]
DepsProvider = Callable[[], "Deps"]
BEARER: Security = [{"bearer": []}]
OPERATOR_KEY: Security = [{"operator": []}]


def _bearer_token(request: Request) -> str | None:
    header: str | None = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH:
        raise unauthenticated("Use 'Authorization: Bearer <access_token>'.")
    return token


def _operator(deps: Deps, request: Request) -> bool:
    """True with a valid operator key; a request that also carries a Bearer token is refused if that token
    is bad (fail closed: a mix of credentials never lets the weaker one slip by)."""
    key = request.headers.get("x-operator-key")
    if key is None:
        return False
    if not auth.is_operator_key(deps, key):
        raise unauthenticated("The operator key is not valid.")
    bearer = _bearer_token(request)
    if bearer is not None:
        auth.signed_in(deps, bearer)
    return True


class Access(ABC):
    """A route's rule. `authorize` gets the collaborators through `deps()`, so a public route never builds
    them."""

    statuses: ClassVar[frozenset[int]] = frozenset({401})

    @abstractmethod
    def authorize(self, deps: DepsProvider, request: Request, path: dict[str, str]) -> Session: ...

    def security(self) -> Security | None:
        """OpenAPI `security` of the route: None for none at all."""
        return BEARER

    def error_statuses(self) -> frozenset[int]:
        return self.statuses


class Public(Access):
    statuses = frozenset()

    def authorize(self, deps: DepsProvider, request: Request, path: dict[str, str]) -> Session:
        from chalicelib.services.auth import NO_SESSION  # a dataclass instance: no storage is loaded

        return NO_SESSION

    def security(self) -> Security | None:
        return None


class SignedIn(Access):
    def authorize(self, deps: DepsProvider, request: Request, path: dict[str, str]) -> Session:
        token = _bearer_token(request)
        if token is None:
            raise unauthenticated()
        return auth.signed_in(deps(), token)


@dataclass(frozen=True)
class TokenChecked(Access):
    """A Bearer token has its signature and expiry checked here; the route reads the user together with
    what it needs first and confirms them (`services.auth.confirm`), which saves a round trip. Optional
    (`required=False`) where a caller without a login is welcome too (accepting an invitation)."""

    required: bool = True

    def authorize(self, deps: DepsProvider, request: Request, path: dict[str, str]) -> Session:
        token = _bearer_token(request)
        if token is None:
            if self.required:
                raise unauthenticated()
            return auth.NO_SESSION
        return auth.Session(claims=auth.read_token(deps(), token))

    def security(self) -> Security | None:
        return BEARER if self.required else [{}, *BEARER]


class OperatorOnly(Access):
    statuses = frozenset({401, 403})

    def authorize(self, deps: DepsProvider, request: Request, path: dict[str, str]) -> Session:
        if _operator(deps(), request):
            return auth.OPERATOR_SESSION
        if request.headers.get("authorization") is not None:
            raise AppError("forbidden", "Only an operator can do this.")
        raise unauthenticated("This needs the X-Operator-Key header.")

    def security(self) -> Security | None:
        return OPERATOR_KEY


@dataclass(frozen=True)
class AccountAccess(Access):
    """Routes under /accounts/{account_id}: the operator, or an active member of that account (anyone else
    gets 404: an account you are not in does not exist for you). `permission`: the key needed (None: any
    active member); `self_param`: a path parameter that, when it is the caller's own user id, waives the
    permission (read or leave yourself); `owner_only`: the owner (or the operator)."""

    permission: str | None = None
    self_param: str | None = None
    owner_only: bool = False
    group_managers: bool = False  # a group manager may call it too, for their own group (services check)
    operator_only: bool = False  # the operator alone (a member is told no; anyone else sees no account)

    def authorize(self, deps: DepsProvider, request: Request, path: dict[str, str]) -> Session:
        account_id = path["account_id"]
        valid_id = keys.is_valid_id(account_id)
        collaborators = deps()
        if _operator(collaborators, request):
            return auth.operator_on_account(collaborators, account_id if valid_id else None)
        token = _bearer_token(request)
        if token is None:
            raise unauthenticated()
        session = auth.signed_in(collaborators, token, account_id if valid_id else None)
        caller = session.caller
        acting_on_self = self.self_param is not None and path.get(self.self_param) == caller.user_id
        decision = caller.decide(None if acting_on_self else self.permission)
        if decision.reason in ("not_member", "deactivated"):
            raise not_found("account")
        if self.operator_only:
            raise AppError("forbidden", "Only an operator can do this.")
        if self.owner_only and not caller.is_owner:
            raise AppError("forbidden", "Only the account owner can do this.")
        manager = self.group_managers and caller.grant is not None and caller.grant.manages_group is not None
        if not decision.allowed and not manager:
            raise forbidden(self.permission or "")
        return session

    def security(self) -> Security | None:
        return [*BEARER, *OPERATOR_KEY]

    def error_statuses(self) -> frozenset[int]:
        refusable = self.permission is not None or self.owner_only or self.operator_only
        return frozenset({401, 404} | ({403} if refusable else set()))


PUBLIC = Public()
SIGNED_IN = SignedIn()
MAYBE_SIGNED_IN = TokenChecked(required=False)
TOKEN_CHECKED = TokenChecked()
OPERATOR = OperatorOnly()
OWNER = AccountAccess(owner_only=True)
OPERATOR_ON_ACCOUNT = AccountAccess(operator_only=True)


def member_of(
    permission: str | None = None, *, self_param: str | None = None, group_managers: bool = False
) -> AccountAccess:
    return AccountAccess(permission=permission, self_param=self_param, group_managers=group_managers)
