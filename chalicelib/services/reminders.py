"""The reminder sweep: each invitation whose reminder is due (store/reminders.py, an index by due time) is
judged (domain/reminders.py `verdict`) and sent one reminder through the email outbox, with a fresh link to
the same invitation, or dropped from the index, or left for a later run.

On the one worker loop (services/worker_loop.py), one task per invitation keyed by its account: one
account's bad data (an invitation or account item that cannot be read or written) is logged and counted,
and every other account's reminders go out. A page of due invitations at a time, within the run's deadline;
what a run leaves stays due for the next."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from chalicelib.deps import Deps
from chalicelib.domain.reminders import ReminderState, Verdict, verdict
from chalicelib.services.outbox import email_windows, full_window, link_seed, mail_for
from chalicelib.services.worker_loop import Deadline, Limits, Tally, Task, run_fairly
from chalicelib.store.invitations import link_item
from chalicelib.store.models import AccountItem, InvitationItem

log = logging.getLogger(__name__)
PAGE = 100
LIMITS = Limits(workers=8, per_account=4, share=PAGE, budget_seconds=50.0)


@dataclass
class ReminderReport:
    due: int = 0  # read from the index
    sent: int = 0  # committed to the outbox
    waiting: int = 0  # sent in the last 24 hours: looked at again next run
    dropped: int = 0  # none to send (reminded, ended, switched off, too short): out of the index
    refused: int = 0  # the address had its fill of emails: dropped, not retried
    errored: int = 0
    deferred: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)  # a dry run's: what each would do


def send_reminders(deps: Deps, at: datetime, limits: Limits = LIMITS) -> ReminderReport:
    """Every reminder due by `at` (the CLI's --now may look ahead) that this run's deadline allows; what it
    writes carries the real time."""
    deadline = Deadline.of(limits)
    report = ReminderReport()
    accounts: dict[str, AccountItem] = {}  # read once a run, however many pages name them
    for page in deps.store.reminders.due_pages(at, PAGE):
        report.due += len(page)
        accounts |= _accounts(deps, page, accounts)
        tasks = [
            Task(i.account_id, partial(_remind, deps, i, accounts, at), f"reminder {i.invitation_id}")
            for i in page
        ]
        done = run_fairly("reminders", tasks, limits, deadline=deadline)
        report.sent += done.tally.succeeded
        report.waiting += done.tally.parked
        report.dropped += done.tally.dropped
        report.refused += done.tally.failed
        report.errored += done.errored
        report.deferred += done.deferred
        if deadline.passed():
            break
    return report


def preview_reminders(deps: Deps, at: datetime) -> ReminderReport:
    """What a run at `at` would do, writing nothing (run-scheduled --dry-run)."""
    report = ReminderReport()
    accounts: dict[str, AccountItem] = {}
    for page in deps.store.reminders.due_pages(at, PAGE):
        accounts |= _accounts(deps, page, accounts)
        for invitation in page:
            report.due += 1
            account = accounts.get(invitation.account_id)
            report.verdicts[_judge(invitation, account, at) if account else "drop"] += 1
    report.sent, report.waiting = report.verdicts["send"], report.verdicts["wait"]
    report.dropped = report.verdicts["drop"]
    return report


def _accounts(
    deps: Deps, page: list[InvitationItem], known: dict[str, AccountItem]
) -> dict[str, AccountItem]:
    """The page's accounts not read yet this run, in one BatchGetItem; if one of them cannot be read, each
    task reads its own (so only that account's reminders fail)."""
    wanted = {i.account_id for i in page} - set(known)
    if not wanted:
        return {}
    try:
        found = deps.store.accounts.get_accounts(wanted)
    except Exception:
        log.exception("reminders: the page's accounts could not be read together; one at a time")
        return {}
    return {account.account_id: account for account in found}


def _judge(invitation: InvitationItem, account: AccountItem, at: datetime) -> Verdict:
    state = ReminderState(
        last_sent_at=invitation.last_sent_at,
        expires_at=invitation.expires_at,
        reminded_at=invitation.reminded_at,
        reminders_on=account.invitation_reminders is not False,
    )
    return verdict(state, at)


def _remind(
    deps: Deps, invitation: InvitationItem, accounts: dict[str, AccountItem], at: datetime, _: Deadline
) -> Tally:
    """One invitation: sent (succeeded), refused by the address's limits (failed: dropped, not retried),
    left for a later run (parked), or dropped."""
    account = accounts.get(invitation.account_id) or deps.store.accounts.get_account(invitation.account_id)
    judged = _judge(invitation, account, at) if account is not None else "drop"
    if judged == "wait":
        return Tally(parked=1)
    if judged == "drop":
        deps.store.reminders.drop(invitation)
        return Tally(dropped=1)
    seed = link_seed(deps)
    invitation.reminder_token_hash = seed.token_hash
    link = link_item(seed.token_hash, invitation)
    mail = mail_for(
        deps,
        "reminder",
        invitation.email,
        nonce=seed.nonce,
        account_id=invitation.account_id,
        invitation_id=invitation.invitation_id,
    )
    windows = email_windows(deps)
    outcome = deps.store.reminders.remind(invitation, link, mail, windows, at, deps.now())
    if outcome:
        return Tally(attempted=1, succeeded=1)
    if full_window(outcome, invitation.email, windows) is not None:
        deps.store.reminders.drop(invitation)
        return Tally(attempted=1, failed=1)
    return Tally(dropped=1)  # resent, accepted, revoked or ended meanwhile: that change keyed it anew
