"""Who may call a route: one mechanism for all of them. Each rule is an object that authorizes a request
and describes itself (security scheme, error codes) to the OpenAPI generator, so the document and the
behaviour cannot disagree. Authenticating is the services' job (services/authentication.py); this module
reads the request's headers and applies the route's rule."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from chalice.app import Request

from chalicelib.api.lazy import authentication as auth
from chalicelib.domain.support import SUPPORT_BARRED_SEGMENTS
from chalicelib.errors import AppError, ErrorCode, forbidden, not_found, unauthenticated
from chalicelib.store import keys

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.services.authentication import Session

MAX_TOKEN_LENGTH = 2048
Security = list[dict[str, list[str]]]
DepsProvider = Callable[[], "Deps"]
# A route's keys to read ahead from its request and the account in its path (AccountAccess.ahead).
ReadAhead = Callable[[Request, str], list[keys.Key]]
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

    codes: ClassVar[frozenset[ErrorCode]] = frozenset({"unauthenticated"})

    @abstractmethod
    def authorize(self, deps: DepsProvider, request: Request, path: dict[str, str]) -> Session: ...

    def security(self) -> Security | None:
        """OpenAPI `security` of the route: None for none at all."""
        return BEARER

    def error_codes(self) -> frozenset[ErrorCode]:
        """The codes this rule can refuse a request with."""
        return self.codes

    def admits_support(self) -> bool:
        """Whether a support session's token may pass this rule (api/http.py refuses it otherwise: 403)."""
        return False


def admits_support(access: Access, path: str) -> bool:
    """A route a support session's token may call: its rule admits it and its path is not barred."""
    return access.admits_support() and not SUPPORT_BARRED_SEGMENTS & set(path.split("/"))


def mfa_required() -> AppError:
    return AppError(
        "mfa_required",
        "This account requires two-step sign-in. Add a second factor under Your info, then sign in with it.",
    )


def refused_support() -> AppError:
    return AppError("forbidden", "A support session cannot do this.")


class Public(Access):
    codes = frozenset()

    def admits_support(self) -> bool:
        return True  # nothing is read from a token here

    def authorize(self, deps: DepsProvider, request: Request, path: dict[str, str]) -> Session:
        from chalicelib.services.authentication import (
            NO_SESSION,  # a dataclass instance: no storage is loaded
        )

        return NO_SESSION

    def security(self) -> Security | None:
        return None


@dataclass(frozen=True)
class SignedIn(Access):
    """Any signed-in user; a support session's token only where `support` says so (reading /me).
    `optional`: no Bearer token at all is welcome too (the route's view answers that caller: joining
    through an invite link by email); a token that is sent is checked as ever."""

    support: bool = False
    optional: bool = False
    login: bool = False  # the route checks the password again: read the login with the user

    def authorize(self, deps: DepsProvider, request: Request, path: dict[str, str]) -> Session:
        token = _bearer_token(request)
        if token is None:
            if self.optional:
                return auth.NO_SESSION
            raise unauthenticated()
        return auth.signed_in(deps(), token, with_login=self.login)

    def security(self) -> Security | None:
        return [{}, *BEARER] if self.optional else BEARER

    def admits_support(self) -> bool:
        return self.support


@dataclass(frozen=True)
class TokenChecked(Access):
    """A Bearer token has its signature and expiry checked here; the route reads the user together with
    what it needs first and confirms them (`services.authentication.confirm`), which saves a round trip.
    Optional (`required=False`) where a caller without a login is welcome too (accepting an invitation)."""

    required: bool = True
    support: bool = False  # a support session's token is welcome (its session is checked by the route)

    def authorize(self, deps: DepsProvider, request: Request, path: dict[str, str]) -> Session:
        token = _bearer_token(request)
        if token is None:
            if self.required:
                raise unauthenticated()
            return auth.NO_SESSION
        claims = auth.read_token(deps(), token)
        if claims.support_session_id is not None and not self.support:
            raise refused_support()  # refused before the route reads anything with it
        return auth.Session(claims=claims)

    def security(self) -> Security | None:
        return BEARER if self.required else [{}, *BEARER]

    def admits_support(self) -> bool:
        return self.support


