"""How a catalog is read: English needs none, a translation is found by id and context, a fuzzy or empty
one falls back to English; a plural entry is found by its singular, its form by the language's rule, and
one with a form missing, or fuzzy, falls back to English's forms."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.i18n import catalogs

PO = """
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Users"
msgstr "Benutzer"

msgctxt "verb"
msgid "Invite"
msgstr "Einladen"

#, fuzzy
msgid "Groups"
msgstr "Gruppen?"

msgid "Contacts"
msgstr ""

msgid "{count} seat"
msgid_plural "{count} seats"
msgstr[0] "{count} Platz"
msgstr[1] "{count} Plätze"

msgid "{count} group"
msgid_plural "{count} groups"
msgstr[0] "{count} Gruppe"
msgstr[1] ""

#, fuzzy
msgid "{count} user"
msgid_plural "{count} users"
msgstr[0] "{count} Benutzer?"
msgstr[1] "{count} Benutzer?"
"""


@pytest.fixture
def german_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "portal.po").write_text(PO, encoding="utf-8")
    monkeypatch.setattr(catalogs, "CATALOG_DIR", tmp_path)
    catalogs.translations.cache_clear()
    catalogs.plurals.cache_clear()
    yield
    catalogs.translations.cache_clear()
    catalogs.plurals.cache_clear()


@pytest.mark.usefixtures("german_catalog")
def test_a_translated_message_is_found_by_id_and_context() -> None:
    assert catalogs.gettext("portal", "de", "Users") == "Benutzer"
    assert catalogs.gettext("portal", "de", "Invite", context="verb") == "Einladen"
    assert catalogs.gettext("portal", "de", "Invite") == "Invite"


@pytest.mark.usefixtures("german_catalog")
def test_fuzzy_empty_and_unknown_messages_fall_back_to_english() -> None:
    assert catalogs.gettext("portal", "de", "Groups") == "Groups"
    assert catalogs.gettext("portal", "de", "Contacts") == "Contacts"
    assert catalogs.gettext("portal", "de", "Audit log") == "Audit log"


@pytest.mark.usefixtures("german_catalog")
def test_english_reads_no_catalog() -> None:
    assert catalogs.translations("portal", "en") == {}
    assert catalogs.translations("portal", "fr") == {}  # none written yet: English, never an error


@pytest.mark.usefixtures("german_catalog")
def test_a_plural_entry_is_found_by_its_singular_in_the_form_of_its_count() -> None:
    forms = [catalogs.ngettext("portal", "de", "{count} seat", "{count} seats", n) for n in (0, 1, 2)]
    assert forms == ["{count} Plätze", "{count} Platz", "{count} Plätze"]
    assert catalogs.gettext("portal", "de", "{count} seat") == "{count} seat"  # no singular message
    assert "{count} seat" not in catalogs.translations("portal", "de")


@pytest.mark.usefixtures("german_catalog")
def test_a_plural_entry_missing_a_form_or_fuzzy_is_english() -> None:
    assert catalogs.ngettext("portal", "de", "{count} group", "{count} groups", 1) == "{count} group"
    assert catalogs.ngettext("portal", "de", "{count} user", "{count} users", 2) == "{count} users"
    assert set(catalogs.plurals("portal", "de").forms) == {"{count} seat"}
