"""Sign-in sessions and security events of the signed-in user; an account's second-factor policy and an
admin's sign-out of a member."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.api.lazy import account_security, session_list
from chalicelib.api.lazy import security_schemas as schemas
from chalicelib.api.route_guards import OWNER, SIGNED_IN, member_of

bp = Blueprint(__name__)

# A group manager may sign out their group's members who are not managers (the service checks which).
MANAGE_GROUP = member_of("user_management", group_managers=True, no_support=True)
SECURITY = "/accounts/{account_id}/security"


@endpoint(
    bp, "GET", "/me/sessions", access=SIGNED_IN, query=schemas.SessionsQuery, returns=schemas.SessionPage
)
def list_sessions(call: Call) -> schemas.SessionPage:
    """Your sign-in sessions, newest first; `current` marks the one asking."""
    return session_list.list_sessions(call.deps, call.session.claims, call.query.limit, call.query.cursor)


@endpoint(bp, "DELETE", "/me/sessions/{session_id}", access=SIGNED_IN, status=204, errors=("not_found",))
def end_session(call: Call, session_id: str) -> None:
    """Sign out one session: its token stops working at once."""
    session_list.end_session(call.deps, call.session.claims, session_id)


@endpoint(bp, "DELETE", "/me/sessions", access=SIGNED_IN, status=204)
def end_other_sessions(call: Call) -> None:
    """Sign out everywhere else: every session but this one ends."""
    session_list.end_other_sessions(call.deps, call.session.claims)


@endpoint(
    bp,
    "GET",
    "/me/security-events",
    access=SIGNED_IN,
    query=schemas.SecurityEventsQuery,
    returns=schemas.SecurityEventPage,
)
def security_events(call: Call) -> schemas.SecurityEventPage:
    """Your sign-ins, second factors added or removed and sessions ended, of the last 90 days."""
    query = call.query
    return session_list.security_events(call.deps, call.session.claims, query.limit, query.cursor)


@endpoint(bp, "GET", SECURITY, access=OWNER, returns=schemas.SecurityPolicyOut)
def get_security(call: Call, account_id: str) -> schemas.SecurityPolicyOut:
    """The account's second-factor policy."""
    return account_security.get_policy(call.account)


@endpoint(bp, "PUT", SECURITY, access=OWNER, body=schemas.SecurityPolicyIn, returns=schemas.SecurityPolicyOut)
def put_security(call: Call, account_id: str) -> schemas.SecurityPolicyOut:
    """Set who must sign in with a second factor here (off, admins, all), after a grace of some days."""
    return account_security.put_policy(call.deps, call.caller, call.account, call.body)


@endpoint(
    bp,
    "POST",
    "/accounts/{account_id}/members/{user_id}/sign-out",
    access=MANAGE_GROUP,
    status=204,
    errors=("not_found", "owner_immutable"),
)
def sign_out_member(call: Call, account_id: str, user_id: str) -> None:
    """Sign a member out of this account: their tokens issued until now stop working here."""
    account_security.sign_out_member(call.deps, call.caller, call.account, user_id)