class OperatorOnly(Access):
    codes = frozenset({"unauthenticated", "forbidden"})

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
    no_support: bool = False  # a support session's token is told no (see also SUPPORT_BARRED_SEGMENTS)
    counts: bool = False  # the route shows the account's member counts: read their shards with it
    # Keys the route reads first, read ahead with the authorizing read (`Session.ahead`): any request
    # gives some or none, its view still validates it; only a caller the rule admits reaches them.
    ahead: ReadAhead | None = None

    def authorize(self, deps: DepsProvider, request: Request, path: dict[str, str]) -> Session:
        account_id = path["account_id"]
        valid_id = keys.is_valid_id(account_id)
        collaborators = deps()
        if _operator(collaborators, request):
            return auth.operator_on_account(collaborators, account_id if valid_id else None)
        token = _bearer_token(request)
        if token is None:
            raise unauthenticated()
        read_ahead = self.ahead
        ahead = partial(read_ahead, request, account_id) if read_ahead is not None and valid_id else None
        valid = account_id if valid_id else None
        session = auth.signed_in(collaborators, token, valid, counts=self.counts, ahead=ahead)
        caller = session.caller
        if caller.support_session is not None and caller.support_session.account_id != account_id:
            raise not_found("account")  # a support token's grant is its own account's, read whatever the path
        acting_on_self = self.self_param is not None and path.get(self.self_param) == caller.user_id
        decision = caller.decide(None if acting_on_self else self.permission)
        if decision.reason in ("not_member", "deactivated"):
            raise not_found("account")
        if auth.mfa_refused(session, collaborators.now()):
            raise mfa_required()
        if self.operator_only:
            raise AppError("forbidden", "Only an operator can do this.")
        if self.owner_only and not caller.is_owner:
            raise AppError("forbidden", "Only the account owner can do this.")
        manager = self.group_managers and caller.grant is not None and caller.grant.manages_group is not None
        if not decision.allowed and not manager:
            raise forbidden(self.permission or "")
        return session

    def security(self) -> Security | None:
        # the operator's routes declare its key alone: a generated client types them for that key only
        return OPERATOR_KEY if self.operator_only else [*BEARER, *OPERATOR_KEY]

    def error_codes(self) -> frozenset[ErrorCode]:
        refusable = self.permission is not None or self.owner_only or self.operator_only or self.no_support
        refusals = ("forbidden",) if refusable else ()
        return frozenset({"unauthenticated", "not_found", "mfa_required", *refusals})

    def admits_support(self) -> bool:
        return not (self.no_support or self.operator_only)


PUBLIC = Public()
SIGNED_IN = SignedIn()
SIGNED_IN_WITH_LOGIN = SignedIn(login=True)  # POST /me/password: the login rides the authorizing read
SIGNED_IN_OR_SUPPORT = SignedIn(support=True)
SIGNED_IN_OR_NOT = SignedIn(optional=True)  # POST /invite-links/join: signed in, or by email
MAYBE_SIGNED_IN = TokenChecked(required=False)
TOKEN_CHECKED = TokenChecked(support=True)  # POST /authorize: a support token asks about its own account
OPERATOR = OperatorOnly()
OWNER = AccountAccess(owner_only=True)
OWNER_COUNTED = AccountAccess(owner_only=True, counts=True)  # the owner, on a route answering the Account
OPERATOR_ON_ACCOUNT = AccountAccess(operator_only=True)


def member_of(
    permission: str | None = None,
    *,
    self_param: str | None = None,
    group_managers: bool = False,
    no_support: bool = False,
    counts: bool = False,
    ahead: ReadAhead | None = None,
) -> AccountAccess:
    return AccountAccess(
        permission=permission,
        self_param=self_param,
        group_managers=group_managers,
        no_support=no_support,
        counts=counts,
        ahead=ahead,
    )
