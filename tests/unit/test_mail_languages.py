"""Every email in every language: the layout's placeholders all filled, the sentences in the reader's
language (none left in English), the values put in once and escaped, and the HTML part declaring its
language. A count-dependent sentence (a `Plural`) is checked in the form its email's `$count` takes."""

from __future__ import annotations

import re
from dataclasses import replace
from string import Template
from typing import TYPE_CHECKING

import pytest

from chalicelib.config import DEFAULT_BRAND
from chalicelib.domain.locales import LOCALES
from chalicelib.i18n.catalogs import gettext, ngettext
from chalicelib.mail.templates import _DIR, render
from chalicelib.mail.texts import TEXTS, VALUE_MSGIDS
from chalicelib.msgids import Plural

if TYPE_CHECKING:
    from chalicelib.domain.locales import Locale

EMAILS = sorted(TEXTS)
# What each email's values are: every placeholder of its files and sentences that is no sentence.
MARKER = "Zq<&>"  # a value a sentence can never contain by chance, that HTML must escape
COUNT = "1234"  # the `$count` of an email with a plural sentence: a whole number, which picks the form


def forms(msgid: str | Plural) -> tuple[str, ...]:
    return (msgid,) if isinstance(msgid, str) else tuple(msgid)


def worded(locale: Locale, msgid: str | Plural, values: dict[str, str]) -> str:
    if isinstance(msgid, str):
        return gettext("messages", locale, msgid)
    return ngettext("messages", locale, *msgid, int(values["count"]))


def values_of(name: str) -> dict[str, str]:
    sources = [(_DIR / f"{name}.{part}").read_text() for part in ("subject", "txt", "html")]
    sources += [form for msgid in TEXTS[name].values() for form in forms(msgid)]
    named = {m.group("named") or m.group("braced") for s in sources for m in Template.pattern.finditer(s)}
    named -= {None, "lang", "brand_header", "brand_color", "brand_footer", *TEXTS[name]}  # shell: brand's
    counted = any(isinstance(msgid, Plural) for msgid in TEXTS[name].values())
    return (
        {key: f"{key}-{MARKER}" for key in sorted(named) if key not in VALUE_MSGIDS}
        | {key: "client portal" for key in named & VALUE_MSGIDS}
        | ({"count": COUNT} if counted else {})
    )


def test_there_are_the_issue_s_emails_each_with_its_sentences() -> None:
    assert len(EMAILS) >= 8
    assert all(TEXTS[name] for name in EMAILS)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", EMAILS)
def test_an_email_renders_whole_in_each_language(name: str, locale: Locale) -> None:
    values = values_of(name)
    email = render(name, "reader@example.com", values, locale=locale, brand=DEFAULT_BRAND)
    for part in (email.subject, email.text, email.html):
        assert not re.search(r"\$\{?[a-z_]+", part), f"a placeholder left in {name}/{locale}: {part!r}"
    assert f'<html lang="{locale}">' in email.html
    assert MARKER not in email.html  # every value escaped in the HTML part
    for key, value in values.items():
        if key not in VALUE_MSGIDS:
            assert value in email.text or value in email.subject, f"{key} missing from {name}"
    for key, msgid in TEXTS[name].items():
        # each sentence is in the email as the catalog words it (its words before the first value)
        start = Template(worded(locale, msgid, values)).safe_substitute({}).split("$")[0].strip()[:20]
        if start:
            assert start in email.text or start in email.html or start in email.subject, (key, start)


@pytest.mark.parametrize("name", EMAILS)
def test_a_german_email_holds_no_english_sentence(name: str) -> None:
    english = render(name, "reader@example.com", values_of(name), brand=DEFAULT_BRAND)
    german = render(name, "reader@example.com", values_of(name), locale="de", brand=DEFAULT_BRAND)
    if "subject" in TEXTS[name]:  # else the subject is a value, written in the reader's words upstream
        assert german.subject != english.subject
    for msgid in TEXTS[name].values():
        for form in forms(msgid):
            plain = Template(form).safe_substitute({}).split("$")[0].strip()
            if len(plain) > 12:  # a sentence, not a lone word shared by both languages
                assert plain not in german.text and plain not in german.html, plain


def test_the_default_brands_generic_name_speaks_the_readers_language_and_a_brands_name_never_changes() -> (
    None
):
    values = values_of("password_reset")
    german = render("password_reset", "reader@example.com", values, "de", brand=DEFAULT_BRAND)
    assert german.sender_name == "Kundenportal" and german.text.startswith("Kundenportal\n")
    assert ">Kundenportal</td>" in german.html and "Client portal" not in german.html
    named = replace(DEFAULT_BRAND, name="Hostwerk", sender_name="Hostwerk Support")
    kept = render("password_reset", "reader@example.com", values, "de", brand=named)
    assert kept.sender_name == "Hostwerk Support" and kept.text.startswith("Hostwerk\n")
