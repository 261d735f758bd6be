"""The pure rules of email domains: one spelling per domain, the domains no account may hold, and what a DNS
check changes (domain/email_domains.py, domain/domain_checks.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.domain_checks import DomainState, after_check, restarted, verify_wait
from chalicelib.domain.email_domains import (
    DomainRefusedError,
    checked_domain,
    email_domain_of,
    invite_allowed,
    normalize_domain,
)
from chalicelib.domain.mailbox_providers import PUBLIC_MAILBOX_PROVIDERS

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "spelling",
    [
        "bücher.example", "BÜCHER.EXAMPLE", "bu\u0308cher.example", "  Bücher.example.  ",
        "\uff42\u00fc\uff43\uff48\uff45\uff52\u3002example", "XN--BCHER-KVA.example", "b%C3%BCcher.example",
    ],
)  # fmt: skip
def test_every_spelling_of_a_domain_is_one(spelling: str) -> None:
    assert normalize_domain(spelling) == "xn--bcher-kva.example"


def test_a_lookalike_in_another_script_is_another_domain() -> None:
    assert normalize_domain("\u0430pple.com") == "xn--pple-43d.com" != normalize_domain("apple.com")


@pytest.mark.parametrize(
    "text", ["", " ", "com", "1.2.3.4", "a..b.com", "-a.com", "a_b.com", "x" * 64 + ".com"]
)
def test_what_is_no_domain_is_refused(text: str) -> None:
    with pytest.raises(DomainRefusedError):
        normalize_domain(text)


@pytest.mark.parametrize(
    ("domain", "why"),
    [
        ("gmail.com", "mailbox"), ("GoogleMail.com", "mailbox"), ("mail.yahoo.com", "mailbox"),
        ("mailinator.com", "disposable"), ("co.uk", "public suffix"), ("github.io", "public suffix"),
    ],
)  # fmt: skip
def test_mailbox_providers_disposable_domains_and_public_suffixes_are_no_accounts(
    domain: str, why: str
) -> None:
    with pytest.raises(DomainRefusedError, match=why):
        checked_domain(domain)


def test_a_company_domain_under_a_public_suffix_is_fine_and_the_kept_list_is_long_enough() -> None:
    assert checked_domain("acme.co.uk") == "acme.co.uk"
    assert checked_domain("shop.acme.com") == "shop.acme.com"
    assert len(PUBLIC_MAILBOX_PROVIDERS) >= 50


def test_invitations_under_verified_domains_only_cover_the_domain_itself() -> None:
    verified = frozenset({"acme.com", "xn--bcher-kva.example"})
    assert invite_allowed("ann@acme.com", verified)
    assert invite_allowed("ann@bücher.example", verified)
    assert not invite_allowed("ann@sub.acme.com", verified)
    assert not invite_allowed("ann@acme.org", verified)
    assert invite_allowed("ann@anything.org", None)
    assert email_domain_of("no-at-sign") == ""


def pending(since: datetime = NOW) -> DomainState:
    return DomainState("pending", "invite_only", since, None)


def test_a_pending_domain_is_verified_when_found_and_failed_after_72_hours() -> None:
    found = after_check(pending(), "found", NOW + timedelta(minutes=15))
    assert (found.state.status, found.event) == ("verified", "domain.verified")
    assert found.next_check_at == NOW + timedelta(minutes=15, days=1)
    missing = after_check(pending(), "missing", NOW + timedelta(hours=71))
    assert (missing.state.status, missing.event) == ("pending", None)
    assert missing.next_check_at == NOW + timedelta(hours=71, minutes=15)
    unreachable = after_check(pending(), "unreachable", NOW + timedelta(hours=72))
    assert (unreachable.state.status, unreachable.event, unreachable.next_check_at) == (
        "failed", "domain.verification_failed", None
    )  # fmt: skip


def test_a_verified_domain_is_lost_after_7_days_missing_in_a_row() -> None:
    verified = DomainState("verified", "auto_join", NOW, None)
    first = after_check(verified, "missing", NOW + timedelta(days=1))
    assert (first.state.status, first.state.missing_since) == ("verified", NOW + timedelta(days=1))
    unreachable = after_check(first.state, "unreachable", NOW + timedelta(days=2))
    assert unreachable.state == first.state  # counts neither way
    found = after_check(first.state, "found", NOW + timedelta(days=3))
    assert found.state.missing_since is None  # the count starts over
    almost = after_check(first.state, "missing", NOW + timedelta(days=7, hours=23))
    assert (almost.state.status, almost.event) == ("verified", None)
    lost = after_check(first.state, "missing", NOW + timedelta(days=8))
    assert (lost.state.status, lost.state.join_policy, lost.event) == (
        "pending", "invite_only", "domain.verification_lost"
    )  # fmt: skip
    assert lost.state.pending_since == NOW + timedelta(days=8)  # its 72 hours start now


def test_a_failed_domain_verified_by_hand_starts_its_72_hours_again() -> None:
    failed = DomainState("failed", "invite_only", NOW, None)
    assert restarted(failed, NOW + timedelta(days=5)) == pending(NOW + timedelta(days=5))
    assert restarted(pending(), NOW + timedelta(days=5)) == pending()
    assert after_check(failed, "missing", NOW + timedelta(days=5)).next_check_at is None


def test_one_verify_lookup_a_minute() -> None:
    assert verify_wait(None, NOW) == 0
    assert verify_wait(NOW, NOW + timedelta(seconds=1)) == 59
    assert verify_wait(NOW, NOW + timedelta(seconds=60)) == 0
