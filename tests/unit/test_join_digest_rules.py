"""The join requests' digest on the fakes (services/join_digest.py): the owner and the admins, not the other
members, are sent one email listing the new requests, then nothing until an hour has passed."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from chalicelib.domain.audit import Target
from chalicelib.domain.caller import OPERATOR
from chalicelib.services import email_worker
from chalicelib.services.audit_record import record
from chalicelib.services.join_digest import send_digests
from chalicelib.services.joining import new_join_request
from tests.helpers.present import present

if TYPE_CHECKING:
    from tests.helpers import Clock, RecordingMailer
    from tests.helpers.fakes import FakeWorld


def _ask(world: FakeWorld, account_id: str, email: str) -> None:
    deps = world.deps
    user = present(deps.store.users.get_user(world.member(world.account("Elsewhere"), email)))
    request = new_join_request(account_id, user, deps.now(), via="domain", permissions=[], sub_accounts=None)
    event = record(
        deps, "join_request.created", OPERATOR, account_id, Target("join_request", request.request_id)
    )
    assert deps.store.join_requests.create_request(request, deps.now(), event)


def sent_digests(world: FakeWorld, mailer: RecordingMailer, clock: Clock) -> dict[str, list[str]]:
    """The digests the email worker sends, by address: each one's text."""
    email_worker.run_once(world.deps, clock())
    found: dict[str, list[str]] = {}
    for mail in mailer.sent:
        if re.match(r"\d+ new requests? to join ", mail.subject):
            found.setdefault(mail.to[0], []).append(mail.body)
    return found


def test_one_digest_an_hour_to_the_owner_and_admins(
    world: FakeWorld, clock: Clock, mailer: RecordingMailer
) -> None:
    account_id = world.account("Acme")
    world.member(account_id, "owner@acme.com", "owner")
    world.member(account_id, "admin@acme.com", "admin")
    world.member(account_id, "off@acme.com", "admin", status="deactivated")
    world.member(account_id, "dev@acme.com", permissions=("tickets",))
    for name in ("ann", "bob", "cy"):
        _ask(world, account_id, f"{name}@corp.com")
    assert send_digests(world.deps, clock()).sent == 1
    sent = sent_digests(world, mailer, clock)
    assert sorted(sent) == ["admin@acme.com", "owner@acme.com"]
    [text] = sent["owner@acme.com"]
    assert all(f"- {name}@corp.com" in text for name in ("ann", "bob", "cy"))
    clock.advance(minutes=10)
    _ask(world, account_id, "dee@corp.com")
    report = send_digests(world.deps, clock())
    assert (report.sent, report.waiting) == (0, 1)
    assert len(sent_digests(world, mailer, clock)["owner@acme.com"]) == 1
    clock.advance(hours=1)
    assert send_digests(world.deps, clock()).sent == 1
    later = sent_digests(world, mailer, clock)["owner@acme.com"][-1]
    assert "- dee@corp.com" in later and "ann@corp.com" not in later
