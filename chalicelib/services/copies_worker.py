"""The copies job's worker: each user a login or a profile change marked due has every membership's copy
of their fields (email, names, last login: what the member lists sort by) rewritten, so the request that
changed the user wrote the user alone, whatever the number of their memberships. On the one worker loop
(services/worker_loop.py): one task per user, concurrently and within the run's deadline.

Idempotent and without a lease: each rewrite holds only while the membership is as read, and the mark is
taken off only while it is the one read, so two runs on one user end as one would, and a user changed
again meanwhile stays due for the next run.

Renamed accounts the same way: each has its memberships' gsi1 keys (the users' account lists order by the
account's name) rewritten to the new name (store/account_names.py), so the rename wrote the account alone."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from chalicelib.deps import Deps
from chalicelib.services.worker_loop import Deadline, Limits, Report, Tally, Task, run_fairly
from chalicelib.store.models import AccountItem, UserItem

# A run reads at most this many users (their memberships: one BatchGetItem per 100, one write per 100).
BATCH = 200
LIMITS = Limits(workers=8, per_account=1, share=1, budget_seconds=50.0)


def run_once(deps: Deps, now: datetime | None = None, limits: Limits = LIMITS) -> Report:
    """`now`: the time the worker judges due against (tests pass their clock's)."""
    deadline = Deadline.of(limits)
    now = now or deps.now()
    due = deps.store.member_copies.users_due(now, BATCH)
    tasks = [Task(user.user_id, partial(_rewrite, deps, user), f"copies of {user.user_id}") for user in due]
    renamed = deps.store.member_copies.accounts_renamed(now, BATCH)
    tasks += [Task(a.account_id, partial(_rename, deps, a, now), f"names of {a.account_id}") for a in renamed]
    return run_fairly("copies", tasks, limits, deadline=deadline)


def _rename(deps: Deps, account: AccountItem, now: datetime, _deadline: Deadline) -> Tally:
    rewritten = deps.store.member_copies.rewrite_names(account, now)
    return Tally(attempted=1, succeeded=1, dropped=int(rewritten == 0))


def _rewrite(deps: Deps, user: UserItem, _deadline: Deadline) -> Tally:
    rewritten = deps.store.member_copies.rewrite_copies(user)
    return Tally(attempted=1, succeeded=1, dropped=int(rewritten == 0))
