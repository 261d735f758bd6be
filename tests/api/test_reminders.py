"""Invitation reminders, run as an operator runs them: `python -m chalicelib.cli run-scheduled --now ...`
(the CLI's function, against moto), travelling forward in time. One reminder, at the right time, with a
fresh link beside the first; none when resent, switched off, or too short; counted in the address's email
limits; and one account's broken invitation stops nobody else's."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from chalicelib import cli
from chalicelib.domain.outbox import recipient_windows
from chalicelib.store import keys
from chalicelib.store.models import CounterItem
from chalicelib.store.table import dynamodb_client, get_item
from tests.helpers import DynamoCalls, emails_to, invite, onboard, sign_in
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalice.test import Client

    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock, Joined

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}


def run_scheduled(capsys: pytest.CaptureFixture[str], at: datetime, *flags: str) -> str:
    assert cli.main(["run-scheduled", "--now", at.strftime("%Y-%m-%dT%H:%M:%SZ"), *flags]) == 0
    return capsys.readouterr().out


def invitation(api: Api, account_id: str, token: str, email: str) -> dict[str, Any]:
    reply = api.get(f"/accounts/{account_id}/invitations?status=pending", token=token)
    assert reply.status == 200, reply.body
    return next(i for i in reply.body["items"] if i["email"] == email)


def reminders_to(address: str) -> list[Any]:
    return [m for m in emails_to(address) if "invitation to" in m.subject and "ends on" in m.subject]


@pytest.fixture
def invited(api: Api, clock: Clock) -> tuple[str, Joined, str, datetime]:
    """Acme's owner invited ann@example.com (7 days) now; her first email's link."""
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com"])
    [first] = emails_to("ann@example.com")
    return account_id, owner, first.link_token, clock()


def test_one_reminder_goes_out_48_hours_before_the_end_and_only_once(
    api: Api, capsys: pytest.CaptureFixture[str], invited: tuple[str, Joined, str, datetime]
) -> None:
    account_id, owner, _, sent_at = invited
    before = invitation(api, account_id, owner.token, "ann@example.com")
    assert before["reminded_at"] is None
    early = run_scheduled(capsys, sent_at + timedelta(days=4, hours=23))
    assert "reminders: 0 due" in early and reminders_to("ann@example.com") == []
    out = run_scheduled(capsys, sent_at + timedelta(days=5, minutes=1))
    assert "reminders: 1 due: 1 sent" in out
    [reminder] = reminders_to("ann@example.com")
    ends = datetime.fromisoformat(before["expires_at"].replace("Z", "+00:00"))
    assert reminder.subject == f"Olive Owner's invitation to Acme Hosting ends on {ends:%A}"
    assert f"{ends:%A} {ends.day} {ends:%B %Y, %H:%M} UTC" in reminder.body
    assert "Accept the invitation" in reminder.body  # the same button as the invitation
    after = invitation(api, account_id, sign_in(api, owner.email), "ann@example.com")
    assert after["reminded_at"] is not None
    unchanged = ("expires_at", "send_count", "last_sent_at", "delivery")
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}
    again = run_scheduled(capsys, sent_at + timedelta(days=6))
    assert "reminders: 0 due" in again and len(reminders_to("ann@example.com")) == 1


def test_the_fresh_link_and_the_first_both_open_the_one_invitation(
    api: Api, capsys: pytest.CaptureFixture[str], invited: tuple[str, Joined, str, datetime]
) -> None:
    account_id, owner, first_token, sent_at = invited
    run_scheduled(capsys, sent_at + timedelta(days=5, minutes=1))
    [reminder] = reminders_to("ann@example.com")
    fresh = reminder.link_token
    assert fresh != first_token
    for token in (first_token, fresh):
        reply = api.post("/invitations/lookup", {"token": token})
        assert reply.status == 200 and reply.body["account_name"] == "Acme Hosting"
    accepted = api.post("/invitations/accept", {"token": fresh, "password": "a long secret",
                                                "first_name": "Ann", "last_name": "Lee"})  # fmt: skip
    assert accepted.status == 201 and accepted.body["account_id"] == account_id
    for token in (first_token, fresh):  # used once, through either
        assert api.post("/invitations/lookup", {"token": token}).status == 404


def test_the_first_link_still_accepts_after_a_reminder(
    api: Api, capsys: pytest.CaptureFixture[str], invited: tuple[str, Joined, str, datetime]
) -> None:
    account_id, _, first_token, sent_at = invited
    run_scheduled(capsys, sent_at + timedelta(days=5, minutes=1))
    [reminder] = reminders_to("ann@example.com")
    accepted = api.post("/invitations/accept", {"token": first_token, "password": "a long secret",
                                                "first_name": "Ann", "last_name": "Lee"})  # fmt: skip
    assert accepted.status == 201 and accepted.body["account_id"] == account_id
    gone = api.post("/invitations/lookup", {"token": reminder.link_token})
    assert gone.status == 404 and "accepted" in gone.body["error"]["message"]


def test_no_reminder_for_an_invitation_resent_since(
    api: Api, capsys: pytest.CaptureFixture[str], clock: Clock, invited: tuple[str, Joined, str, datetime]
) -> None:
    account_id, owner, _, sent_at = invited
    clock.advance(days=4, hours=12)
    pending = invitation(api, account_id, sign_in(api, owner.email), "ann@example.com")
    resent = api.post(f"/accounts/{account_id}/invitations/{pending['invitation_id']}/resend",
                      token=sign_in(api, owner.email))  # fmt: skip
    assert resent.status == 200 and resent.body["reminded_at"] is None
    out = run_scheduled(capsys, sent_at + timedelta(days=5, hours=1))  # the first email's reminder time
    assert "reminders: 0 due" in out and reminders_to("ann@example.com") == []
    run_scheduled(capsys, clock() + timedelta(days=5, minutes=1))  # the resent link's own time
    assert len(reminders_to("ann@example.com")) == 1


def test_a_resend_after_the_reminder_starts_it_afresh_and_ends_its_link(
    api: Api, capsys: pytest.CaptureFixture[str], clock: Clock, invited: tuple[str, Joined, str, datetime]
) -> None:
    account_id, owner, _, sent_at = invited
    run_scheduled(capsys, sent_at + timedelta(days=5, minutes=1))
    [reminder] = reminders_to("ann@example.com")
    clock.advance(days=5, hours=1)
    token = sign_in(api, owner.email)
    pending = invitation(api, account_id, token, "ann@example.com")
    assert pending["reminded_at"] is not None
    resent = api.post(f"/accounts/{account_id}/invitations/{pending['invitation_id']}/resend", token=token)
    assert resent.status == 200 and resent.body["reminded_at"] is None
    gone = api.post("/invitations/lookup", {"token": reminder.link_token})
    assert gone.status == 404 and "newer" in gone.body["error"]["message"]
    run_scheduled(capsys, clock() + timedelta(days=5, minutes=1))
    assert len(reminders_to("ann@example.com")) == 2  # the resent invitation's own reminder


def test_no_reminder_when_the_account_turned_them_off(
    api: Api, capsys: pytest.CaptureFixture[str], invited: tuple[str, Joined, str, datetime]
) -> None:
    account_id, owner, _, sent_at = invited
    assert api.get(f"/accounts/{account_id}", token=owner.token).body["invitation_reminders"] is True
    off = api.patch(f"/accounts/{account_id}", {"invitation_reminders": False}, token=owner.token)
    assert (
        off.status == 200 and off.body["invitation_reminders"] is False and off.body["name"] == "Acme Hosting"
    )
    out = run_scheduled(capsys, sent_at + timedelta(days=5, minutes=1))
    assert "1 due: 0 sent" in out and "1 dropped" in out
    assert reminders_to("ann@example.com") == []
    on = api.patch(f"/accounts/{account_id}", {"invitation_reminders": True}, token=owner.token)
    assert on.body["invitation_reminders"] is True
    events = api.get(f"/accounts/{account_id}/audit-events?type=account.updated", token=owner.token).body
    assert [e["changes"] for e in events["items"]] == [
        {"invitation_reminders": [False, True]},
        {"invitation_reminders": [True, False]},
    ]


def test_validity_under_two_days_gets_none_and_two_days_gets_one_24_hours_before(
    api: Api, capsys: pytest.CaptureFixture[str], clock: Clock
) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["day@example.com"], expires_in_days=1)
    invite(api, account_id, owner.token, ["two@example.com"], expires_in_days=2)
    start = clock()
    out = run_scheduled(capsys, start + timedelta(hours=23, minutes=59))
    assert "reminders: 0 due" in out
    out = run_scheduled(capsys, start + timedelta(days=1, minutes=1))
    assert "reminders: 1 due: 1 sent" in out
    assert reminders_to("day@example.com") == [] and len(reminders_to("two@example.com")) == 1


def test_a_reminder_counts_in_the_addresses_limits(
    api: Api, capsys: pytest.CaptureFixture[str], deps: Deps, invited: tuple[str, Joined, str, datetime]
) -> None:
    _, _, _, sent_at = invited
    windows = recipient_windows(deps.now(), 5, 20)
    run_scheduled(capsys, sent_at + timedelta(days=5, minutes=1))
    assert len(reminders_to("ann@example.com")) == 1
    counts = [get_item(CounterItem, keys.recipient_count("ann@example.com", w.name)) for w in windows]
    assert [int(present(c).total) for c in counts] == [
        2,
        2,
    ]  # the invitation and its reminder, this hour and day


def test_a_reminder_the_limits_refuse_is_dropped_not_retried(
    api: Api, capsys: pytest.CaptureFixture[str], deps: Deps, invited: tuple[str, Joined, str, datetime]
) -> None:
    _, _, _, sent_at = invited
    limits = deps.settings
    deps.settings = dataclasses.replace(limits, recipient_emails_per_hour=1)  # the invitation took it
    out = run_scheduled(capsys, sent_at + timedelta(days=5, minutes=1))
    assert "0 sent" in out and "1 refused by the address's email limits" in out
    deps.settings = limits
    again = run_scheduled(capsys, sent_at + timedelta(days=5, hours=2))
    assert "reminders: 0 due" in again and reminders_to("ann@example.com") == []


def test_a_dry_run_lists_what_would_happen_and_writes_nothing(
    api: Api, capsys: pytest.CaptureFixture[str], invited: tuple[str, Joined, str, datetime]
) -> None:
    account_id, owner, _, sent_at = invited
    with DynamoCalls() as calls:
        out = run_scheduled(capsys, sent_at + timedelta(days=8), "--dry-run")
    assert set(calls.operations) & WRITES == set()
    assert "dry run" in out and "reminders: 1 due: would send 0" in out  # ended by then: dropped
    assert "purge: would delete 1 expired invitations" in out
    out = run_scheduled(capsys, sent_at + timedelta(days=5, minutes=1), "--dry-run")
    assert "reminders: 1 due: would send 1" in out
    assert reminders_to("ann@example.com") == []
    assert invitation(api, account_id, owner.token, "ann@example.com")["reminded_at"] is None


def test_a_now_earlier_than_the_real_time_is_refused(
    api: Api, capsys: pytest.CaptureFixture[str], clock: Clock
) -> None:
    with pytest.raises(SystemExit) as refused:
        cli.main(["run-scheduled", "--now", (clock() - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")])
    assert refused.value.code == 2
    assert "earlier than the real time" in capsys.readouterr().err


def test_one_accounts_broken_invitation_does_not_stop_anothers_reminder(
    api: Api, capsys: pytest.CaptureFixture[str], clock: Clock, deps: Deps
) -> None:
    broken_account, broken_owner = onboard(api, "Broken Co", "owner@broken.example")
    invite(api, broken_account, broken_owner.token, ["bad@example.com"])
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com"])
    bad = invitation(api, broken_account, broken_owner.token, "bad@example.com")
    dynamodb_client().update_item(  # bad data: an invitation without its email
        TableName=deps.settings.table_name,
        Key={"pk": {"S": keys.account_pk(broken_account)}, "sk": {"S": f"INVITATION#{bad['invitation_id']}"}},
        UpdateExpression="REMOVE email",
    )
    out = run_scheduled(capsys, clock() + timedelta(days=5, minutes=1))
    assert "2 due: 1 sent" in out and "1 errored" in out
    assert len(reminders_to("ann@example.com")) == 1


def test_the_scheduled_function_sends_due_reminders(
    api: Api, chalice_client: Client, clock: Clock, invited: tuple[str, Joined, str, datetime]
) -> None:
    clock.advance(days=5, minutes=1)
    event = chalice_client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    reply = chalice_client.lambda_.invoke("send_invitation_reminders", event)
    assert (reply.payload["reminders_due"], reply.payload["reminders_sent"]) == (1, 1)
    assert len(reminders_to("ann@example.com")) == 1


def test_run_scheduled_purges_and_sends_in_the_same_run(
    api: Api, capsys: pytest.CaptureFixture[str], invited: tuple[str, Joined, str, datetime]
) -> None:
    account_id, owner, _, sent_at = invited
    out = run_scheduled(capsys, sent_at + timedelta(days=7, seconds=1))
    lines = [line.strip().split(":")[0] for line in out.splitlines()[1:]]
    assert lines == [
        "domains", "join_requests", "join_digests", "reminders", "purge", "emails", "webhooks", "copies"
    ]  # fmt: skip
    assert "expired invitations found: 1, deleted: 1" in out
    assert (
        api.get(f"/accounts/{account_id}/invitations?status=expired", token=owner.token).body["items"] == []
    )
