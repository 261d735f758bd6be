"""The email outbox's worker over what inviting queued, on the fakes and again on moto
(tests/api/test_rules_on_moto.py): a send that failed stays queued and is retried on its schedule, one sent
is never sent again, and one that cannot be sent in a day is given up."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.caller import OPERATOR
from chalicelib.mail.mailer import MailDeliveryError, OutgoingEmail
from chalicelib.schemas.invitations import InviteIn
from chalicelib.services import email_worker, invitations
from tests.helpers.present import present

if TYPE_CHECKING:
    from tests.helpers import Clock, RecordingMailer
    from tests.helpers.fakes import FakeWorld


class Refusing:
    def send(self, email: OutgoingEmail) -> None:
        raise MailDeliveryError("MessageRejected")


def invite_ann(world: FakeWorld) -> tuple[str, str]:
    account_id = world.account("Acme")
    account = present(world.deps.store.accounts.get_account(account_id))
    result = invitations.invite(
        world.deps, OPERATOR, account, InviteIn.model_validate({"emails": ["ann@example.com"]})
    ).results[0]
    assert (result.status, present(result.invitation).delivery) == ("invited", "queued")
    return account_id, present(result.invitation).invitation_id


def delivery(world: FakeWorld, account_id: str, invitation_id: str) -> str | None:
    return present(world.deps.store.invitations.get_invitation(account_id, invitation_id)).delivery


def test_a_failed_send_stays_queued_and_is_retried_once_due(
    world: FakeWorld, mailer: RecordingMailer, clock: Clock
) -> None:
    deps = world.deps
    account_id, invitation_id = invite_ann(world)
    deps.mailer = Refusing()
    assert email_worker.run_once(deps).attempted == 1  # the first attempt is the worker's: refused
    assert delivery(world, account_id, invitation_id) == "queued"
    deps.mailer = mailer
    assert email_worker.run_once(deps).attempted == 0  # its retry is due in 30 s
    assert email_worker.run_once(deps, clock() + timedelta(seconds=30)).sent == 1
    assert delivery(world, account_id, invitation_id) == "sent"
    assert [m.to for m in mailer.sent] == [("ann@example.com",)]
    assert email_worker.run_once(deps, clock() + timedelta(hours=1)).attempted == 0  # sent once only


def test_an_email_that_cannot_be_sent_in_a_day_is_given_up(world: FakeWorld, clock: Clock) -> None:
    deps = world.deps
    deps.mailer = Refusing()
    account_id, invitation_id = invite_ann(world)
    later = clock()
    for _ in range(12):
        later += timedelta(hours=6)
        email_worker.run_once(deps, later)
    assert delivery(world, account_id, invitation_id) == "failed"
    assert email_worker.run_once(deps, later + timedelta(days=1)).attempted == 0  # never again


def test_a_sent_invitation_email_notes_its_addressees_user_on_the_link_once_sent(
    world: FakeWorld, mailer: RecordingMailer, clock: Clock
) -> None:
    """The invite reads no login; the worker reads them for its run and notes each one's user on the link
    with the record of the send (accepting then reads that user with the invitation). A refused send notes
    nothing yet; an address with no login leaves the link naming nobody."""
    deps = world.deps
    account_id = world.account("Acme")
    ann = world.member(world.account("Other"), "ann@example.com")
    account = present(deps.store.accounts.get_account(account_id))
    body = InviteIn.model_validate({"emails": ["ann@example.com", "bob@example.com"]})
    made = [
        present(r.invitation).invitation_id for r in invitations.invite(deps, OPERATOR, account, body).results
    ]
    hashes = [present(deps.store.invitations.get_invitation(account_id, i)).token_hash for i in made]

    def named() -> list[str | None]:
        return [present(deps.store.links.get_link(h)).user_id for h in hashes]

    assert named() == [None, None]  # not by the request
    deps.mailer = Refusing()
    assert email_worker.run_once(deps).attempted == 2 and named() == [None, None]
    deps.mailer = mailer
    assert email_worker.run_once(deps, clock() + timedelta(seconds=30)).sent == 2
    assert named() == [ann, None]
    assert [delivery(world, account_id, i) for i in made] == ["sent", "sent"]
