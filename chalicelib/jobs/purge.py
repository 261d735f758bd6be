"""Deleting expired invitations: hourly on AWS, or by hand through chalicelib.cli."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalice.app import Blueprint, Rate

from chalicelib.deps import get_deps, utc_now

if TYPE_CHECKING:  # storage types only: a route module does not load the storage layer
    from chalicelib.services.ports import Repositories
    from chalicelib.store.models import AuditEventItem, InvitationItem

log = logging.getLogger(__name__)
bp = Blueprint(__name__)


@dataclass(frozen=True)
class PurgeReport:
    expired_found: int
    deleted: int
    pages: int = 0


def purge_expired(
    store: Repositories, due_by: datetime, retention_days: int = 400, recorded_at: datetime | None = None
) -> PurgeReport:
    """Deletes what had expired by `due_by` (the CLI's --now may look ahead), a page at a time: it reads only
    the expiry index up to then, and holds one page in memory, whatever the backlog. Each deletion records its
    invitation.expired (by the system, at the real time `recorded_at`) in the same transaction, and takes the
    invitation off its group's count. Expiry is also enforced on every read: nothing depends on when this
    runs. An account's events enter the webhook outbox only if it (or the operator) has endpoints: one
    BatchGetItem of the page's accounts tells."""
    from chalicelib.domain.audit import SYSTEM, Event, Target
    from chalicelib.store.audit import audit_item
    from chalicelib.store.listeners import known, refresh_operator

    at = recorded_at or utc_now()

    def expired_event(invitation: InvitationItem) -> AuditEventItem:
        target = Target("invitation", invitation.invitation_id, invitation.email)
        return audit_item(
            Event("invitation.expired", invitation.account_id, SYSTEM, target, at), retention_days
        )

    found = deleted = pages = 0
    for page in store.invitations.expired_pages(due_by):
        refresh_operator()  # does the operator's feed hear every account? (a page can outlast the cache)
        with known(store.accounts.get_accounts({invitation.account_id for invitation in page})):
            deleted += store.invitations.delete_expired(page, due_by, expired_event)
        found, pages = found + len(page), pages + 1
    return PurgeReport(expired_found=found, deleted=deleted, pages=pages)


@bp.schedule(Rate(1, unit=Rate.HOURS), name="purge_expired_invitations")
def purge_expired_invitations(event: object) -> dict[str, int]:
    deps = get_deps()
    now = deps.now()
    report = purge_expired(deps.store, now, deps.settings.audit_retention_days, recorded_at=now)
    log.info("purged expired invitations: %s", report)
    return {"expired_found": report.expired_found, "deleted": report.deleted}
