"""The audit event a change commits with (every writing use case imports this, so it loads no output model;
reading the log is services/audit_log.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.deps import Deps
from chalicelib.domain.audit import EventType, Target, event
from chalicelib.domain.caller import Caller
from chalicelib.store.audit import audit_item
from chalicelib.store.models import AuditEventItem


def record(
    deps: Deps,
    type: EventType,
    caller: Caller,
    account_id: str,
    target: Target,
    changes: Mapping[str, tuple[Any, Any]] | None = None,
) -> AuditEventItem:
    """The item recording a change by `caller`, for the store to write in the change's own transaction."""
    made = event(type, caller, account_id, target, deps.now(), changes)
    return audit_item(made, deps.settings.audit_retention_days)
