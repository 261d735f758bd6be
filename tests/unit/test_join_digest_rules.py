"""The join requests' digest on the fakes (services/join_digest.py): the owner and the admins, not the other
members, are sent one email listing the new requests, then nothing until an hour has passed."""

from __future__ import annotations

import json

from chalicelib.domain.audit import Target
from chalicelib.domain.caller import OPERATOR
from chalicelib.services.audit_record import record
from chalicelib.services.join_digest import send_digests
from chalicelib.services.joining import new_join_request
from chalicelib.store.models import MailItem


def _ask(world, account_id: str, email: str) -> None:
    deps = world.deps
    user = deps.store.users.get_user(world.member(world.account("Elsewhere"), email))
    request = new_join_request(account_id, user, deps.now(), via="domain", permissions=[], sub_accounts=None)
    event = record(
        deps, "join_request.created", OPERATOR, account_id, Target("join_request", request.request_id)
    )
    assert deps.store.join_requests.create_request(request, deps.now(), event)


def digests(world) -> list[MailItem]:
    return [m for m in world.table.of(MailItem) if m.template == "join_requests_digest"]


def test_one_digest_an_hour_to_the_owner_and_admins(world, clock):
    account_id = world.account("Acme")
    world.member(account_id, "owner@acme.com", "owner")
    world.member(account_id, "admin@acme.com", "admin")
    world.member(account_id, "off@acme.com", "admin", status="deactivated")
    world.member(account_id, "dev@acme.com", permissions=("tickets",))
    for name in ("ann", "bob", "cy"):
        _ask(world, account_id, f"{name}@corp.com")
    assert send_digests(world.deps, clock()).sent == 1
    sent = digests(world)
    assert sorted(m.to for m in sent) == ["admin@acme.com", "owner@acme.com"]
    values = json.loads(sent[0].values)
    assert values["count"] == "3" and sorted(values["requests"].splitlines()) == [
        "- ann@corp.com", "- bob@corp.com", "- cy@corp.com"
    ]  # fmt: skip
    clock.advance(minutes=10)
    _ask(world, account_id, "dee@corp.com")
    report = send_digests(world.deps, clock())
    assert (report.sent, report.waiting, len(digests(world))) == (0, 1, 2)
    clock.advance(hours=1)
    assert send_digests(world.deps, clock()).sent == 1
    later = [json.loads(m.values) for m in digests(world) if m.created_at == clock()]
    assert [(v["count"], v["requests"]) for v in later] == [("1", "- dee@corp.com")] * 2
