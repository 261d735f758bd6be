"""The join requests' digest (issue 29): the account's user_management holders (an admin-only key: the
owner and the admins) get at most one email an
hour listing the new requests; a run reads only accounts with new requests, and two runs at once send one."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from chalicelib.services.join_digest import send_digests
from tests.helpers import join, onboard
from tests.helpers.concurrency import run_together
from tests.helpers.mail import drain_outbox, moto_outbox, to_address

if TYPE_CHECKING:
    from chalice.test import Client

    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock

JOIN = "/invite-links/join"


def digests_to(email: str) -> list[Any]:
    return [m for m in to_address(moto_outbox(), email) if re.match(r"\d+ new requests? to join ", m.subject)]


def test_at_most_one_digest_an_hour_to_each_user_manager(api: Api, deps: Deps, clock: Clock) -> None:
    account_id, owner = onboard(api)
    admin = join(api, account_id, owner.token, "admin@x.com", role="admin")
    plain = join(api, account_id, owner.token, "plain@x.com", permissions=["tickets"])
    made = api.post(f"/accounts/{account_id}/invite-links", {}, operator=True)
    token = made.body["url"].split("#token=", 1)[1]
    for n in range(3):
        assert api.post(JOIN, {"token": token, "email": f"asker{n}@corp.com"}).status == 202
    drain_outbox(deps)  # the worker queues the three requests
    assert send_digests(deps, clock(), dry_run=True).due == 1  # only the account with new requests
    runs = run_together(lambda: send_digests(deps, clock()).sent, lambda: send_digests(deps, clock()).sent)
    assert sorted(runs) == [0, 1]  # two runs at once: one digest
    drain_outbox(deps)
    for who in (owner.email, admin.email):
        [digest] = digests_to(who)
        assert digest.subject == "3 new requests to join Acme Hosting"  # a plural message: the form for 3
        assert all(f"asker{n}@corp.com" in digest.body for n in range(3))
    assert digests_to(plain.email) == []
    assert send_digests(deps, clock()).due == 0  # nothing new: nothing read

    clock.advance(minutes=1)
    assert api.post(JOIN, {"token": token, "email": "late@corp.com"}).status == 202
    drain_outbox(deps)
    within = send_digests(deps, clock())
    assert (within.sent, within.waiting) == (0, 1)  # the hour is not over
    clock.advance(hours=1)
    assert send_digests(deps, clock()).sent == 1
    drain_outbox(deps)
    later = digests_to(owner.email)
    assert len(later) == 2 and later[-1].subject == "1 new request to join Acme Hosting"  # the singular
    assert "late@corp.com" in later[-1].body and "asker0@corp.com" not in later[-1].body


def test_the_scheduled_function_sends_the_digest(api: Api, chalice_client: Client, deps: Deps) -> None:
    account_id, owner = onboard(api)
    made = api.post(f"/accounts/{account_id}/invite-links", {}, operator=True)
    token = made.body["url"].split("#token=", 1)[1]
    assert api.post(JOIN, {"token": token, "email": "asker@corp.com"}).status == 202
    drain_outbox(deps)
    event = chalice_client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    assert chalice_client.lambda_.invoke("send_join_request_digests", event).payload == {
        "sent": 1,
        "waiting": 0,
    }
    drain_outbox(deps)
    assert len(digests_to(owner.email)) == 1
