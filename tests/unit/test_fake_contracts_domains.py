"""Contract cases (as tests/unit/test_fake_contracts.py) for email domains: at most 10 per account, one
account per verified domain, every write at the version read, one verify lookup a minute."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.audit import Target
from chalicelib.domain.caller import OPERATOR
from chalicelib.services.audit_record import record
from chalicelib.store.email_domains import new_email_domain_item
from tests.helpers.present import present
from tests.unit.test_fake_contracts import covers

if TYPE_CHECKING:
    from chalicelib.store.models import EmailDomainItem
    from chalicelib.store.outcomes import Outcome
    from tests.helpers.fakes import FakeWorld


def _added(world: FakeWorld, account_id: str, name: str) -> tuple[EmailDomainItem, Outcome]:
    deps = world.deps
    domain = new_email_domain_item(account_id, name, "s3cret", deps.now())
    event = record(deps, "domain.added", OPERATOR, account_id, Target("email_domain", name))
    return domain, deps.store.email_domains.add(domain, [event])


@covers("email_domains.add", "email_domains.domains_of", "email_domains.get_domain")
def test_an_account_holds_at_most_ten_domains_each_once(world: FakeWorld) -> None:
    store = world.deps.store.email_domains
    account_id = world.account("Acme")
    for number in range(9):
        assert _added(world, account_id, f"d{number}.acme.com")[1]
    assert _added(world, account_id, "d3.acme.com")[1].failed == {"exists"}
    assert _added(world, account_id, "d9.acme.com")[1]
    assert _added(world, account_id, "d10.acme.com")[1].failed == {"full"}
    assert _added(world, "acc_000000000000000000000000", "acme.com")[1].failed == {"full"}  # no account
    assert [d.domain for d in store.domains_of(account_id)][:2] == ["d0.acme.com", "d1.acme.com"]
    assert len(store.domains_of(account_id)) == 10
    assert present(store.get_domain(account_id, "d3.acme.com")).status == "pending"
    assert store.get_domain(account_id, "d10.acme.com") is None


@covers("email_domains.save", "email_domains.claim_of")
def test_a_verified_domain_is_one_accounts_and_writes_check_the_version(world: FakeWorld) -> None:
    store = world.deps.store.email_domains
    first, second = world.account("Acme"), world.account("Rival")
    mine, _ = _added(world, first, "acme.com")
    theirs, _ = _added(world, second, "acme.com")
    assert store.claim_of("acme.com") is None  # pending claims hold nothing
    verified = {"status": "verified", "verified_at": world.deps.now(), "verified_by": "dns"}
    assert store.save(mine, verified, claim="take")
    assert (mine.version, mine.status) == (1, "verified")
    claim = present(store.claim_of("acme.com"))
    assert (claim.account_id, claim.join_policy) == (first, "invite_only")
    assert store.save(theirs, verified, claim="take").failed == {"taken"}
    assert present(store.get_domain(second, "acme.com")).status == "pending"  # nothing of it was written
    stale = present(store.get_domain(first, "acme.com"))
    assert store.save(mine, {"join_policy": "request"}, claim="sync")
    assert present(store.claim_of("acme.com")).join_policy == "request"
    assert store.save(stale, {"join_policy": "auto_join"}, claim="sync").failed == {"changed"}
    assert store.save(theirs, {"join_policy": "request"}, claim="sync").failed == {"taken"}
    assert store.save(mine, {"status": "pending", "join_policy": "invite_only"}, claim="release")
    assert store.claim_of("acme.com") is None
    assert store.save(theirs, verified, claim="take")  # free again: the other account takes it
    assert present(store.claim_of("acme.com")).account_id == second


@covers("email_domains.remove")
def test_removing_a_verified_domain_frees_its_claim_and_its_place(world: FakeWorld) -> None:
    store = world.deps.store.email_domains
    account_id = world.account("Acme")
    for number in range(10):
        _added(world, account_id, f"d{number}.acme.com")
    domain = present(store.get_domain(account_id, "d0.acme.com"))
    stale = present(store.get_domain(account_id, "d0.acme.com"))
    assert store.save(domain, {"status": "verified", "verified_at": world.deps.now()}, claim="take")
    assert store.remove(stale).failed == {"changed"}  # read pending: it would leave the claim behind
    assert present(store.claim_of("d0.acme.com")).account_id == account_id
    assert store.remove(domain)
    assert store.claim_of("d0.acme.com") is None and store.get_domain(account_id, "d0.acme.com") is None
    assert store.remove(domain).failed == {"changed"}
    assert _added(world, account_id, "d10.acme.com")[1]  # its place is free


@covers("email_domains.take_verify_turn")
def test_one_verify_lookup_a_minute_per_domain(world: FakeWorld) -> None:
    store, now = world.deps.store.email_domains, world.deps.now()
    account_id = world.account("Acme")
    domain, _ = _added(world, account_id, "acme.com")
    other, _ = _added(world, account_id, "acme.org")
    assert store.take_verify_turn(domain, now)
    assert store.take_verify_turn(domain, now + timedelta(seconds=59)).failed == {"taken"}
    assert store.take_verify_turn(other, now)  # per domain
    assert store.take_verify_turn(domain, now + timedelta(seconds=61))
    assert present(store.get_domain(account_id, "acme.com")).last_verify_at == now + timedelta(seconds=61)
