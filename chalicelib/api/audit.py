"""The account's audit log (user_management, or the operator)."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.api.lazy import audit_log
from chalicelib.api.lazy import audit_schemas as schemas
from chalicelib.api.route_guards import member_of

bp = Blueprint(__name__)


@endpoint(
    bp,
    "GET",
    "/accounts/{account_id}/audit-events",
    access=member_of("user_management"),
    query=schemas.AuditQuery,
    returns=schemas.AuditPage,
)
def list_audit_events(call: Call, account_id: str) -> schemas.AuditPage:
    """Every change to the account, newest first: filter by type, actor, target and time (with two of type,
    actor and target, a page reads 4 x `limit` events at most and may come back short, with a cursor)."""
    return audit_log.list_events(call.deps, account_id, call.query)
