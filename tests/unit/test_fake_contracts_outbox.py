"""Contract cases (as tests/unit/test_fake_contracts.py) for the email outbox: queueing under an address's
windows, the worker's read of what is due, and its lease on one email."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.outbox import account_day, recipient_windows
from chalicelib.services.invitations import new_invitation
from chalicelib.store.outbox import new_mail
from tests.helpers.present import present
from tests.unit.test_fake_contracts import covers

if TYPE_CHECKING:
    from chalicelib.store.models import MailItem
    from tests.helpers.fakes import FakeWorld


@covers("outbox.queue")
def test_an_email_is_queued_once_and_within_its_addresss_windows(world: FakeWorld) -> None:
    deps, now = world.deps, world.deps.now()
    store = deps.store
    windows = recipient_windows(now, 2, 10)
    first = new_mail("mail_1", "notice", "ann@x.com", now, now)
    assert store.outbox.queue(first, windows)
    assert not store.outbox.queue(first, windows)  # already queued
    assert store.outbox.queue(new_mail("mail_2", "notice", "ann@x.com", now, now), windows)
    assert not store.outbox.queue(new_mail("mail_3", "notice", "ann@x.com", now, now), windows)  # hour full
    assert store.outbox.queue(new_mail("mail_4", "notice", "bob@x.com", now, now), windows)
    assert {m.mail_id for m in store.outbox.due(now)} == {"mail_1", "mail_2", "mail_4"}


@covers("outbox.due", "outbox.lease")
def test_the_worker_reads_what_is_due_oldest_first_and_leases_each_once(world: FakeWorld) -> None:
    deps, now = world.deps, world.deps.now()
    store = deps.store
    for n, delay in enumerate([30, 0, 60, 3600]):
        assert store.outbox.queue(
            new_mail(f"mail_{n}", "notice", f"p{n}@x.com", now, now + timedelta(seconds=delay))
        )
    assert [m.mail_id for m in store.outbox.due(now)] == ["mail_1"]
    soon = [m.mail_id for m in store.outbox.due(now + timedelta(seconds=60))]
    assert soon == ["mail_1", "mail_0", "mail_2"]
    assert len(store.outbox.due(now + timedelta(hours=2), limit=2)) == 2
    mine, theirs = store.outbox.due(now)[0], store.outbox.due(now)[0]
    assert store.outbox.lease(mine, now + timedelta(minutes=2))
    assert mine.next_attempt_at == now + timedelta(minutes=2)
    assert not store.outbox.lease(theirs, now + timedelta(minutes=2))  # taken meanwhile
    assert store.outbox.due(now) == []  # leased: due again only once the lease lapses
    lapsed = [m.mail_id for m in store.outbox.due(now + timedelta(minutes=2))]
    assert lapsed == ["mail_0", "mail_2", "mail_1"]  # by when each is due
    mine.status = "sent"
    store.outbox.record([(mine, None, None)])
    assert "mail_1" not in {m.mail_id for m in store.outbox.due(now + timedelta(days=1))}


@covers("outbox.account_invitations")
def test_an_accounts_invitations_are_counted_by_day(world: FakeWorld) -> None:
    account_id = world.account("Acme")
    deps, now = world.deps, world.deps.now()
    store = deps.store
    today, tomorrow = account_day(now, 5), account_day(now + timedelta(days=1), 5)
    assert store.outbox.account_invitations(account_id, today) == 0
    two = [new_invitation(deps, account_id, f"p{n}@x.com", "member", [], None, {})[0] for n in range(2)]
    assert not store.invitations.create_invitations(two, now, today).over_account_limit
    assert store.outbox.account_invitations(account_id, today) == 2
    assert store.outbox.account_invitations(account_id, tomorrow) == 0
    assert store.outbox.account_invitations("acc_other", today) == 0


@covers("outbox.record", "links.get_link")
def test_a_sent_invitation_email_notes_its_logins_user_on_its_live_link_only(world: FakeWorld) -> None:
    deps = world.deps
    store, now = deps.store, deps.now()
    account_id = world.account("Acme")
    ann, _ = new_invitation(deps, account_id, "ann@x.com", "member", [], None, {})
    bob, _ = new_invitation(deps, account_id, "bob@x.com", "member", [], None, {})
    cy, _ = new_invitation(deps, account_id, "cy@x.com", "member", [], None, {})
    store.invitations.create_invitations([ann, bob, cy], now)
    assert (
        present(store.links.get_link(ann.invitation.token_hash)).user_id is None
    )  # the request noted no user
    hashes = [entry.invitation.token_hash for entry in (ann, bob, cy)]
    users = dict(zip(hashes, ["usr_ann", "usr_bob", "usr_cy"], strict=True))
    sent: list[tuple[MailItem, str | None, str | None]] = [
        (present(ann.mail), "sent", hashes[0]),
        (present(bob.mail), "sent", "stale-hash"),
        (present(cy.mail), None, hashes[2]),
    ]
    store.outbox.record(sent, users)
    assert present(store.links.get_link(hashes[0])).user_id == "usr_ann"
    assert (
        present(store.invitations.get_invitation(account_id, ann.invitation.invitation_id)).delivery == "sent"
    )
    # an invitation that moved on (another link) leaves its link alone, as its delivery
    assert present(store.links.get_link(hashes[1])).user_id is None
    assert (
        present(store.invitations.get_invitation(account_id, bob.invitation.invitation_id)).delivery
        == "queued"
    )
    assert (
        present(store.links.get_link(hashes[2])).user_id is None
    )  # not sent yet (to be tried again): no record
