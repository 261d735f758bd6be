"""The email outbox's worker: sends each pending email whose time has come (every email: the request that
committed it never sends; or a retry after a failed attempt), rendered from what is stored now, on the one
worker loop (services/worker_loop.py): concurrently, fairly across accounts (an email of no
account counts as its address's), and within the run's deadline.

At least once: an email is leased before its attempt and recorded after it, so a worker that dies in
between leaves it due again when the lease lapses; one already recorded sent is never sent again. An email
that cannot even be prepared (a template or its data broken) fails like a refused send: retried on the
email schedule, then given up, never holding up another. Run on its own (jobs/webhooks.py), so no webhook
trouble delays it, and every few seconds by `make run`."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial

from chalicelib.deps import Deps
from chalicelib.domain.outbox import LEASE
from chalicelib.mail.mailer import deliver
from chalicelib.services.invitation_email import invitation_email_for
from chalicelib.services.link_emails import link_join_email_for
from chalicelib.services.outbox import Ready, after_attempt, render_notice
from chalicelib.services.password_reset import reset_email_for
from chalicelib.services.reminder_email import reminder_email_for
from chalicelib.services.worker_loop import Deadline, Limits, Report, Tally, Task, run_fairly
from chalicelib.store.models import MailItem
from chalicelib.store.outbox import set_mail_due

log = logging.getLogger(__name__)
# SES answers within a second or so, and its client gives up within ~20 s.
LIMITS = Limits(workers=16, per_account=4, share=50, budget_seconds=50.0)


def run_once(deps: Deps, now: datetime | None = None, limits: Limits = LIMITS) -> Report:
    """`now`: the time the worker judges due against (tests pass a later one to act after a hold).
    The invitations' addressees' logins are read for the run in one BatchGetItem (per 100): an email sent
    notes its login's user on its link, which accepting reads with the invitation (no request reads it:
    a bulk invite reads no login, and nobody can accept before the email carries the link)."""
    at = now or deps.now()
    deadline = Deadline.of(limits)
    mails = deps.store.outbox.due(at)
    invited = {mail.to for mail in mails if mail.kind == "invitation"}
    users = deps.store.users.login_users(invited) if invited else {}
    tasks = [
        Task(
            mail.account_id or mail.to,
            partial(_attempt, deps, mail, at, users.get(mail.to) if mail.kind == "invitation" else None),
            f"email {mail.mail_id}",
        )
        for mail in mails
    ]
    return run_fairly("emails", tasks, limits, deadline=deadline)


def _attempt(deps: Deps, mail: MailItem, now: datetime, user_id: str | None, _deadline: Deadline) -> Tally:
    """One email, on its own: the deadline is the loop's (one send needs no check of it). `user_id`: the
    user of the addressee's login (an invitation's), noted on its link with the email's record."""
    if not deps.store.outbox.lease(mail, now + LEASE):
        return Tally()  # another worker has it
    try:
        ready = _render(deps, mail)
    except Exception as error:
        log.exception("email %s: could not be prepared", mail.mail_id)
        after_attempt(mail, False, now, f"could not be prepared: {type(error).__name__}")
        deps.store.outbox.record([(mail, None, None)])
        return Tally(failed=1, parked=int(mail.status == "failed"))
    if ready is None:
        mail.status = "dropped"
        set_mail_due(mail, None)
        deps.store.outbox.record([(mail, None, None)])
        return Tally(dropped=1)
    ok = deliver(deps.mailer, ready.email)
    delivery = after_attempt(mail, ok, now, "SES did not accept it")
    hint = {ready.token_hash: user_id} if ready.token_hash is not None and user_id is not None else None
    deps.store.outbox.record([(mail, delivery, ready.token_hash)], hint)
    return Tally(attempted=1, succeeded=int(ok), failed=int(not ok))


def _render(deps: Deps, mail: MailItem) -> Ready | None:
    if mail.kind == "invitation":
        return invitation_email_for(deps, mail)
    if mail.kind == "reminder":
        return reminder_email_for(deps, mail)
    if mail.kind in ("password_reset", "reset_request"):
        return reset_email_for(deps, mail)
    if mail.kind == "link_join":
        return link_join_email_for(deps, mail)
    return Ready(mail, render_notice(deps, mail))
