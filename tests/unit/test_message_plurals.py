"""Count-dependent sentences of the `messages` domain (emails and API messages): a plural entry per
sentence, its form picked by the language's rule (French: 0 and 1 singular; German, Spanish, Dutch and
English: 1 only), the join requests' digest worded that way, and English's rule for a sentence without a
translation. Singular messages are looked up as before."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from chalicelib.config import DEFAULT_BRAND
from chalicelib.i18n.catalogs import gettext, ngettext, plurals
from chalicelib.i18n.text import translate, translate_plural
from chalicelib.mail.templates import render
from chalicelib.mail.texts import TEXTS
from chalicelib.msgids import N_plural, Plural

if TYPE_CHECKING:
    from chalicelib.domain.locales import Locale

SUBJECT = TEXTS["join_requests_digest"]["subject"]
DIGEST = {
    "portal_name": "client portal",
    "account_name": "Acme",
    "requests": "- ann@corp.com",
    "link": "https://portal.example/portal/join-requests",
}


def test_each_catalog_knows_its_languages_rule() -> None:
    # the messages catalogs omit their header: the rule is Babel's data for the language, as gettext's
    assert plurals("messages", "fr").rule == "(n > 1)"
    assert {plurals("messages", locale).rule for locale in ("de", "es", "nl")} == {"(n != 1)"}
    assert plurals("messages", "en").forms == {}  # English is the ids themselves


@pytest.mark.parametrize(
    ("count", "subject"),
    [
        (0, "0 nouvelle demande d'adhésion à Acme"),
        (1, "1 nouvelle demande d'adhésion à Acme"),
        (2, "2 nouvelles demandes d'adhésion à Acme"),
    ],
)
def test_french_says_zero_and_one_in_the_singular(count: int, subject: str) -> None:
    assert isinstance(SUBJECT, Plural)
    assert translate_plural("fr", SUBJECT, count, account_name="Acme") == subject


@pytest.mark.parametrize(
    ("count", "subject"),
    [
        (1, "1 neue Beitrittsanfrage für Acme"),
        (2, "2 neue Beitrittsanfragen für Acme"),
        (0, "0 neue Beitrittsanfragen für Acme"),
    ],
)
def test_german_says_only_one_in_the_singular(count: int, subject: str) -> None:
    assert isinstance(SUBJECT, Plural)
    assert translate_plural("de", SUBJECT, count, account_name="Acme") == subject


@pytest.mark.parametrize(
    ("locale", "count", "subject", "what"),
    [
        ("en", 1, "1 new request to join Acme", "on your client portal waits for a decision"),
        ("en", 3, "3 new requests to join Acme", "on your client portal wait for a decision"),
        ("fr", 1, "1 nouvelle demande d'adhésion à Acme", "sur votre espace client attend une décision"),
        ("fr", 2, "2 nouvelles demandes d'adhésion à Acme", "sur votre espace client attendent une décision"),
        ("de", 1, "1 neue Beitrittsanfrage für Acme", "in Ihrem Kundenportal wartet auf eine Entscheidung"),
        ("de", 2, "2 neue Beitrittsanfragen für Acme", "in Ihrem Kundenportal warten auf eine Entscheidung"),
    ],
)
def test_the_digest_email_is_worded_for_its_count(
    locale: Locale, count: int, subject: str, what: str
) -> None:
    email = render(
        "join_requests_digest",
        "owner@acme.com",
        {**DIGEST, "count": str(count)},
        locale=locale,
        brand=DEFAULT_BRAND,
    )
    assert email.subject == subject
    assert what in email.text and what in email.html


def test_the_overflow_line_of_the_digest_is_a_plural_too() -> None:
    more = N_plural("- and $count more", "- and $count more")
    assert translate_plural("es", more, 1) == "- y 1 más"
    assert translate_plural("nl", more, 12) == "- en nog 12"


def test_a_sentence_without_a_translation_follows_englishs_rule() -> None:
    unknown = N_plural("$count apple", "$count apples")  # in no catalog
    assert [translate_plural("fr", unknown, n) for n in (0, 1, 2)] == ["0 apples", "1 apple", "2 apples"]
    assert ngettext("messages", "de", "$count apple", "$count apples", 1) == "$count apple"


def test_singular_messages_are_looked_up_as_before() -> None:
    assert gettext("messages", "de", "Accept the invitation") == translate("de", "Accept the invitation")
    assert translate("de", "Accept the invitation") != "Accept the invitation"
    # a plural entry's singular is no singular message: gettext does not hand out one of its forms
    assert gettext("messages", "de", "- and $count more") == "- and $count more"
