"""Deleting expired invitations: hourly on AWS, or by hand through chalicelib.cli."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalice.app import Blueprint, Rate

from chalicelib.deps import get_deps

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.store.models import AuditEventItem, InvitationItem
    from chalicelib.store.repository import Store

log = logging.getLogger(__name__)
bp = Blueprint(__name__)


@dataclass(frozen=True)
class PurgeReport:
    expired_found: int
    deleted: int


def purge_expired(store: Store, now: datetime, retention_days: int = 400) -> PurgeReport:
    """Reads only the expiry index up to now, so its cost follows the expired count, not the table.
    Expiry is also enforced on every read: nothing depends on when this runs. Each deletion records its
    invitation.expired (by the system) in the same transaction."""
    from chalicelib.domain.audit import SYSTEM, Event, Target
    from chalicelib.store.audit import audit_item

    def expired_event(invitation: InvitationItem) -> AuditEventItem:
        target = Target("invitation", invitation.invitation_id, invitation.email)
        return audit_item(
            Event("invitation.expired", invitation.account_id, SYSTEM, target, now), retention_days
        )

    expired = store.invitations.expired_invitations(now)
    deleted = store.invitations.delete_expired(expired, now, expired_event)
    return PurgeReport(expired_found=len(expired), deleted=deleted)


@bp.schedule(Rate(1, unit=Rate.HOURS), name="purge_expired_invitations")
def purge_expired_invitations(event: object) -> dict[str, int]:
    deps = get_deps()
    report = purge_expired(deps.store, deps.now(), deps.settings.audit_retention_days)
    log.info("purged expired invitations: %s", report)
    return {"expired_found": report.expired_found, "deleted": report.deleted}
