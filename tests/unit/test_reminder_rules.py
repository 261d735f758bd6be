"""The reminder rules (domain/reminders.py) and the sweep over what inviting wrote (services/reminders.py),
on the fakes and again on moto (tests/api/test_rules_on_moto.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from chalicelib.domain.caller import OPERATOR
from chalicelib.domain.reminders import (
    ReminderState,
    link_opens,
    reminder_due,
    reminder_headline,
    verdict,
)
from chalicelib.schemas.invitations import InviteIn
from chalicelib.services import email_worker, invitations
from chalicelib.services.invitations import new_invitation
from chalicelib.services.reminders import preview_reminders, send_reminders
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Clock, RecordingMailer
    from tests.helpers.fakes import FakeWorld

SENT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday


@pytest.mark.parametrize(
    ("valid", "due_before_end"),
    [
        (timedelta(days=30), timedelta(hours=48)),
        (timedelta(days=3), timedelta(hours=48)),
        (timedelta(days=3) - timedelta(seconds=1), timedelta(hours=24)),
        (timedelta(days=2), timedelta(hours=24)),
        (timedelta(days=2) - timedelta(seconds=1), None),
        (timedelta(days=1), None),
    ],
)
def test_a_reminder_falls_due_by_the_invitations_validity(
    valid: timedelta, due_before_end: timedelta
) -> None:
    expected = None if due_before_end is None else SENT + valid - due_before_end
    assert reminder_due(SENT, SENT + valid) == expected


def state(**changes: Any) -> ReminderState:
    fields = {"last_sent_at": SENT, "expires_at": SENT + timedelta(days=7), "reminded_at": None,
              "reminders_on": True} | changes  # fmt: skip
    return ReminderState(**fields)


def test_a_run_sends_an_overdue_reminder_once_and_never_for_an_ended_one() -> None:
    due = SENT + timedelta(days=5)
    assert verdict(state(), due - timedelta(seconds=1)) == "wait"
    assert verdict(state(), due) == "send"
    assert verdict(state(), due + timedelta(hours=47)) == "send"  # overdue: still before the end
    assert verdict(state(), SENT + timedelta(days=7)) == "drop"  # ended
    assert verdict(state(reminded_at=due), due + timedelta(hours=1)) == "drop"
    assert verdict(state(reminders_on=False), due) == "drop"
    assert verdict(state(expires_at=SENT + timedelta(days=1)), SENT + timedelta(hours=12)) == "drop"


def test_an_invitation_sent_in_the_24_hours_before_the_run_waits() -> None:
    """Its own email is reminder enough; a run once its own reminder time has come sends it (valid 2.5
    days from that send: 24 hours before the end)."""
    resent = state(last_sent_at=SENT + timedelta(days=4, hours=12))  # an entry due at day 5, sent since
    assert verdict(resent, SENT + timedelta(days=5)) == "wait"
    assert verdict(resent, SENT + timedelta(days=6) - timedelta(seconds=1)) == "wait"
    assert verdict(resent, SENT + timedelta(days=6)) == "send"


def test_the_headline_says_whose_invitation_to_which_account_ends_on_which_day() -> None:
    ends = SENT + timedelta(days=7)
    assert reminder_headline("Olivia", "Northwind Hosting", ends) == (
        "Olivia's invitation to Northwind Hosting ends on Tuesday"
    )
    assert reminder_headline("", "Northwind Hosting", ends).startswith("Your hosting provider's invitation")


def test_either_link_opens_and_no_other() -> None:
    assert link_opens("a", "a", None) and link_opens("b", "a", "b")
    assert not link_opens("c", "a", "b") and not link_opens("c", "a", None)


def invite(world: FakeWorld, emails: list[str], **extra: Any) -> str:
    account_id = world.account("Acme")
    account = present(world.deps.store.accounts.get_account(account_id))
    answer = invitations.invite(
        world.deps, OPERATOR, account, InviteIn.model_validate({"emails": emails, **extra})
    )
    assert {r.status for r in answer.results} == {"invited"}
    return account_id


def test_the_sweep_sends_each_due_reminder_once_through_the_outbox(
    world: FakeWorld, mailer: RecordingMailer, clock: Clock
) -> None:
    deps = world.deps
    invite(world, ["ann@example.com", "bob@example.com"])
    email_worker.run_once(deps)
    at = clock() + timedelta(days=5, minutes=1)
    assert preview_reminders(deps, at).sent == 2
    assert mailer.to("ann@example.com")[-1].subject.startswith("You are invited")  # no reminder yet
    report = send_reminders(deps, at)
    assert (report.due, report.sent, report.errored) == (2, 2, 0)
    assert email_worker.run_once(deps, at).sent == 2
    reminder = mailer.to("ann@example.com")[-1]
    assert reminder.subject.startswith("Your hosting provider's invitation to Acme ends on")
    assert send_reminders(deps, at + timedelta(hours=1)).due == 0


def test_the_sweep_leaves_an_invitation_sent_in_the_last_24_hours_for_a_later_run(
    world: FakeWorld, clock: Clock
) -> None:
    deps = world.deps
    account_id = world.account("Acme")
    entry, _ = new_invitation(deps, account_id, "ann@example.com", "member", [], None, {})
    start = clock()
    # its index entry says day 5, but it was sent again at day 4.5 (an entry older than its last send)
    entry.invitation.last_sent_at = start + timedelta(days=4, hours=12)
    assert deps.store.invitations.create_invitations([entry], start).lost == set()
    report = send_reminders(deps, start + timedelta(days=5, minutes=1))
    assert (report.due, report.sent, report.waiting) == (1, 0, 1)  # left in the index for a later run
    assert send_reminders(deps, start + timedelta(days=6) - timedelta(minutes=1)).waiting == 1
    assert send_reminders(deps, start + timedelta(days=6)).sent == 1  # 24 h before its end, as resent


def test_run_scheduled_runs_its_steps_in_order_and_a_failing_one_stops_none_after_it(
    world: FakeWorld, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.jobs import scheduled

    assert [s.name for s in scheduled.STEPS] == [
        "domains", "join_requests", "join_digests", "reminders", "purge", "emails", "webhooks", "copies"
    ]  # fmt: skip
    ran: list[str] = []

    def broken(deps: Deps, at: datetime) -> str:
        ran.append("broken")
        raise RuntimeError("a domain re-check's bad data")

    def then(name: str) -> Callable[[Deps, datetime], str]:
        def step(deps: Deps, at: datetime) -> str:
            ran.append(name)
            return f"{name} done"

        return step

    steps = (scheduled.Step("broken", broken, broken), scheduled.Step("later", then("later"), then("later")))
    monkeypatch.setattr(scheduled, "STEPS", steps)
    results = scheduled.run_scheduled(world.deps, clock())
    assert ran == ["broken", "later"]
    assert [(r.name, r.ok) for r in results] == [("broken", False), ("later", True)]
    assert "RuntimeError: a domain re-check's bad data" in results[0].line
