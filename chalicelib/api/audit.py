"""The account's audit log (user_management, or the operator)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.api.route_guards import member_of
from chalicelib.lazy import LazyModels, LazyModule

bp = Blueprint(__name__)

# Each use case and each model loads with the first request that needs it (see chalicelib/lazy.py).
if TYPE_CHECKING:
    from chalicelib.schemas import audit as schemas
    from chalicelib.services import audit_log
else:
    schemas = LazyModels("chalicelib.schemas.audit")
    audit_log = LazyModule("chalicelib.services.audit_log")


@endpoint(
    bp,
    "GET",
    "/accounts/{account_id}/audit-events",
    access=member_of("user_management"),
    query=schemas.AuditQuery,
    returns=schemas.AuditPage,
)
def list_audit_events(call: Call, account_id: str) -> schemas.AuditPage:
    """Every change to the account, newest first: filter by type, actor, target and time."""
    return audit_log.list_events(call.deps, account_id, call.query)
