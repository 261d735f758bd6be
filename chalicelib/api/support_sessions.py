"""Support sessions (operator only): support staff acting as a member, with a trail."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.api.lazy import support_sessions
from chalicelib.api.lazy import support_sessions_schemas as schemas
from chalicelib.api.route_guards import OPERATOR_ON_ACCOUNT

bp = Blueprint(__name__)


BASE = "/accounts/{account_id}/support-sessions"


@endpoint(
    bp,
    "POST",
    BASE,
    access=OPERATOR_ON_ACCOUNT,
    body=schemas.SupportSessionIn,
    returns=schemas.SupportSessionCreated,
    status=201,
    errors=("not_found", "member_deactivated"),
    idempotent=False,  # its answer is an access token: never stored to replay (api/idempotency.py)
)
def start_support_session(call: Call, account_id: str) -> schemas.SupportSessionCreated:
    """Act as an active member of this account for an hour at most; the owner is emailed."""
    return support_sessions.start(call.deps, call.caller, call.account, call.body)


@endpoint(
    bp,
    "DELETE",
    BASE + "/{support_session_id}",
    access=OPERATOR_ON_ACCOUNT,
    status=204,
    errors=("not_found",),
)
def end_support_session(call: Call, account_id: str, support_session_id: str) -> None:
    """End a support session early: its token stops working at once."""
    support_sessions.end(call.deps, call.caller, call.account, support_session_id)
