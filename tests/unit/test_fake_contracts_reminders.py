"""Contract cases (as tests/unit/test_fake_contracts.py) for invitation reminders: the due ones read from
their index by due time, reminded once (the fresh link and the email with it, counted against the address's
limits), or dropped; and the account's settings changed in one write."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.outbox import recipient_windows
from chalicelib.services.invitations import new_invitation
from chalicelib.services.outbox import link_seed, mail_for
from chalicelib.store.invitations import link_item
from chalicelib.store.outbox import limit_label
from tests.helpers.present import present
from tests.unit.test_fake_contracts import covers

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.services.ports.store import Repositories
    from chalicelib.store.models import InvitationItem, LinkItem, MailItem
    from tests.helpers import Clock
    from tests.helpers.fakes import FakeWorld


def invite(world: FakeWorld, account_id: str, email: str, valid_days: int | None = None) -> InvitationItem:
    deps = world.deps
    details = {"valid_days": valid_days} if valid_days else {}
    entry, _ = new_invitation(deps, account_id, email, "member", [], None, details)
    assert deps.store.invitations.create_invitations([entry], deps.now()).lost == set()
    return entry.invitation


def due_ids(store: Repositories, at: datetime, size: int = 100) -> list[list[str]]:
    return [[i.invitation_id for i in page] for page in store.reminders.due_pages(at, size)]


def reminder_parts(world: FakeWorld, invitation: InvitationItem) -> tuple[LinkItem, MailItem]:
    deps = world.deps
    seed = link_seed(deps)
    invitation.reminder_token_hash = seed.token_hash
    link = link_item(seed.token_hash, invitation)
    mail = mail_for(deps, "reminder", invitation.email, nonce=seed.nonce,
                    account_id=invitation.account_id, invitation_id=invitation.invitation_id)  # fmt: skip
    return link, mail


@covers("reminders.due_pages")
def test_due_reminders_are_read_by_due_time_and_only_the_due_ones(world: FakeWorld, clock: Clock) -> None:
    store = world.deps.store
    account_id = world.account("Acme")
    week = [invite(world, account_id, f"w{n}@x.com").invitation_id for n in range(3)]
    clock.advance(hours=1)
    short = invite(world, account_id, "short@x.com", valid_days=2).invitation_id
    invite(world, account_id, "day@x.com", valid_days=1)  # under 2 days: never reminded
    start = clock()
    assert due_ids(store, start) == []
    assert due_ids(store, start + timedelta(days=1)) == [[short]]  # 2 days: due 24 h before the end
    five_days = start + timedelta(days=5)  # 7 days: due 48 h before the end (5 days after they were sent)
    assert sorted(i for page in due_ids(store, five_days) for i in page) == sorted([*week, short])
    pages = due_ids(store, five_days, size=3)
    assert [len(page) for page in pages] == [3, 1]


@covers("reminders.remind")
def test_a_reminder_is_committed_once_with_its_link_and_email(world: FakeWorld) -> None:
    deps = world.deps
    store, now = deps.store, deps.now()
    account_id = world.account("Acme")
    invitation = invite(world, account_id, "ann@x.com")
    at = invitation.expires_at - timedelta(hours=47)
    [[due]] = [page for page in store.reminders.due_pages(at)]
    link, mail = reminder_parts(world, due)
    assert store.reminders.remind(due, link, mail, recipient_windows(now, 5, 20), at, now)
    stored = present(store.invitations.get_invitation(account_id, invitation.invitation_id))
    assert (stored.reminded_at, stored.reminder_token_hash) == (now, due.reminder_token_hash)
    assert stored.token_hash == invitation.token_hash and stored.expires_at == invitation.expires_at
    assert present(store.links.get_link(due.reminder_token_hash)).invitation_id == invitation.invitation_id
    assert [m.mail_id for m in store.outbox.due(now) if m.kind == "reminder"] == [mail.mail_id]
    assert due_ids(store, at) == []
    again_link, again_mail = reminder_parts(world, due)
    assert store.reminders.remind(due, again_link, again_mail, (), at, now).failed == {"changed"}
    assert store.links.get_link(due.reminder_token_hash) is None  # the refused one's link was not made


@covers("reminders.remind")
def test_a_reminder_to_an_address_that_had_its_fill_is_refused_and_nothing_is_written(
    world: FakeWorld,
) -> None:
    deps = world.deps
    store, now = deps.store, deps.now()
    invitation = invite(world, world.account("Acme"), "ann@x.com")
    at = invitation.expires_at - timedelta(hours=47)
    [[due]] = [page for page in store.reminders.due_pages(at)]
    link, mail = reminder_parts(world, due)
    full = recipient_windows(now, 1, 20)  # the invitation's own email filled the hour
    assert store.reminders.remind(due, link, mail, full, at, now).failed == {
        limit_label(full[0], "ann@x.com")
    }
    assert (
        present(store.invitations.get_invitation(invitation.account_id, invitation.invitation_id)).reminded_at
        is None
    )
    assert store.links.get_link(due.reminder_token_hash) is None
    assert due_ids(store, at) == [[invitation.invitation_id]]


@covers("reminders.remind", "reminders.drop")
def test_a_reminder_ended_by_then_or_dropped_is_not_sent_and_leaves_the_index(world: FakeWorld) -> None:
    deps = world.deps
    store, now = deps.store, deps.now()
    account_id = world.account("Acme")
    ann, bob = invite(world, account_id, "ann@x.com"), invite(world, account_id, "bob@x.com")
    at = ann.expires_at - timedelta(hours=47)
    due = {i.email: i for page in store.reminders.due_pages(at) for i in page}
    link, mail = reminder_parts(world, due["ann@x.com"])
    assert store.reminders.remind(due["ann@x.com"], link, mail, (), ann.expires_at, now).failed == {"changed"}
    stale = due["bob@x.com"]
    stale.token_hash = "not-the-stored-one"  # as if resent since it was read
    assert store.reminders.drop(stale) is False
    assert store.reminders.drop(due["ann@x.com"]) is True
    assert due_ids(store, at) == [[bob.invitation_id]]


@covers("accounts.update_account")
def test_an_accounts_settings_change_in_one_write_while_it_is_there(world: FakeWorld) -> None:
    store = world.deps.store
    account_id = world.account("Acme")
    account = present(store.accounts.get_account(account_id))
    assert account.invitation_reminders is None  # never set: on, as the default
    assert store.accounts.update_account(account, {"invitation_reminders": False, "name": "Acme Hosting"})
    assert (account.invitation_reminders, account.name) == (False, "Acme Hosting")
    stored = present(store.accounts.get_account(account_id))
    assert (stored.invitation_reminders, stored.name) == (False, "Acme Hosting")
    gone = present(store.accounts.get_account(account_id))
    gone.pk = "ACCOUNT#acc_000000000000000000000000"
    assert store.accounts.update_account(gone, {"invitation_reminders": True}).failed == {"gone"}
