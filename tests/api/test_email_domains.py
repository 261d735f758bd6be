"""Verified email domains through the API: adding (normalised, the kept lists refused, 10 at most), DNS TXT
verification against a local DNS server (found, not found, SERVFAIL, CNAME), one account per verified
domain, the operator's `verified: true`, the join policy, removal, and `invite_domains`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import invite, join, onboard
from tests.helpers.concurrency import replies_together
from tests.helpers.dns import local_dns
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from scripts.local_dns import Records
    from tests.helpers import Api, Clock
    from tests.helpers.receiver import WebhookReceiver


@pytest.fixture
def dns(deps: Deps) -> Iterator[Records]:
    with local_dns(deps) as (records, _):
        yield records


def base(account_id: str) -> str:
    return f"/accounts/{account_id}/email-domains"


def events_of(api: Api, account_id: str, kind: str) -> Any:
    reply = api.get(f"/accounts/{account_id}/audit-events?type={kind}", operator=True)
    assert reply.status == 200, reply.body
    return reply.body["items"]


def test_a_domain_is_added_pending_with_its_own_record_and_read_by_any_spelling(api: Api) -> None:
    account_id, owner = onboard(api)
    added = api.post(base(account_id), {"domain": "  Bücher.Example "}, token=owner.token)
    assert added.status == 201, added.body
    body = added.body
    assert (body["domain"], body["status"], body["join_policy"]) == (
        "xn--bcher-kva.example",
        "pending",
        "invite_only",
    )
    assert body["verification"]["type"] == "dns_txt"
    assert body["verification"]["name"] == "_portal-access.xn--bcher-kva.example"
    assert body["verification"]["value"].startswith("portal-access-verify=")
    assert (body["auto_join_permissions"], body["auto_join_sub_accounts"]) == ([], [])
    assert body["verified_at"] is None and body["last_checked_at"] is None
    for spelling in ("xn--bcher-kva.example", "BU%CC%88CHER.example", "%EF%BD%82%C3%BCcher.example"):
        read = api.get(f"{base(account_id)}/{spelling}", token=owner.token)
        assert read.status == 200 and read.body["domain"] == "xn--bcher-kva.example", spelling
    again = api.post(base(account_id), {"domain": "BÜCHER.EXAMPLE."}, token=owner.token)
    assert again.status == 409 and again.body["error"]["code"] == "conflict"
    other_id, other = onboard(api, "Other", "olga@other.com")
    value = api.post(base(other_id), {"domain": "xn--bcher-kva.example"}, token=other.token).body
    assert value["verification"]["value"] != body["verification"]["value"]  # per account and domain
    listed = api.get(base(account_id), token=owner.token).body
    assert [d["domain"] for d in listed["items"]] == ["xn--bcher-kva.example"]
    assert [e["target"]["id"] for e in events_of(api, account_id, "domain.added")] == [
        "xn--bcher-kva.example"
    ]


@pytest.mark.parametrize(
    "domain", ["gmail.com", "Outlook.com", "mail.yahoo.com", "mailinator.com", "co.uk", "com", "not a domain"]
)
def test_mailbox_providers_disposable_domains_and_public_suffixes_are_refused(api: Api, domain: str) -> None:
    account_id, owner = onboard(api)
    refused = api.post(base(account_id), {"domain": domain}, token=owner.token)
    assert refused.status == 400 and refused.body["error"]["details"][0]["field"] == "domain"


def test_the_eleventh_domain_is_refused(api: Api) -> None:
    account_id, owner = onboard(api)
    for number in range(10):
        assert api.post(base(account_id), {"domain": f"d{number}.acme.com"}, token=owner.token).status == 201
    eleventh = api.post(base(account_id), {"domain": "d10.acme.com"}, token=owner.token)
    assert eleventh.status == 409 and eleventh.body["error"]["code"] == "conflict"
    assert api.delete(f"{base(account_id)}/d3.acme.com", token=owner.token).status == 204
    assert api.post(base(account_id), {"domain": "d10.acme.com"}, operator=True).status == 201


def test_only_the_owner_or_operator_manage_domains_and_only_the_operator_vouches(api: Api) -> None:
    account_id, owner = onboard(api)
    admin = join(api, account_id, owner.token, "admin@acme.com", role="admin", permissions=[])
    assert api.post(base(account_id), {"domain": "acme.com"}, token=admin.token).status == 403
    assert api.get(base(account_id), token=admin.token).status == 403
    vouched = api.post(base(account_id), {"domain": "acme.com", "verified": True}, token=owner.token)
    assert vouched.status == 403
    assert api.post(base(account_id), {"domain": "acme.com"}, token=owner.token).status == 201
    assert api.patch(f"{base(account_id)}/acme.com", {"verified": True}, token=owner.token).status == 403
    verified = api.patch(f"{base(account_id)}/acme.com", {"verified": True}, operator=True).body
    assert (verified["status"], verified["verified_by"]) == ("verified", "operator")
    assert [e["type"] for e in events_of(api, account_id, "domain.verified")] == ["domain.verified"]


def test_verification_finds_the_record_at_most_once_a_minute(api: Api, clock: Clock, dns: Records) -> None:
    account_id, owner = onboard(api)
    domain = api.post(base(account_id), {"domain": "acme.com"}, token=owner.token).body
    verify = f"{base(account_id)}/acme.com/verify"
    missing = api.post(verify, token=owner.token)
    assert missing.status == 200 and missing.body["status"] == "pending"
    assert missing.body["last_check"] == "missing" and missing.body["last_checked_at"] is not None
    dns.set_txt(domain["verification"]["name"], "v=spf1 -all", domain["verification"]["value"])
    too_soon = api.post(verify, token=owner.token)
    assert too_soon.status == 429 and int(too_soon.headers["retry-after"]) == 60
    clock.advance(seconds=61)
    found = api.post(verify, token=owner.token).body
    assert (found["status"], found["verified_by"], found["last_check"]) == ("verified", "dns", "found")
    assert found["verified_at"] is not None
    changes = events_of(api, account_id, "domain.verified")[0]["changes"]
    assert changes["status"] == ["pending", "verified"]


def test_a_record_of_another_value_servfail_and_a_cname(api: Api, clock: Clock, dns: Records) -> None:
    account_id, owner = onboard(api)
    domain = api.post(base(account_id), {"domain": "acme.com"}, token=owner.token).body
    name, value = domain["verification"]["name"], domain["verification"]["value"]
    verify = f"{base(account_id)}/acme.com/verify"
    dns.set_txt(name, "portal-access-verify=someone-elses")
    assert api.post(verify, token=owner.token).body["last_check"] == "missing"
    dns.clear(name)
    dns.fail(name)  # SERVFAIL: neither found nor missing
    clock.advance(seconds=61)
    unreachable = api.post(verify, token=owner.token).body
    assert (unreachable["status"], unreachable["last_check"]) == ("pending", "unreachable")
    dns.clear(name)
    dns.set_cname(name, "verify.dns-host.example")
    dns.set_txt("verify.dns-host.example", value)
    clock.advance(seconds=61)
    assert api.post(verify, token=owner.token).body["status"] == "verified"


def test_two_accounts_verifying_one_domain_at_once_one_wins(api: Api, dns: Records) -> None:
    first_id, first = onboard(api)
    second_id, second = onboard(api, "Rival", "rita@rival.com")
    for account_id, who in ((first_id, first), (second_id, second)):
        record = api.post(base(account_id), {"domain": "shared.com"}, token=who.token).body["verification"]
        dns.set_txt(record["name"], *dns.txt.get(record["name"] + ".", []), record["value"])
    answers = replies_together(
        lambda: api.post(f"{base(first_id)}/shared.com/verify", token=first.token),
        lambda: api.post(f"{base(second_id)}/shared.com/verify", token=second.token),
    )
    statuses = sorted(answer.status for answer in answers)
    assert statuses == [200, 409]
    [lost] = [answer for answer in answers if answer.status == 409]
    assert lost.body["error"]["code"] == "domain_claimed"
    assert "Acme" not in lost.body["error"]["message"] and "Rival" not in lost.body["error"]["message"]
    [won] = [answer for answer in answers if answer.status == 200]
    assert won.body["status"] == "verified"
    states = [api.get(f"{base(a)}/shared.com", operator=True).body["status"] for a in (first_id, second_id)]
    assert sorted(states) == ["pending", "verified"]
    # the operator cannot vouch for it either, while the other account holds it
    loser_id = first_id if states[1] == "verified" else second_id
    vouched = api.patch(f"{base(loser_id)}/shared.com", {"verified": True}, operator=True)
    assert vouched.status == 409 and vouched.body["error"]["code"] == "domain_claimed"


def test_lookalike_spellings_name_one_claim(api: Api) -> None:
    first_id, first = onboard(api)
    second_id, second = onboard(api, "Rival", "rita@rival.com")
    assert (
        api.post(base(first_id), {"domain": "bücher.example", "verified": True}, operator=True).status == 201
    )
    for spelling in (
        "BÜCHER.example",
        "bu\u0308cher.example",
        "ｂüｃｈｅｒ。example",
        "XN--BCHER-KVA.EXAMPLE",
    ):
        claimed = api.post(base(second_id), {"domain": spelling, "verified": True}, operator=True)
        assert claimed.status == 409 and claimed.body["error"]["code"] == "domain_claimed", spelling
    # a plain add tells nothing of the other account's claim
    assert api.post(base(second_id), {"domain": "BÜCHER.example"}, token=second.token).status == 201
    # a Cyrillic "a" (U+0430) is another domain altogether, with its own claim
    other = api.post(base(second_id), {"domain": "\u0430pple.com", "verified": True}, operator=True)
    assert other.status == 201 and other.body["domain"] == "xn--pple-43d.com"


def test_the_join_policy_needs_a_verified_domain_and_admin_keys_never_auto_join(api: Api) -> None:
    account_id, owner = onboard(api)
    api.post(base(account_id), {"domain": "acme.com"}, token=owner.token)
    one = f"{base(account_id)}/acme.com"
    early = api.patch(one, {"join_policy": "request"}, token=owner.token)
    assert early.status == 409 and early.body["error"]["code"] == "conflict"
    assert (
        api.patch(
            one, {"join_policy": "invite_only", "auto_join_permissions": ["tickets"]}, token=owner.token
        ).status
        == 200
    )
    assert api.patch(one, {"auto_join_permissions": ["payments"]}, token=owner.token).status == 400
    api.patch(one, {"verified": True}, operator=True)
    changed = api.patch(one, {"join_policy": "request", "auto_join_sub_accounts": "all"}, token=owner.token)
    assert changed.status == 200, changed.body
    assert (changed.body["join_policy"], changed.body["auto_join_sub_accounts"]) == ("request", "all")
    updates = events_of(api, account_id, "domain.updated")
    assert updates[0]["changes"]["join_policy"] == ["invite_only", "request"]


def test_removing_a_verified_domain_frees_it_for_another_account(api: Api) -> None:
    first_id, first = onboard(api)
    second_id, _ = onboard(api, "Rival", "rita@rival.com")
    api.post(base(first_id), {"domain": "acme.com", "verified": True}, operator=True)
    assert api.post(base(second_id), {"domain": "acme.com", "verified": True}, operator=True).status == 409
    assert api.delete(f"{base(first_id)}/acme.com", token=first.token).status == 204
    assert api.get(f"{base(first_id)}/acme.com", token=first.token).status == 404
    assert api.post(base(second_id), {"domain": "acme.com", "verified": True}, operator=True).status == 201
    assert [e["type"] for e in events_of(api, first_id, "domain.removed")] == ["domain.removed"]


def test_invite_domains_verified_skips_other_domains(api: Api) -> None:
    account_id, owner = onboard(api)
    admin = join(api, account_id, owner.token, "admin@acme.com", role="admin", permissions=[])
    refused = api.patch(f"/accounts/{account_id}", {"invite_domains": "verified"}, token=admin.token)
    assert refused.status == 403
    api.post(base(account_id), {"domain": "acme.com", "verified": True}, operator=True)
    api.post(base(account_id), {"domain": "acme.org"}, token=owner.token)  # pending: not invitable
    set_ = api.patch(f"/accounts/{account_id}", {"invite_domains": "verified"}, token=owner.token)
    assert set_.status == 200 and set_.body["invite_domains"] == "verified"
    emails = ["dev@acme.com", "dev@acme.org", "x@sub.acme.com", "owner@acme.com", "dev@ACME.com", "bad"]
    results = invite(api, account_id, owner.token, emails)["results"]
    reasons = [r.get("reason") or r["status"] for r in results]
    assert reasons == [
        "invited",
        "domain_not_allowed",
        "domain_not_allowed",
        "already_member",
        "duplicate",
        "invalid_email",
    ]
    assert api.patch(f"/accounts/{account_id}", {"invite_domains": "any"}, operator=True).status == 200
    assert invite(api, account_id, owner.token, ["dev@acme.org"])["results"][0]["status"] == "invited"
    moved = events_of(api, account_id, "account.updated")
    assert [e["changes"]["invite_domains"] for e in moved] == [["verified", "any"], ["any", "verified"]]


def test_domain_changes_reach_a_webhook_and_the_schedules_changes_too(
    api: Api, loopback: Deps, receiver: WebhookReceiver, clock: Clock, dns: Records
) -> None:
    from chalicelib.jobs.domains import recheck_domains
    from chalicelib.services.webhook_delivery import run_once

    account_id, owner = onboard(api)
    types = [
        "domain.added",
        "domain.verified",
        "domain.updated",
        "domain.verification_failed",
        "domain.removed",
    ]
    hook = api.post(
        f"/accounts/{account_id}/webhooks", {"url": receiver.url, "event_types": types}, token=owner.token
    )
    assert hook.status == 201, hook.body
    api.post(base(account_id), {"domain": "acme.com", "verified": True}, operator=True)
    api.patch(f"{base(account_id)}/acme.com", {"join_policy": "auto_join"}, token=owner.token)
    api.post(base(account_id), {"domain": "acme.org"}, token=owner.token)
    later, resolver = clock() + timedelta(hours=73), loopback.settings.dns_resolver
    recheck_domains(loopback.store, later, resolver=resolver, recorded_at=clock())
    api.delete(f"{base(account_id)}/acme.com", token=owner.token)
    report = run_once(loopback)
    assert report.succeeded == 6
    arrived = sorted(
        (json.loads(r.body)["type"], json.loads(r.body)["data"]["target"]["id"]) for r in receiver.received
    )
    assert arrived == [
        ("domain.added", "acme.com"), ("domain.added", "acme.org"), ("domain.removed", "acme.com"),
        ("domain.updated", "acme.com"), ("domain.verification_failed", "acme.org"),
        ("domain.verified", "acme.com"),
    ]  # fmt: skip


def test_dns_strings_are_joined_a_timeout_is_unreachable_and_a_missing_name_is_missing(dns: Records) -> None:
    from chalicelib.lookups.dns_txt import has_txt, resolver_for, txt_values

    address = f"127.0.0.1:{dns.port}"
    long_value = "portal-access-verify=" + "x" * 600  # three strings of one record on the wire
    dns.set_txt("_portal-access.acme.com", long_value, "another record")
    assert sorted(present(txt_values(resolver_for(address), "_portal-access.acme.com"))) == sorted(
        [long_value, "another record"]
    )
    assert has_txt("_portal-access.acme.com", long_value, address) == "found"
    assert has_txt("_portal-access.nowhere.com", long_value, address) == "missing"  # NXDOMAIN
    dns.fail("_portal-access.slow.com", silent=True)
    started = time.monotonic()
    assert has_txt("_portal-access.slow.com", long_value, address) == "unreachable"
    assert 2.5 < time.monotonic() - started < 5  # the 3-second timeout, not the server's 10 s


def test_an_add_sent_again_under_its_idempotency_key_answers_the_first_domain(api: Api) -> None:
    account_id, owner = onboard(api)
    key = {"Idempotency-Key": "add-acme-com"}
    first = api.post(base(account_id), {"domain": "acme.com"}, token=owner.token, headers=key)
    again = api.post(base(account_id), {"domain": "acme.com"}, token=owner.token, headers=key)
    assert (first.status, again.status) == (201, 201)
    assert again.body == first.body  # the same record value: nothing was added twice
    assert len(api.get(base(account_id), token=owner.token).body["items"]) == 1
    assert len(events_of(api, account_id, "domain.added")) == 1


def test_an_address_outside_the_verified_domains_is_skipped_before_it_could_take_a_seat(api: Api) -> None:
    account_id, owner = onboard(api)
    assert api.put(f"/accounts/{account_id}/seats", {"limit": 2}, operator=True).status == 200  # 1 free
    api.post(base(account_id), {"domain": "acme.com", "verified": True}, operator=True)
    api.patch(f"/accounts/{account_id}", {"invite_domains": "verified"}, token=owner.token)
    results = invite(api, account_id, owner.token, ["x@other.com", "a@acme.com", "b@acme.com"])["results"]
    assert [r.get("reason") or r["status"] for r in results] == [
        "domain_not_allowed", "invited", "seat_limit_reached"
    ]  # fmt: skip
