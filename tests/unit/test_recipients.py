"""The recipient rules, over every category and opener case, without storage."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable

import pytest

from chalicelib.domain.recipients import CATEGORIES, AccountPeople, recipients, recipients_page

OWNER = "owner@acme.com"
ALL_COMBINATIONS = [set(c) for n in range(len(CATEGORIES) + 1) for c in itertools.combinations(CATEGORIES, n)]


def people(
    contacts: dict[str, set[str]], active: Iterable[str] = (), deactivated: Iterable[str] = ()
) -> AccountPeople:
    return AccountPeople(
        owner_email=OWNER,
        active_member_emails=frozenset({OWNER, *active}),
        deactivated_member_emails=frozenset(deactivated),
        contacts=tuple((email, frozenset(cats)) for email, cats in contacts.items()),
    )


@pytest.mark.parametrize(
    "chosen", [set(c) for n in range(7) for c in itertools.combinations(CATEGORIES, n)][:64]
)
def test_every_preference_combination_gets_exactly_its_categories(chosen: set[str]) -> None:
    account = people({"c@example.com": chosen, "none@example.com": set()})
    for category in CATEGORIES:
        found = recipients(account, category)
        assert found.to == [OWNER]
        assert found.cc == (["c@example.com"] if category in chosen else [])


def test_all_64_combinations_are_covered() -> None:
    assert len({frozenset(c) for c in ALL_COMBINATIONS}) == 2 ** len(CATEGORIES) == 64


def test_cc_is_sorted_without_duplicates_or_the_owner() -> None:
    account = people({"b@example.com": {"invoice"}, "a@example.com": {"invoice"}, OWNER: {"invoice"}})
    assert recipients(account, "invoice").cc == ["a@example.com", "b@example.com"]


def test_ticket_opened_by_the_owner_copies_every_support_contact() -> None:
    account = people(
        {"s1@example.com": {"support"}, "s2@example.com": {"support"}, "x@example.com": {"invoice"}}
    )
    assert recipients(account, "support", OWNER).cc == ["s1@example.com", "s2@example.com"]


def test_ticket_opened_by_someone_else_copies_only_them() -> None:
    account = people({"s1@example.com": {"support"}}, active={"dev@example.com"})
    assert recipients(account, "support", "dev@example.com").cc == ["dev@example.com"]
    assert recipients(account, "support", "s1@example.com").cc == ["s1@example.com"]


def test_an_opener_who_is_member_and_contact_appears_once() -> None:
    account = people({"dev@example.com": {"support"}}, active={"dev@example.com"})
    assert recipients(account, "support", "dev@example.com").cc == ["dev@example.com"]


def test_never_a_deactivated_member() -> None:
    account = people({"gone@example.com": {"support", "invoice"}}, deactivated={"gone@example.com"})
    assert recipients(account, "support", "gone@example.com").cc == []
    assert recipients(account, "invoice").cc == []
    assert recipients(account, "support", OWNER).cc == []


def test_a_stranger_opener_gets_no_copy_of_account_mail() -> None:
    account = people({"s1@example.com": {"support"}})
    assert recipients(account, "support", "stranger@example.com").cc == []


def test_opener_only_matters_for_support() -> None:
    account = people({"i@example.com": {"invoice"}}, active={"dev@example.com"})
    assert recipients(account, "invoice", "dev@example.com").cc == ["i@example.com"]


def test_no_owner_yet_means_no_to() -> None:
    account = AccountPeople(None, frozenset(), frozenset(), (("c@example.com", frozenset({"general"})),))
    assert recipients(account, "general").to == []


def test_a_ticket_opened_by_the_owner_is_copied_to_support_contacts_and_members_holding_tickets() -> None:
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


def streamed_page(whole: AccountPeople, category: str, after: str | None, limit: int) -> AccountPeople:
    """What the store reads for one page: each stream (the category's contacts, the ticket holders) in
    email order after `after`, limit + 1 emails; the rest of `whole` (owner, members' statuses) as it is."""

    def cut(emails: Iterable[str]) -> list[str]:
        return sorted(e for e in emails if after is None or e > after)[: limit + 1]

    opted_in = cut(email for email, categories in whole.contacts if category in categories)
    others = tuple(
        (email, frozenset[str]()) for email, categories in whole.contacts if category not in categories
    )
    return AccountPeople(
        owner_email=whole.owner_email,
        active_member_emails=whole.active_member_emails,
        deactivated_member_emails=whole.deactivated_member_emails,
        contacts=tuple((email, frozenset([category])) for email in opted_in) + others,
        ticket_holder_emails=frozenset(cut(whole.ticket_holder_emails)),
    )


def walk(whole: AccountPeople, category: str, opener: str | None, limit: int) -> list[list[str]]:
    pages, after = [], None
    while True:
        found = recipients_page(
            streamed_page(whole, category, after, limit), category, opener, after=after, limit=limit
        )
        assert found.to == ([OWNER] if whole.owner_email else [])
        assert len(found.cc) <= limit
        pages.append(found.cc)
        if found.last is None:
            return pages
        assert after is None or found.last > after  # every page moves on
        after = found.last


@pytest.mark.parametrize("seed", range(40))
def test_pages_of_truncated_streams_add_up_to_the_whole_answer(seed: int) -> None:
    rng = random.Random(seed)
    emails = [f"p{i:03d}@example.com" for i in range(rng.randint(0, 40))] + [OWNER]
    contacts = {e: {"support"} for e in emails if rng.random() < 0.5}
    holders = {e for e in emails if rng.random() < 0.4}
    deactivated = {e for e in emails if e != OWNER and e not in holders and rng.random() < 0.2}
    whole = AccountPeople(
        owner_email=OWNER,
        active_member_emails=frozenset(holders | {OWNER}),
        deactivated_member_emails=frozenset(deactivated),
        contacts=tuple((e, frozenset(c)) for e, c in contacts.items()),
        ticket_holder_emails=frozenset(holders),
    )
    for opener in (OWNER, None):
        expected = recipients(whole, "support", opener).cc
        for limit in (1, 2, 3, 7, 50):
            pages = walk(whole, "support", opener, limit)
            assert [e for page in pages for e in page] == expected, (opener, limit)


def test_a_page_is_whole_up_to_the_limit_th_email_streamed_and_says_where_to_go_on() -> None:
    whole = people({f"c{i}@example.com": {"general"} for i in range(5)}, deactivated={"c1@example.com"})
    first = recipients_page(streamed_page(whole, "general", None, 2), "general", after=None, limit=2)
    # c0, c1 examined (c1 a deactivated member): one copy, and go on after c1
    assert (first.cc, first.last) == (["c0@example.com"], "c1@example.com")
    rest = recipients_page(
        streamed_page(whole, "general", "c1@example.com", 3), "general", after="c1@example.com", limit=3
    )
    assert (rest.cc, rest.last) == (["c2@example.com", "c3@example.com", "c4@example.com"], None)


def test_an_openers_copy_is_a_page_of_one() -> None:
    account = people({"s1@example.com": {"support"}}, active={"dev@example.com"})
    found = recipients_page(account, "support", "dev@example.com", limit=1)
    assert (found.cc, found.last) == (["dev@example.com"], None)
    assert recipients_page(account, "support", "dev@example.com", after="dev@example.com", limit=1).cc == []
