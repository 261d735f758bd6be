"""The pages' catalog (the `portal` gettext domain) is complete: every t("…") of the portal's scripts and
every {{t:…}} of its shell is in portal.pot (and nothing else is), and each of de/fr/es/nl translates every
one of them, with the same {placeholders}, no fuzzy entry, and the glossary's words for the roles. The
server's page titles are messages of the same catalog."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from chalicelib.api.portal import PAGES, SCREENS, STATIC, extract_shell
from chalicelib.i18n.catalogs import CATALOG_DIR, catalog_path, translations

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = ("de", "fr", "es", "nl")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def used_ids() -> set[str]:
    """What the pages ask for, found as `make catalogs-portal` finds it (Babel's javascript extractor)."""
    found: set[str] = set()
    for script in sorted(STATIC.glob("*.js")):
        for _, message, _, _ in extract_from_file("javascript", str(script), keywords={"t": None}):
            assert isinstance(message, str), (script.name, message)  # t() takes one literal id
            found.add(message)
    with (STATIC / "index.html").open("rb") as shell:
        found |= {message for _, _, message, _ in extract_shell(shell, {}, [], {})}
    return found


def pot_ids() -> set[str]:
    with (CATALOG_DIR / "portal.pot").open("rb") as source:
        return {message.id for message in read_po(source) if isinstance(message.id, str) and message.id}


def test_the_template_holds_exactly_the_messages_the_pages_use():
    used, template = used_ids(), pot_ids()
    assert len(used) > 700
    assert used - template == set(), "run `make catalogs-portal`: these are used but not in portal.pot"
    assert template - used == set(), "run `make catalogs-portal`: these are in portal.pot but used nowhere"


def test_the_page_titles_the_server_writes_are_messages_too():
    titles = set(PAGES.values()) | set(SCREENS.values()) | {"User Management", "Accept your invitation"}
    assert titles <= pot_ids()


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_is_translated_with_the_same_placeholders(locale):
    with catalog_path("portal", locale).open("rb") as source:
        catalog = read_po(source, locale=locale)
    entries = {message.id: message for message in catalog if isinstance(message.id, str) and message.id}
    done = {msgid for msgid, entry in entries.items() if entry.string and not entry.fuzzy}
    missing = sorted(pot_ids() - done)
    assert missing == [], f"{locale}: untranslated or fuzzy"
    for msgid, entry in entries.items():
        assert isinstance(entry.string, str)
        where = (locale, msgid)
        assert sorted(PLACEHOLDER.findall(entry.string)) == sorted(PLACEHOLDER.findall(msgid)), where
        assert entry.string.strip() != "" and entry.string.endswith(" ") == msgid.endswith(" "), where


def glossary(locale: str) -> dict[str, str]:
    rows = (ROOT / "docs" / "glossary" / f"{locale}.md").read_text(encoding="utf-8").splitlines()
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in rows if row.startswith("| ")]
    return {english: word for english, word, *_ in cells}


@pytest.mark.parametrize("locale", TRANSLATED)
def test_the_roles_and_core_screens_use_the_glossarys_words(locale):
    words, catalog = glossary(locale), translations("portal", locale)
    for english, message in (("owner", "Owner"), ("admin", "Admin"), ("user", "User"), ("group", "Group")):
        assert catalog[message] == words[english][0].upper() + words[english][1:], (locale, message)
    assert words["account"].lower() in catalog["Account"].lower()
    assert words["sub-account"].lower() in catalog["Sub-account"].lower()
    assert words["invite link"].lower() in catalog["Invite link"].lower()
