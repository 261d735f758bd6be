"""How a catalog is read: English needs none, a translation is found by id and context, a fuzzy or empty
one falls back to English."""

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
"""


@pytest.fixture
def german_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "portal.po").write_text(PO, encoding="utf-8")
    monkeypatch.setattr(catalogs, "CATALOG_DIR", tmp_path)
    catalogs.translations.cache_clear()
    yield
    catalogs.translations.cache_clear()


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
