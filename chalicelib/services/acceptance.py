"""Opening an invitation link: look it up, then accept it as a new or an existing user."""

from __future__ import annotations

from datetime import datetime

from chalicelib.deps import Deps
from chalicelib.domain.audit import Target, changed
from chalicelib.domain.caller import Caller, RequestInfo
from chalicelib.domain.invitations import is_expired, link_gone_message
from chalicelib.domain.locales import as_locale
from chalicelib.domain.permissions import as_role
from chalicelib.domain.profile import NAME_FIELDS, PROFILE_FIELDS, contact_at_join
from chalicelib.domain.reminders import link_opens
from chalicelib.errors import (
    AppError,
    changed_meanwhile,
    not_found,
    validation_error,
)
from chalicelib.ids import new_id
from chalicelib.schemas.brands import Brand
from chalicelib.schemas.invitations import AcceptIn, AcceptOut, LookupOut
from chalicelib.schemas.members import Member
from chalicelib.schemas.sessions import User
from chalicelib.security.links import hash_link_token, is_link_token_shape
from chalicelib.security.tokens import TokenClaims
from chalicelib.services.audit_record import record
from chalicelib.services.authentication import confirm, live_sub_accounts
from chalicelib.services.brands import brand_of_account
from chalicelib.services.sessions import verify_on_link
from chalicelib.services.sign_in import has_second_factor, issue_sign_in
from chalicelib.store.invitations import InvitationContext
from chalicelib.store.links import link_attempts
from chalicelib.store.members import new_membership_item
from chalicelib.store.models import (
    AccountItem,
    AuditEventItem,
    InvitationItem,
    Item,
    LinkItem,
    LoginItem,
    MembershipItem,
    UserItem,
)
from chalicelib.store.outcomes import Failure
from chalicelib.store.users import new_user_items

MIN_NEW_PASSWORD = 10


# An existing user's accept copies their names; each rename landing meanwhile costs one more try.
ACCEPT_TRIES = 3


def _not_accepted(failed: frozenset[Failure]) -> AppError | None:
    """Why the accepting transaction did not commit; a fresh error each time (a raised exception carries
    its traceback, so a shared one would grow in a warm Lambda). None: the invitation was used, revoked or
    resent meanwhile (or a concurrent accept won), which its link now tells."""
    if "already_member" in failed:
        return AppError("already_member", "You are already a member of this account.")
    if "owner_taken" in failed:
        return AppError("owner_exists", "This account already has an owner.")
    if "email_taken" in failed:
        return AppError("login_exists", "A login for this email was created meanwhile; accept with it.")
    if "renamed" in failed:
        return changed_meanwhile("Your name kept changing while you accepted; try again.")
    return None


def _gone(link: LinkItem | None = None) -> AppError:
    """404 for a link that opens nothing; its holder is told why when its link says so (LinkItem.ended)."""
    return AppError("not_found", link_gone_message(link.ended if link is not None else None))


def _open_link(
    deps: Deps, token: str, claims: TokenClaims | None = None, *, counted: bool = False
) -> tuple[LinkItem, UserItem | None]:
    """The invitation link and, with a Bearer token, the signed-in caller, read in one round trip.
    `counted`: a password may be checked, so the read is the write that counts it on the link."""
    token_hash = hash_link_token(token) if is_link_token_shape(token) else None
    caller = None
    if claims is None:
        if token_hash is None:
            link = None
        elif counted:
            link = deps.store.links.open_counted_link(token_hash, deps.now())
        else:
            link = deps.store.links.get_link(token_hash)
    else:
        context = deps.store.users.auth_context(
            claims.user_id, claims.token_id, link_hash=token_hash, session_id=claims.session_id
        )
        caller, link = confirm(claims, context).user, context.link  # a bad token is 401 first
    if link is None or link.purpose != "invitation" or link.ended is not None:
        raise _gone(link if link is not None and link.purpose == "invitation" else None)
    return link, caller


def _open(deps: Deps, link: LinkItem, token: str) -> InvitationContext:
    context = deps.store.invitations.invitation_context(link)
    invitation, account = context.invitation, context.account
    if (
        invitation is None
        or account is None
        or not link_opens(hash_link_token(token), invitation.token_hash, invitation.reminder_token_hash)
    ):
        raise _gone()
    if is_expired(invitation.expires_at, deps.now()):
        raise AppError("invitation_expired", "This invitation has expired; ask for a new one.")
    return context


def lookup(deps: Deps, token: str) -> LookupOut:
    context = _open(deps, _open_link(deps, token)[0], token)
    invitation, login, account = context.invitation, context.login, context.account
    assert invitation is not None and account is not None  # _open answered 404 otherwise
    return LookupOut(
        email=invitation.email,
        account_name=account.name,
        role=as_role(invitation.role),
        invited_by_name=invitation.invited_by_name,
        expires_at=invitation.expires_at,
        existing_user=login is not None,
        locale=as_locale(invitation.locale),
        brand=Brand.of(brand_of_account(deps, account)),
    )


def accept(
    deps: Deps, claims: TokenClaims | None, body: AcceptIn, request: RequestInfo | None = None
) -> AcceptOut:
    """Recorded as invitation.accepted by the user accepting (with the request's origin)."""
    link, caller = _open_link(deps, body.token, claims, counted=body.password is not None)
    if caller is not None and caller.email != link.email:
        raise AppError("email_mismatch", "This invitation is for another email address.")
    context = _open(deps, link, body.token)
    invitation, account, group = context.invitation, context.account, context.group
    assert invitation is not None and account is not None  # _open answered 404 otherwise
    now = deps.now()
    user, version, new_user = _accepting_user(deps, caller, link, context, body)
    event = _accepted_event(deps, invitation, account.account_id, user, request)
    hint = {account.account_id: invitation.group_id} if invitation.group_id else None
    started = issue_sign_in(deps, user.user_id, version, "invitation", hint, client=request, email=user.email)
    user, membership = _commit(deps, invitation, account, user, body, new_user, (event, started.writes), now)
    issued = started.issued
    return AcceptOut(
        access_token=issued.token,
        expires_at=issued.claims.expires_at,
        user=User.of(user),
        account_id=account.account_id,
        membership=Member.of_pair(
            user, membership, live_sub_accounts(account), {group.group_id: group} if group else {}
        ),
    )


