"""The pages' catalog (the `portal` gettext domain) is complete: every t("…") of the portal's scripts and
every {{t:…}} of its shell is in portal.pot (and nothing else is), and each of de/fr/es/nl translates every
one of them, with the same {placeholders}, no fuzzy entry, and the glossary's words for the roles. A
count-dependent message (tn("…", "…", count)) is a plural entry: every form of it translated, each with its
id's placeholders. The server's page titles are messages of the same catalog."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from chalicelib.api.portal import PAGES, SCREENS, STATIC, extract_shell
from chalicelib.i18n.catalogs import CATALOG_DIR, catalog_path, plurals, translations
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.domain.locales import Locale

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = ("de", "fr", "es", "nl")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# as `make catalogs-portal` passes them: t("id", values) and tn("singular", "plural", count, values)
KEYWORDS = {"t": None, "tn": (1, 2)}
Id = str | tuple[str, ...] | list[str]  # as Babel types a message's id


def used_ids() -> set[Id]:
    """What the pages ask for, found as `make catalogs-portal` finds it (Babel's javascript extractor)."""
    found: set[Id] = set()
    for script in sorted(STATIC.glob("*.js")):
        for _, message, _, _ in extract_from_file("javascript", str(script), keywords=KEYWORDS):
            # t() takes one literal id, tn() two: anything else (a variable) is not extracted whole
            assert isinstance(message, str) or (len(message) == 2 and all(message)), (script.name, message)
            found.add(message)
    with (STATIC / "index.html").open("rb") as shell:
        found |= {message for _, _, message, _ in extract_shell(shell, {}, [], {})}
    return found


def pot_ids() -> set[Id]:
    with (CATALOG_DIR / "portal.pot").open("rb") as source:
        return {message.id for message in read_po(source) if message.id}


def test_the_count_dependent_messages_are_plural_entries() -> None:
    plural = {message for message in used_ids() if isinstance(message, tuple)}
    assert ("Send {count} invitation", "Send {count} invitations") in plural
    assert ("{count} of {limit} seats used", "{count} of {limit} seats used") in plural
    assert len(plural) >= 10
    assert "Send 1 invitation" not in used_ids()  # the English-only way of saying it is gone


def test_the_template_holds_exactly_the_messages_the_pages_use() -> None:
    used, template = used_ids(), pot_ids()
    assert len(used) > 700
    assert used - template == set(), "run `make catalogs-portal`: these are used but not in portal.pot"
    assert template - used == set(), "run `make catalogs-portal`: these are in portal.pot but used nowhere"


def test_the_page_titles_the_server_writes_are_messages_too() -> None:
    titles = set(PAGES.values()) | set(SCREENS.values()) | {"User Management", "Accept your invitation"}
    assert titles <= pot_ids()


def translated(entry_string: str | Sequence[str], nplurals: int) -> bool:
    if isinstance(entry_string, str):
        return bool(entry_string)
    return len(entry_string) == nplurals and all(form.strip() for form in entry_string)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_is_translated_with_the_same_placeholders(locale: Locale) -> None:
    with catalog_path("portal", locale).open("rb") as source:
        catalog = read_po(source, locale=locale)
    assert catalog.num_plurals == 2  # the five languages' grammars: one form for "one", one for the rest
    entries = {message.id: message for message in catalog if message.id}
    done = {
        msgid for msgid, entry in entries.items() if translated(present(entry.string), 2) and not entry.fuzzy
    }
    missing = sorted(map(str, pot_ids() - done))
    assert missing == [], f"{locale}: untranslated or fuzzy"
    for msgid, entry in entries.items():
        singular = msgid if isinstance(msgid, str) else msgid[0]
        forms = (entry.string,) if isinstance(entry.string, str) else present(entry.string)
        english = (msgid,) if isinstance(msgid, str) else msgid
        assert isinstance(entry.string, str) == isinstance(msgid, str), (locale, msgid)
        wanted = {tuple(sorted(PLACEHOLDER.findall(text))) for text in english}
        assert len(wanted) == 1, ("the English forms differ in placeholders", msgid)
        for form in forms:
            where = (locale, msgid, form)
            assert tuple(sorted(PLACEHOLDER.findall(form))) in wanted, where
            assert form.strip() != "" and form.endswith(" ") == singular.endswith(" "), where


@pytest.mark.parametrize(
    ("locale", "count", "form"),
    [
        ("fr", 0, 0),
        ("fr", 1, 0),
        ("fr", 2, 1),
        ("de", 1, 0),
        ("de", 2, 1),
        ("de", 0, 1),
        ("es", 1, 0),
        ("nl", 5, 1),
    ],
)
def test_each_language_picks_the_form_its_grammar_gives_a_count(locale: str, count: int, form: int) -> None:
    """The catalog's Plural-Forms (French: 0 and 1 singular; the others: 1 only), as the pages'
    Intl.PluralRules category maps them in i18n.js ("one" → msgstr[0], anything else → msgstr[1])."""
    table = plurals("portal", locale)
    assert table.index(count) == form
    assert (
        table.forms["Send {count} invitation"][form]
        == {
            ("fr", 0): "Envoyer {count} invitation",
            ("fr", 1): "Envoyer {count} invitation",
            ("fr", 2): "Envoyer {count} invitations",
            ("de", 1): "{count} Einladung senden",
            ("de", 2): "{count} Einladungen senden",
            ("de", 0): "{count} Einladungen senden",
            ("es", 1): "Enviar {count} invitación",
            ("nl", 5): "{count} uitnodigingen versturen",
        }[(locale, count)]
    )


def glossary(locale: str) -> dict[str, str]:
    rows = (ROOT / "docs" / "glossary" / f"{locale}.md").read_text(encoding="utf-8").splitlines()
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in rows if row.startswith("| ")]
    return {english: word for english, word, *_ in cells}


@pytest.mark.parametrize("locale", TRANSLATED)
def test_the_roles_and_core_screens_use_the_glossarys_words(locale: str) -> None:
    words, catalog = glossary(locale), translations("portal", locale)
    for english, message in (("owner", "Owner"), ("admin", "Admin"), ("user", "User"), ("group", "Group")):
        assert catalog[message] == words[english][0].upper() + words[english][1:], (locale, message)
    assert words["account"].lower() in catalog["Account"].lower()
    assert words["sub-account"].lower() in catalog["Sub-account"].lower()
    assert words["invite link"].lower() in catalog["Invite link"].lower()
