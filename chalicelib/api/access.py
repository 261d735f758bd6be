"""Who may call a route: one mechanism for all of them. Resolving a signed-in caller costs one
BatchGetItem (user, membership of the account in the path, revoked-token marker); nothing but the user id
is trusted from the token, so deactivation, removal and password changes apply on the very next request."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalice.app import Request

from chalicelib.domain.permissions import allows
from chalicelib.errors import AppError, forbidden, not_found, unauthenticated
from chalicelib.store import keys

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.security.tokens import TokenClaims
    from chalicelib.store.models import AccountItem, MembershipItem, UserItem
    from chalicelib.store.users import AuthContext

MAX_TOKEN_LENGTH = 2048


@dataclass(frozen=True)
class Principal:
    user: UserItem | None = None
    claims: TokenClaims | None = None
    membership: MembershipItem | None = None
    operator: bool = False
    account: AccountItem | None = None  # read while authorizing an operator on an account route

    @property
    def user_id(self) -> str | None:
        return self.user.user_id if self.user else None

    def account_item(self) -> AccountItem:
        """The account in the path, read while authorizing (account routes only)."""
        if self.account is None:
            raise not_found("account")
        return self.account

    def require_user(self) -> UserItem:
        if self.user is None:
            raise unauthenticated()
        return self.user


ANONYMOUS = Principal()


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH:
        raise unauthenticated("Use 'Authorization: Bearer <access_token>'.")
    return token


def _operator(deps: Deps, request: Request) -> bool:
    key = request.headers.get("x-operator-key")
    if key is None:
        return False
    if not hmac.compare_digest(key.encode(), deps.settings.operator_api_key.encode()):
        raise unauthenticated("The operator key is not valid.")
    return True


def _signed_in(deps: Deps, token: str, account_id: str | None) -> Principal:
    claims = deps.tokens.read(token, deps.now())
    return confirm_caller(claims, deps.store.auth_context(claims.user_id, claims.token_id, account_id))


def confirm_caller(claims: TokenClaims, context: AuthContext) -> Principal:
    """The signed-in caller, once their user and revocation marker are read: 401 unless the user still
    exists, the token was not revoked (logout) and its version is current (password change)."""
    user = context.user
    if user is None or context.revoked or int(user.token_version) != claims.version:
        raise unauthenticated("The access token is no longer valid.")
    return Principal(user=user, claims=claims, membership=context.membership, account=context.account)


@dataclass(frozen=True)
class Access:
    """kind: public | optional_user | user | operator | account.

    optional_user: a Bearer token, when sent, has its signature and expiry checked here and the route reads
    the user with its own first read, then calls `confirm_caller` (saves a round trip; `principal.user`
    stays None until then).
    For account routes: `permission` the key needed (None: any active member); `self_param` names a path
    parameter that, when it is the caller's own user id, waives the permission (read or leave yourself);
    `owner_only` for ownership transfer."""

    kind: str
    permission: str | None = None
    self_param: str | None = None
    owner_only: bool = False

    def authorize(self, deps: Deps, request: Request, path: dict[str, str]) -> Principal:
        if self.kind == "public":
            return ANONYMOUS
        if self.kind == "operator":
            if _operator(deps, request):
                return Principal(operator=True)
            if request.headers.get("authorization") is not None:
                raise AppError("forbidden", "Only an operator can do this.")
            raise unauthenticated("This needs the X-Operator-Key header.")
        if self.kind == "account":
            return self._account(deps, request, path)
        token = _bearer_token(request)
        if token is None:
            if self.kind == "optional_user":
                return ANONYMOUS
            raise unauthenticated()
        if self.kind == "optional_user":
            return Principal(claims=deps.tokens.read(token, deps.now()))
        return _signed_in(deps, token, None)

    def _account(self, deps: Deps, request: Request, path: dict[str, str]) -> Principal:
        account_id = path["account_id"]
        valid_id = keys.is_valid_id(account_id)
        if _operator(deps, request):
            # Fail closed: a request that also carries a bearer token is refused if that token is bad.
            bearer = _bearer_token(request)
            if bearer is not None:
                _signed_in(deps, bearer, None)
            account = deps.store.get_account(account_id) if valid_id else None
            if account is None:
                raise not_found("account")
            return Principal(operator=True, account=account)
        token = _bearer_token(request)
        if token is None:
            raise unauthenticated()
        principal = _signed_in(deps, token, account_id if valid_id else None)
        membership = principal.membership
        if membership is None or membership.status != "active":
            raise not_found("account")
        if self.owner_only and membership.role != "owner":
            raise AppError("forbidden", "Only the account owner can do this.")
        acting_on_self = self.self_param is not None and path.get(self.self_param) == principal.user_id
        if (
            self.permission
            and not acting_on_self
            and not allows(membership.role, membership.permissions, self.permission)
        ):
            raise forbidden(self.permission)
        return principal


PUBLIC = Access("public")
SIGNED_IN = Access("user")
MAYBE_SIGNED_IN = Access("optional_user")
OPERATOR = Access("operator")


def member_of(permission: str | None = None, *, self_param: str | None = None) -> Access:
    return Access("account", permission=permission, self_param=self_param)


OWNER = Access("account", owner_only=True)
