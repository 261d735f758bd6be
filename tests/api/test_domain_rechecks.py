"""The scheduled re-checks of email domains (jobs/domains.py) on moto, answering from a local DNS server:
pending ones every 15 minutes for 72 hours then `failed`, verified ones daily and lost after 7 days of
missing, a run's reads bounded by the domains due, and one domain's failure stopping no other."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from chalicelib.jobs.domains import recheck_domains
from tests.helpers import DynamoCalls, onboard
from tests.helpers.dns import local_dns
from tests.helpers.present import present

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.deps import Deps
    from chalicelib.jobs.domains import RecheckReport
    from scripts.local_dns import Records
    from tests.helpers import Api, Clock


@pytest.fixture
def dns(deps: Deps) -> Iterator[tuple[Records, str]]:
    with local_dns(deps) as (records, address):
        yield records, address


def run(deps: Deps, at: datetime, address: str, **kw: Any) -> RecheckReport:
    return recheck_domains(deps.store, at, resolver=address, recorded_at=at, **kw)


def domain_of(api: Api, account_id: str, name: str = "acme.com") -> Any:
    return api.get(f"/accounts/{account_id}/email-domains/{name}", operator=True).body


def events(api: Api, account_id: str, kind: str) -> Any:
    return api.get(f"/accounts/{account_id}/audit-events?type={kind}", operator=True).body["items"]


def test_a_pending_domain_is_looked_at_for_72_hours_then_failed(
    api: Api, deps: Deps, clock: Clock, dns: tuple[Records, str]
) -> None:
    records, address = dns
    account_id, owner = onboard(api)
    api.post(f"/accounts/{account_id}/email-domains", {"domain": "acme.com"}, token=owner.token)
    start = clock()
    assert run(deps, start + timedelta(minutes=10), address).checked == 0  # not due before 15 minutes
    first = run(deps, start + timedelta(minutes=15), address)
    assert (first.checked, first.events) == (1, {})
    assert domain_of(api, account_id)["last_check"] == "missing"
    assert run(deps, start + timedelta(minutes=20), address).checked == 0  # next look 15 minutes on
    late = run(deps, start + timedelta(hours=72), address)
    assert late.events == {"domain.verification_failed": 1}
    assert domain_of(api, account_id)["status"] == "failed"
    assert run(deps, start + timedelta(days=30), address).checked == 0  # a failed domain waits for a person
    [failed] = events(api, account_id, "domain.verification_failed")
    assert failed["actor"]["kind"] == "system" and failed["changes"]["status"] == ["pending", "failed"]
    # verifying it by hand starts its 72 hours again, and the schedule looks again
    clock.advance(hours=80)
    again = api.post(f"/accounts/{account_id}/email-domains/acme.com/verify", operator=True)
    assert again.body["status"] == "pending"
    assert run(deps, clock() + timedelta(minutes=15), address).checked == 1


def test_the_schedule_verifies_a_pending_domain_once_its_record_appears(
    api: Api, deps: Deps, clock: Clock, dns: tuple[Records, str]
) -> None:
    records, address = dns
    account_id, owner = onboard(api)
    record = api.post(f"/accounts/{account_id}/email-domains", {"domain": "acme.com"}, token=owner.token).body
    records.set_txt(record["verification"]["name"], record["verification"]["value"])
    report = run(deps, clock() + timedelta(hours=1), address)
    assert report.events == {"domain.verified": 1}
    assert domain_of(api, account_id)["status"] == "verified"
    assert present(deps.store.email_domains.claim_of("acme.com")).account_id == account_id


def test_a_verified_domain_missing_7_days_in_a_row_is_lost(
    api: Api, deps: Deps, clock: Clock, dns: tuple[Records, str]
) -> None:
    records, address = dns
    account_id, owner = onboard(api)
    record = api.post(f"/accounts/{account_id}/email-domains", {"domain": "acme.com"}, token=owner.token).body
    name, value = record["verification"]["name"], record["verification"]["value"]
    records.set_txt(name, value)
    api.post(f"/accounts/{account_id}/email-domains/acme.com/verify", token=owner.token)
    api.patch(f"/accounts/{account_id}/email-domains/acme.com", {"join_policy": "request"}, token=owner.token)
    records.clear(name)
    day = clock()
    for number in range(1, 8):  # first miss on day 1; day 3 answers SERVFAIL (counts neither way)
        if number == 3:
            records.fail(name)
        report = run(deps, day + timedelta(days=number, minutes=1), address)
        records.clear(name)
        assert report.checked == 1 and report.events == {}, number
        assert domain_of(api, account_id)["status"] == "verified"
    lost = run(deps, day + timedelta(days=8, minutes=2), address)
    assert lost.events == {"domain.verification_lost": 1}
    after = domain_of(api, account_id)
    assert (after["status"], after["join_policy"]) == ("pending", "invite_only")
    assert deps.store.email_domains.claim_of("acme.com") is None
    [event] = events(api, account_id, "domain.verification_lost")
    assert event["changes"] == {"status": ["verified", "pending"], "join_policy": ["request", "invite_only"]}


def test_a_record_that_comes_back_resets_the_count(
    api: Api, deps: Deps, clock: Clock, dns: tuple[Records, str]
) -> None:
    records, address = dns
    account_id, owner = onboard(api)
    record = api.post(f"/accounts/{account_id}/email-domains", {"domain": "acme.com"}, token=owner.token).body
    name, value = record["verification"]["name"], record["verification"]["value"]
    records.set_txt(name, value)
    api.post(f"/accounts/{account_id}/email-domains/acme.com/verify", token=owner.token)
    day = clock()
    for number in range(1, 12):
        if number == 5:
            records.set_txt(name, value)  # back for one day
        else:
            records.clear(name)
        assert run(deps, day + timedelta(days=number, minutes=1), address).events == {}, number


def test_a_run_reads_only_the_domains_due_and_one_failure_stops_no_other(
    api: Api, deps: Deps, clock: Clock, dns: tuple[Records, str]
) -> None:
    _, address = dns
    accounts = [onboard(api, f"Account {n}", f"owner{n}@a{n}.com") for n in range(4)]
    for n, (account_id, _) in enumerate(accounts):
        for name in (f"a{n}.com", f"b{n}.com"):
            api.post(f"/accounts/{account_id}/email-domains", {"domain": name}, operator=True)
    asked: list[str] = []

    def lookup(name: str, value: str, resolver: Any) -> str:
        asked.append(name)
        if name == "_portal-access.a1.com":
            raise RuntimeError("a resolver library bug")
        return "missing"

    with DynamoCalls() as idle:
        assert run(deps, clock() + timedelta(minutes=1), address, lookup=lookup).checked == 0
    assert idle.whole_read == [] and asked == []
    report = run(deps, clock() + timedelta(minutes=15), address, lookup=lookup)
    assert (report.checked, report.errors) == (7, 1)
    assert len(asked) == 8
    assert domain_of(api, accounts[1][0], "b1.com")["last_check"] == "missing"
    assert domain_of(api, accounts[1][0], "a1.com")["last_check"] is None  # left due for the next run
    dry = run(deps, clock() + timedelta(minutes=16), address, lookup=lookup, dry_run=True)
    assert [line.split("/")[1] for line in dry.due] == ["a1.com pending"]
    out_of_time = run(deps, clock() + timedelta(minutes=16), address, lookup=lookup, budget_seconds=0)
    assert out_of_time.checked == out_of_time.errors == 0  # no batch started: a1.com stays due
    assert run(deps, clock() + timedelta(minutes=16), address, lookup=lookup).errors == 1


def test_run_scheduled_rechecks_domains_first(
    api: Api, deps: Deps, clock: Clock, dns: tuple[Records, str]
) -> None:
    from chalicelib.jobs.scheduled import run_scheduled

    records, _ = dns
    account_id, owner = onboard(api)
    record = api.post(f"/accounts/{account_id}/email-domains", {"domain": "acme.com"}, token=owner.token).body
    records.set_txt(record["verification"]["name"], record["verification"]["value"])
    preview = run_scheduled(deps, clock() + timedelta(minutes=15), dry_run=True)
    assert (preview[0].name, preview[0].line) == ("domains", "would check 1 email domains")
    assert domain_of(api, account_id)["status"] == "pending"  # a dry run writes nothing
    [domains, *_] = run_scheduled(deps, clock() + timedelta(minutes=15))
    assert domains.ok and domains.line.startswith("1 email domains checked (0 unreachable): 1 domain.")
    assert "domain.verified" in domains.line
    assert domain_of(api, account_id)["status"] == "verified"
