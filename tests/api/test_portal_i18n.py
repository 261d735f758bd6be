"""The pages in five languages as HTTP answers (issue 32): the shell drawn in the browser's language (its
`lang`, its own words, its title) with the address of that language's catalog, and the catalogs themselves,
`GET /portal/i18n/{locale}.json`: the `portal` gettext domain as JSON, cached under a versioned address and an
ETag, for the five locales only. The strict policy does not change for any language."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from chalicelib.api.http import PAGE_CSP
from chalicelib.domain.locales import LOCALES

if TYPE_CHECKING:
    from tests.helpers import Api

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}


def catalog_address(body: str) -> str:
    found = re.search(r'data-catalogs="([^"]+)"', body)
    assert found, body[:400]
    return found.group(1).replace("&amp;", "&")


def test_the_shell_speaks_the_browsers_language_before_any_script_runs(api: Api) -> None:
    page = api.get("/portal/login", headers=GERMAN)
    assert page.status == 200 and page.headers["content-security-policy"] == PAGE_CSP
    assert '<html lang="de"' in page.body
    assert "<title>Anmelden</title>" in page.body  # the brand's name follows it once known (brand.js)
    assert ">Zum Inhalt springen</a>" in page.body and ">Wird geladen…</p>" in page.body
    assert "Diese Seite benötigt JavaScript." in page.body and 'aria-label="Ihre Sitzung"' in page.body
    assert "Skip to content" not in page.body and "{{" not in page.body
    french = api.get("/portal/invitations/accept", headers={"Accept-Language": "fr-CH, fr;q=0.9"})
    assert '<html lang="fr"' in french.body
    assert "<title>Acceptez votre invitation</title>" in french.body


def test_an_unknown_or_missing_language_is_english(api: Api) -> None:
    for headers in ({}, {"Accept-Language": "ja, zh;q=0.8"}, {"Accept-Language": "de;q=0"}):
        page = api.get("/portal", headers=headers)
        assert '<html lang="en"' in page.body, headers
        assert "<title>User Management</title>" in page.body
        assert ">Skip to content</a>" in page.body


def test_the_shell_names_its_catalog_and_the_catalog_answers_in_that_language(api: Api) -> None:
    address = catalog_address(api.get("/portal/groups", headers=GERMAN).body)
    assert re.fullmatch(r"/portal/i18n/\{locale\}\.json\?v=[0-9a-f]{12}", address), address
    reply = api.get(address.replace("{locale}", "de"))
    assert reply.status == 200 and reply.headers["content-type"] == "application/json; charset=utf-8"
    assert reply.body["Sign in"] == "Anmelden" and reply.body["User Management"] == "Benutzerverwaltung"
    assert reply.body["Send {count} invitation"] == ["{count} Einladung senden", "{count} Einladungen senden"]


def test_a_count_dependent_message_is_served_as_its_forms_in_the_catalogs_order(api: Api) -> None:
    """A plural entry is keyed by its English singular, its value the list msgstr[0], msgstr[1]: French's
    first form is the one for 0 and 1 ("1 place occupée"), its second for 2 and more."""
    french = api.get("/portal/i18n/fr.json").body
    assert french["{count} of {limit} seats used"] == [
        "{count} place occupée sur {limit}",
        "{count} places occupées sur {limit}",
    ]
    assert french["Sign in"] == "Se connecter"  # a singular message stays a string beside them
    plural_entries = [forms for forms in french.values() if isinstance(forms, list)]
    assert len(plural_entries) >= 10
    for forms in plural_entries:
        assert len(forms) == 2 and all(isinstance(form, str) and form for form in forms), forms


def test_every_locale_has_its_catalog_cached_by_version_and_etag(api: Api) -> None:
    for locale in LOCALES:
        reply = api.get(f"/portal/i18n/{locale}.json")
        assert reply.status == 200, locale
        assert reply.headers["cache-control"] == "public, max-age=3600", locale
        etag = reply.headers["etag"]
        assert re.fullmatch(r'"[0-9a-f]{16}"', etag), etag
        if locale == "en":
            assert reply.body is None or reply.body == {}  # English is the ids themselves
        else:
            assert len(reply.body) > 700
            texts = [
                text
                for value in reply.body.values()
                for text in ([value] if isinstance(value, str) else value)
            ]
            assert all(isinstance(text, str) and text for text in texts)
            assert reply.body["Cancel"] != "Cancel", locale
        again = api.get(f"/portal/i18n/{locale}.json", headers={"If-None-Match": etag})
        assert again.status == 304 and again.headers["etag"] == etag, locale
    assert api.get("/portal/i18n/de.json").headers["etag"] != api.get("/portal/i18n/fr.json").headers["etag"]


def test_anything_but_the_five_catalogs_is_a_json_404(api: Api) -> None:
    for path in (
        "/portal/i18n/xx.json", "/portal/i18n/DE.json", "/portal/i18n/de", "/portal/i18n/de.js",
        "/portal/i18n/de-DE.json", "/portal/i18n/..%2Fportal.pot", "/portal/i18n/messages.json",
    ):  # fmt: skip
        reply = api.get(path)
        assert reply.status == 404 and reply.code == "not_found", path
