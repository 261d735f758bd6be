"""The translation catalogs: gettext `.po` files beside this module, `<locale>/LC_MESSAGES/<domain>.po`.

English is the source language: a message id is its English text, so English needs no catalog, and a
message missing from a catalog falls back to English rather than showing an id (the catalog test fails the
build first). Domains: `messages` (emails and API messages, from the Python code and the email templates)
and `portal` (the pages' script, served to the browser as JSON). Read once per process and language, with
Babel's parser imported only then: a request in English never pays for it."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Final, Literal

from chalicelib.domain.locales import DEFAULT_LOCALE, Locale

Domain = Literal["messages", "portal"]
DOMAINS: Final[tuple[Domain, ...]] = ("messages", "portal")
CATALOG_DIR: Final = Path(__file__).parent
CONTEXT_SEPARATOR: Final = "\x04"  # gettext's own: a message with a context is keyed "context\x04id"


def catalog_path(domain: Domain, locale: Locale) -> Path:
    return CATALOG_DIR / locale / "LC_MESSAGES" / f"{domain}.po"


@cache
def translations(domain: Domain, locale: Locale) -> Mapping[str, str]:
    """Message key → translated text, for the messages that have a translation (fuzzy ones excluded)."""
    path = catalog_path(domain, locale)
    if locale == DEFAULT_LOCALE or not path.exists():
        return {}
    from babel.messages.pofile import read_po  # here: only when a translation is first needed

    with path.open("rb") as source:
        catalog = read_po(source, locale=locale, domain=domain)
    found: dict[str, str] = {}
    for message in catalog:
        text, msgid = message.string, message.id
        if isinstance(msgid, str) and msgid and isinstance(text, str) and text and not message.fuzzy:
            found[message_key(msgid, message.context)] = text
    return found


def message_key(msgid: str, context: str | None = None) -> str:
    return f"{context}{CONTEXT_SEPARATOR}{msgid}" if context else msgid


def gettext(domain: Domain, locale: Locale, msgid: str, context: str | None = None) -> str:
    return translations(domain, locale).get(message_key(msgid, context), msgid)
