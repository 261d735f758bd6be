"""The email outbox's worker: sends each pending email whose time has come (the request that committed it
did not record it sent within its hold, or an earlier attempt failed), re-rendered from what is stored now.
At least once: an email is leased before its attempt and recorded after it, so a worker that dies in
between leaves it due again when the lease lapses; one already recorded sent is never sent again. Run with
the webhook worker (jobs/webhooks.py) on AWS, and every few seconds by `make run`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from chalicelib.deps import Deps
from chalicelib.domain.outbox import LEASE
from chalicelib.mail.mailer import deliver
from chalicelib.services.invitations import invitation_email_for
from chalicelib.services.outbox import Ready, after_attempt, render_notice
from chalicelib.services.password_reset import reset_email_for
from chalicelib.store.models import MailItem
from chalicelib.store.outbox import set_mail_due

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Report:
    attempted: int
    sent: int
    dropped: int  # nothing left to send: the invitation or link went, or the address has no login


def run_once(deps: Deps, now: datetime | None = None) -> Report:
    """`now`: the time the worker judges due against (tests pass a later one to act after a hold)."""
    now = now or deps.now()
    attempted = sent = dropped = 0
    for mail in deps.store.outbox.due(now):
        try:
            outcome = _attempt(deps, mail, now)
        except Exception:  # one email's trouble (DynamoDB, a bug) must not hold up the others
            log.exception("email %s: attempt not completed; due again when its lease lapses", mail.mail_id)
            continue
        if outcome is None:
            dropped += 1
        elif outcome != "taken":
            attempted += 1
            sent += outcome == "sent"
    return Report(attempted, sent, dropped)


def _attempt(deps: Deps, mail: MailItem, now: datetime) -> str | None:
    """ "sent", "failed" (this attempt), "taken" (another worker has it) or None (dropped)."""
    if not deps.store.outbox.lease(mail, now + LEASE):
        return "taken"
    ready = _render(deps, mail)
    if ready is None:
        mail.status = "dropped"
        set_mail_due(mail, None)
        deps.store.outbox.record([(mail, None, None)])
        return None
    ok = deliver(deps.mailer, ready.email)
    delivery = after_attempt(mail, ok, now, "SES did not accept it")
    deps.store.outbox.record([(mail, delivery, ready.token_hash)])
    return "sent" if ok else "failed"


def _render(deps: Deps, mail: MailItem) -> Ready | None:
    if mail.kind == "invitation":
        return invitation_email_for(deps, mail)
    if mail.kind in ("password_reset", "reset_request"):
        return reset_email_for(deps, mail)
    return Ready(mail, render_notice(mail))
