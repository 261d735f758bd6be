"""Sentences and dates in the reader's language, from the `messages` catalog.

A message id is its English text with `$name` placeholders (string.Template's), filled after translation,
so a translator may move a name anywhere in the sentence. `N_` (chalicelib/msgids.py) only marks a string
for `pybabel extract` (babel.cfg) where it is defined, to be translated later, where the reader's locale is
known. A sentence whose words depend on a count is one plural message, `N_plural("$count code left",
"$count codes left")` put into words by `translate_plural(locale, message, count)`: each language's catalog
gives it as many forms as its grammar has and the language's plural rule picks one (French says "0 code
restant", English "0 codes left"). Babel itself is imported only when a date in words is rendered, never
when the app is imported (cold start)."""

from __future__ import annotations

from datetime import UTC, datetime
from string import Template
from typing import Final

from chalicelib.domain.locales import Locale
from chalicelib.i18n.catalogs import gettext, ngettext
from chalicelib.msgids import N_, Plural, Words

__all__ = ["N_", "date_in_words", "translate", "translate_plural", "weekday_in_words", "words_for"]

# CLDR patterns, one per language, as each market writes a full date and time; the zone is always UTC.
_DATE_PATTERNS: Final[dict[Locale, str]] = {
    "en": "EEEE d MMMM y, HH:mm",  # Tuesday 1 December 2026, 23:54
    "de": "EEEE, d. MMMM y, HH:mm",  # Dienstag, 1. Dezember 2026, 23:54
    "fr": "EEEE d MMMM y 'à' HH:mm",  # mardi 1 décembre 2026 à 23:54
    "es": "EEEE, d 'de' MMMM 'de' y, HH:mm",  # martes, 1 de diciembre de 2026, 23:54
    "nl": "EEEE d MMMM y 'om' HH:mm",  # dinsdag 1 december 2026 om 23:54
}


def translate(locale: Locale, msgid: str, **values: str) -> str:
    """The sentence in `locale` (English when it has no translation yet), its `$name`s filled."""
    text = gettext("messages", locale, msgid)
    return Template(text).substitute(values) if values else text


def translate_plural(locale: Locale, message: Plural, count: int, **values: str) -> str:
    """The form `count` takes in `locale`, its `$name`s filled (`$count` is the count, unless given)."""
    text = ngettext("messages", locale, message.singular, message.plural, count)
    return Template(text).substitute({"count": str(count), **values})


def words_for(locale: Locale) -> Words:
    """The reader's words, for a rule that takes them (domain/wording.py)."""

    def words(msgid: str, /, **values: str) -> str:
        return translate(locale, msgid, **values)

    return words


def date_in_words(moment: datetime, locale: Locale) -> str:
    """'Dienstag, 1. Dezember 2026, 23:54 UTC': the day, date and time in UTC, in the reader's words."""
    from babel.dates import format_datetime  # here: only when an email with a date is rendered

    utc = moment.astimezone(UTC)
    return f"{format_datetime(utc, _DATE_PATTERNS[locale], tzinfo=UTC, locale=locale)} UTC"


def weekday_in_words(moment: datetime, locale: Locale) -> str:
    """The day of the week in UTC ('Dienstag')."""
    from babel.dates import format_datetime

    return format_datetime(moment.astimezone(UTC), "EEEE", tzinfo=UTC, locale=locale)
