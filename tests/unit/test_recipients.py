"""The recipient rules, over every category and opener case, without storage."""

from __future__ import annotations

import itertools

import pytest

from chalicelib.domain.recipients import CATEGORIES, AccountPeople, recipients

OWNER = "owner@acme.com"
ALL_COMBINATIONS = [set(c) for n in range(len(CATEGORIES) + 1) for c in itertools.combinations(CATEGORIES, n)]


def people(contacts: dict[str, set[str]], active=(), deactivated=()) -> AccountPeople:
    return AccountPeople(
        owner_email=OWNER,
        active_member_emails=frozenset({OWNER, *active}),
        deactivated_member_emails=frozenset(deactivated),
        contacts=tuple((email, frozenset(cats)) for email, cats in contacts.items()),
    )


@pytest.mark.parametrize(
    "chosen", [set(c) for n in range(7) for c in itertools.combinations(CATEGORIES, n)][:64]
)
def test_every_preference_combination_gets_exactly_its_categories(chosen):
    account = people({"c@example.com": chosen, "none@example.com": set()})
    for category in CATEGORIES:
        found = recipients(account, category)
        assert found.to == [OWNER]
        assert found.cc == (["c@example.com"] if category in chosen else [])


def test_all_64_combinations_are_covered():
    assert len({frozenset(c) for c in ALL_COMBINATIONS}) == 2 ** len(CATEGORIES) == 64


def test_cc_is_sorted_without_duplicates_or_the_owner():
    account = people({"b@example.com": {"invoice"}, "a@example.com": {"invoice"}, OWNER: {"invoice"}})
    assert recipients(account, "invoice").cc == ["a@example.com", "b@example.com"]


def test_ticket_opened_by_the_owner_copies_every_support_contact():
    account = people(
        {"s1@example.com": {"support"}, "s2@example.com": {"support"}, "x@example.com": {"invoice"}}
    )
    assert recipients(account, "support", OWNER).cc == ["s1@example.com", "s2@example.com"]


def test_ticket_opened_by_someone_else_copies_only_them():
    account = people({"s1@example.com": {"support"}}, active={"dev@example.com"})
    assert recipients(account, "support", "dev@example.com").cc == ["dev@example.com"]
    assert recipients(account, "support", "s1@example.com").cc == ["s1@example.com"]


def test_an_opener_who_is_member_and_contact_appears_once():
    account = people({"dev@example.com": {"support"}}, active={"dev@example.com"})
    assert recipients(account, "support", "dev@example.com").cc == ["dev@example.com"]


def test_never_a_deactivated_member():
    account = people({"gone@example.com": {"support", "invoice"}}, deactivated={"gone@example.com"})
    assert recipients(account, "support", "gone@example.com").cc == []
    assert recipients(account, "invoice").cc == []
    assert recipients(account, "support", OWNER).cc == []


def test_a_stranger_opener_gets_no_copy_of_account_mail():
    account = people({"s1@example.com": {"support"}})
    assert recipients(account, "support", "stranger@example.com").cc == []


def test_opener_only_matters_for_support():
    account = people({"i@example.com": {"invoice"}}, active={"dev@example.com"})
    assert recipients(account, "invoice", "dev@example.com").cc == ["i@example.com"]


def test_no_owner_yet_means_no_to():
    account = AccountPeople(None, frozenset(), frozenset(), (("c@example.com", frozenset({"general"})),))
    assert recipients(account, "general").to == []


def test_a_ticket_opened_by_the_owner_is_copied_to_support_contacts_and_members_holding_tickets():
    account = AccountPeople(
        owner_email=OWNER,
        active_member_emails=frozenset({OWNER, "admin@acme.com", "dev@acme.com", "books@acme.com"}),
        deactivated_member_emails=frozenset({"gone@acme.com"}),
        contacts=(("help@acme.com", frozenset({"support"})), ("bill@acme.com", frozenset({"invoice"}))),
        ticket_holder_emails=frozenset({OWNER, "admin@acme.com", "dev@acme.com"}),
    )
    by_owner = recipients(account, "support", OWNER)
    assert (by_owner.to, by_owner.cc) == ([OWNER], ["admin@acme.com", "dev@acme.com", "help@acme.com"])
    by_dev = recipients(account, "support", "dev@acme.com")
    assert by_dev.cc == ["dev@acme.com"]  # one sub-contact does not get another's tickets
    assert recipients(account, "support").cc == ["help@acme.com"]  # no opener: the opted-in contacts