NewUser = tuple[UserItem, LoginItem]
# The accepting transaction's audit event, and the sign-in's session and its security event.
Writes = tuple[AuditEventItem, tuple[Item, ...]]


def _accepting_user(
    deps: Deps, caller: UserItem | None, link: LinkItem, context: InvitationContext, body: AcceptIn
) -> tuple[UserItem, int, NewUser | None]:
    """Who accepts, their token version, and the user and login to create when the email has no login."""
    if context.login is not None:
        user, version = _existing_user(deps, caller, link, context, body)
        return user, version, None
    assert context.invitation is not None  # _open answered 404 otherwise
    new_user = _new_user(deps, context.invitation, body)
    return new_user[0], 0, new_user


def _accepted_event(
    deps: Deps, invitation: InvitationItem, account_id: str, user: UserItem, request: RequestInfo | None
) -> AuditEventItem:
    accepter = Caller("user", user_id=user.user_id, email=user.email, request=request)
    target = Target("invitation", invitation.invitation_id, invitation.email)
    joined = changed({}, {"user_id": user.user_id, "role": invitation.role})
    return record(deps, "invitation.accepted", accepter, account_id, target, joined)


def _commit(
    deps: Deps,
    invitation: InvitationItem,
    account: AccountItem,
    user: UserItem,
    body: AcceptIn,
    new_user: NewUser | None,
    writes: Writes,
    now: datetime,
) -> tuple[UserItem, MembershipItem]:
    """The accepting transaction, with the user and membership it wrote; tried again with the user as it is
    now when a rename landed meanwhile (the membership copies the names). `writes`: its audit event, then
    the sign-in's session and security event (services/sign_in.py)."""
    for attempt in range(ACCEPT_TRIES):
        user.last_login_at = now  # accepting signs in: the membership's copy says so too
        membership = _membership(invitation, account, user, body, now)
        # Past its conflicts too: the store retries an accept's transaction to its own success (store/tx.py)
        user_id = None if new_user else user.user_id
        outcome = deps.store.invitations.accept(invitation, membership, now, new_user, user_id, *writes)
        if "renamed" not in outcome.failed or attempt == ACCEPT_TRIES - 1:
            break
        renamed = deps.store.users.get_user(user.user_id)  # renamed meanwhile: copy what it holds now
        if renamed is None:
            raise not_found("invitation")
        user = renamed
    if not outcome:
        raise _not_accepted(outcome.failed) or _gone(deps.store.links.get_link(hash_link_token(body.token)))
    return user, membership


def _membership(
    invitation: InvitationItem, account: AccountItem, user: UserItem, body: AcceptIn, now: datetime
) -> MembershipItem:
    """Keyed by the account's name as read with the invitation: a rename committed before this accept is
    caught by the copies job's second pass over the account (store/member_copies.py `rewrite_names`)."""
    return new_membership_item(
        account.account_id,
        user.user_id,
        as_role(invitation.role),
        list(invitation.permissions),
        now,
        invited_by=invitation.invited_by,
        sub_accounts=invitation.sub_accounts,
        group_id=invitation.group_id,
        group_manager=invitation.group_manager,
        contact=contact_at_join(body, invitation, user),
        user=user,
        account_name=account.name,
    )


def _existing_user(
    deps: Deps, caller: UserItem | None, link: LinkItem, context: InvitationContext, body: AcceptIn
) -> tuple[UserItem, int]:
    """An existing login accepts with its Bearer token or its password; the invitation stays usable if not.
    The login, its failures and (usually) its user came with the invitation's read: none is read again."""
    if caller is not None:
        return caller, int(caller.token_version)
    if body.password is None:
        raise AppError("invalid_credentials", "This email already has a login: accept with its password.")
    login = context.login
    assert login is not None
    verify_on_link(deps, login, context.failures, link_attempts(link), body.password)
    # The link names the user when the login existed as it was sent; else (signed up since) read it now.
    user = context.user or deps.store.users.get_user(login.user_id)
    if user is None:
        raise not_found("invitation")
    if has_second_factor(user):  # a password alone must not sign in a login that has a second factor
        raise AppError("mfa_required", "This login has two-step sign-in: sign in, then accept signed in.")
    return user, int(login.token_version)


def _new_user(deps: Deps, invitation: InvitationItem, body: AcceptIn) -> tuple[UserItem, LoginItem]:
    profile = {name: getattr(body, name) or getattr(invitation, name) for name in PROFILE_FIELDS}
    missing = [name for name in NAME_FIELDS if not profile[name]]
    if body.password is None:
        missing.insert(0, "password")
    if missing:
        raise AppError(
            "validation_error",
            "A new login needs a password and a name.",
            details=[{"field": name, "message": "is required for a new login"} for name in missing],
        )
    if len(body.password or "") < MIN_NEW_PASSWORD:
        raise validation_error("password", f"must be at least {MIN_NEW_PASSWORD} characters")
    own = profile | {"locale": invitation.locale}  # the new login speaks its invitation's language
    return new_user_items(
        new_id("usr"), invitation.email, deps.passwords.hash(body.password or ""), own, deps.now()
    )
