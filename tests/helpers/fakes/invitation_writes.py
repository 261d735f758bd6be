"""What inviting writes in memory (store/invitation_items.py `add_invitation` and the chunks of
store/invitation_writes.py), under the conditions the real writes have: the email's claim free, or taken
over from an expired invitation whose seat was released; the address's windows with room."""

from __future__ import annotations

import copy
from datetime import datetime

from chalicelib.domain.outbox import Window
from chalicelib.store import keys
from chalicelib.store.invitations import NewInvitation, claim_item
from chalicelib.store.models import EmailClaimItem, InvitationItem
from chalicelib.store.outbox import limit_label
from chalicelib.store.outcomes import Failure
from chalicelib.store.tx import Outcome
from tests.helpers.fakes.table import OK, Table


def _counted(entry: NewInvitation) -> tuple[Window, ...]:
    """The address's windows an invitation counts in: its email's (store/invitations.py add_invitation)."""
    return entry.windows if entry.mail is not None else ()


def free_to_take(t: Table, entry: NewInvitation, now: datetime | None) -> bool:
    """store/invitations.py add_invitation's conditions: the email is nobody's, or its claim is the
    expired invitation this one replaces (still in the group it names)."""
    inv, old = entry.invitation, entry.replaces
    claim = t.get(keys.email_claim(inv.account_id, inv.email), EmailClaimItem)
    if old is None or now is None:  # (without `now`, as creating an account, nothing is taken over)
        return claim is None
    replaced = t.get(keys.invitation(inv.account_id, old.invitation_id), InvitationItem)
    if replaced is not None and replaced.holds_seat:  # its seat must be released first
        return False
    return (
        claim is not None
        and claim.ref_id == old.invitation_id
        and claim.expires_at is not None
        and claim.expires_at <= now
        and (replaced is None or replaced.group_id == old.group_id)
    )


def full_window(t: Table, entry: NewInvitation) -> Window | None:
    """The first of the address's windows with no room left (the real one's limit_label)."""
    email = entry.invitation.email
    return next((w for w in _counted(entry) if not t.counts_room(email, w)), None)


def add_invitation(
    t: Table, entry: NewInvitation, now: datetime | None, failed: frozenset[Failure] = frozenset()
) -> Outcome:
    """store/invitations.py add_invitation in a transaction of its own (creating an account, whose other
    writes' failed labels are `failed`): every label that fails, or written."""
    email = entry.invitation.email
    labels: set[Failure] = set(failed) if free_to_take(t, entry, now) else {*failed, ("claimed", email)}
    full = full_window(t, entry)
    if full is not None:
        labels.add(limit_label(full, email))
    if labels:
        return Outcome(frozenset(labels))
    write_invitation(t, entry, None, now)
    return OK


def write_invitation(
    t: Table, entry: NewInvitation, account_day: Window | None, now: datetime | None
) -> None:
    inv = entry.invitation
    for window in _counted(entry):
        t.count(inv.email, window)
    if account_day is not None:
        t.count(inv.account_id, account_day)
    if entry.replaces is not None and now is not None:
        t.delete(keys.invitation(inv.account_id, entry.replaces.invitation_id))
        t.record(entry.replaces.event)
    claim = claim_item(
        inv.account_id, inv.email, "invitation", inv.invitation_id, inv.expires_at, inv.group_id or ""
    )
    for item in (claim, inv, entry.link, entry.mail):
        if item is not None:
            t.put(copy.deepcopy(item))
    t.record(entry.event)
