"""The account's audit log (user_management, or the operator)."""

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.access import member_of
from chalicelib.api.http import Call, endpoint
from chalicelib.lazy import LazyModule
from chalicelib.schemas.audit import AuditPage, AuditQuery

bp = Blueprint(__name__)
if TYPE_CHECKING:
    from chalicelib.services import audit
else:
    audit = LazyModule("chalicelib.services.audit")


@endpoint(
    bp, "GET", "/accounts/{account_id}/audit-events", access=member_of("user_management"), query=AuditQuery,
    returns=AuditPage,
)  # fmt: skip
def list_audit_events(call: Call, account_id: str) -> AuditPage:
    """Every change to the account, newest first: filter by type, actor, target and time."""
    return audit.list_events(call.deps, account_id, call.query)
