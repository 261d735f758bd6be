"""The words the code puts into emails, in the reader's language: dates in words from Babel's data (the
time always in UTC), and the rules' words (domain/wording.py, domain/reminders.py) as the reader reads
them, English when no words are given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest

from chalicelib.domain.caller import OPERATOR, Caller
from chalicelib.domain.reminders import reminder_headline
from chalicelib.domain.wording import modules_of, reset_requester, reset_sentences, sub_accounts_of
from chalicelib.i18n.text import date_in_words, translate, weekday_in_words, words_for

if TYPE_CHECKING:
    from chalicelib.domain.locales import Locale

MOMENT = datetime(2026, 12, 1, 23, 54, 30, tzinfo=UTC)
DATES = {
    "en": "Tuesday 1 December 2026, 23:54 UTC",
    "de": "Dienstag, 1. Dezember 2026, 23:54 UTC",
    "fr": "mardi 1 décembre 2026 à 23:54 UTC",
    "es": "martes, 1 de diciembre de 2026, 23:54 UTC",
    "nl": "dinsdag 1 december 2026 om 23:54 UTC",
}


@pytest.mark.parametrize("locale", sorted(DATES))
def test_a_date_in_words_per_language_always_in_utc(locale: Locale) -> None:
    assert date_in_words(MOMENT, locale) == DATES[locale]
    paris = timezone(timedelta(hours=1))  # the same moment given in another zone: still 23:54 UTC
    assert date_in_words(datetime(2026, 12, 2, 0, 54, tzinfo=paris), locale) == DATES[locale]
    assert DATES[locale].startswith(weekday_in_words(MOMENT, locale))


def test_english_needs_no_catalog_and_a_missing_translation_falls_back_to_it() -> None:
    assert translate("en", "Hello,") == "Hello,"
    assert translate("de", "Hello,") == "Guten Tag,"
    assert (
        translate("de", "A sentence no catalog holds, $who.", who="Ann")
        == "A sentence no catalog holds, Ann."
    )


def test_the_rules_speak_the_readers_words() -> None:
    de, fr = words_for("de"), words_for("fr")
    assert modules_of("admin", [], de) == "alle Module, einschließlich der Benutzerverwaltung"
    assert modules_of("member", ["invoices", "tickets"], de) == (
        "Rechnungen ansehen und bezahlen, Support-Tickets öffnen und ansehen"
    )
    assert (
        modules_of("member", [], fr) == "aucun pour l'instant (un administrateur pourra en ajouter plus tard)"
    )
    assert (sub_accounts_of(None, de), sub_accounts_of([], de), sub_accounts_of(["Shop"], de)) == (
        "alle",
        "noch keine",
        "Shop",
    )
    admin = Caller("user", user_id="usr_1", email="ann@acme.com", name="Ann Admin")
    assert reset_requester(admin, "shop.example", de) == "Ann Admin von shop[.]example"  # still neutralised
    assert reset_requester(OPERATOR, "Acme", words_for("es")) == "Tu proveedor de hosting"
    assert reset_sentences(None, words_for("nl"))["asked_by"] == "Iemand (misschien jij)"
    assert reminder_headline("", "Acme", MOMENT, fr, "mardi") == (
        "L'invitation de votre hébergeur à rejoindre Acme prend fin mardi"
    )


def test_without_words_the_rules_speak_english() -> None:
    assert modules_of("owner", []) == "every module, user management included"
    assert reminder_headline("Olivia", "Acme", MOMENT) == "Olivia's invitation to Acme ends on Tuesday"
