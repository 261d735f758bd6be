"""The translation catalogs: gettext `.po` files beside this module, `<locale>/LC_MESSAGES/<domain>.po`.

English is the source language: a message id is its English text, so English needs no catalog, and a
message missing from a catalog falls back to English rather than showing an id (the catalog test fails the
build first). Domains: `messages` (emails and API messages, from the Python code and the email templates)
and `portal` (the pages' script, served to the browser as JSON). Read once per process and language, with
Babel's parser imported only then: a request in English never pays for it.

A count-dependent message is a gettext plural entry (msgid/msgid_plural, one msgstr per form of the
language): keyed by its English singular, its forms chosen by the catalog's `Plural-Forms` rule."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from gettext import c2py
from pathlib import Path
from typing import Final, Literal

from chalicelib.domain.locales import DEFAULT_LOCALE, Locale

Domain = Literal["messages", "portal"]
DOMAINS: Final[tuple[Domain, ...]] = ("messages", "portal")
CATALOG_DIR: Final = Path(__file__).parent
CONTEXT_SEPARATOR: Final = "\x04"  # gettext's own: a message with a context is keyed "context\x04id"
ENGLISH_PLURAL: Final = "(n != 1)"  # the source language's rule: "1 seat", "0 seats", "2 seats"


@dataclass(frozen=True)
class Plurals:
    """A catalog's plural entries (English singular key → its forms, in the language's order) and the rule
    (`Plural-Forms`' C expression, which stdlib gettext compiles safely) saying which form a count takes."""

    forms: Mapping[str, tuple[str, ...]]
    rule: str = ENGLISH_PLURAL

    def index(self, count: int) -> int:
        return _compiled(self.rule)(count)


@cache
def _compiled(rule: str) -> Callable[[int], int]:
    return c2py(rule)


def catalog_path(domain: Domain, locale: Locale) -> Path:
    return CATALOG_DIR / locale / "LC_MESSAGES" / f"{domain}.po"


@cache
def translations(domain: Domain, locale: Locale) -> Mapping[str, str]:
    """Message key → translated text, for the messages that have a translation (fuzzy ones excluded)."""
    return _read(domain, locale)[0]


@cache
def plurals(domain: Domain, locale: Locale) -> Plurals:
    """The catalog's plural entries whose every form is translated (fuzzy ones excluded), and its rule.
    Cached apart from `translations` (each reads the file once): a language whose pages or emails count
    nothing never keeps its plural entries, and clearing one cache never leaves the other stale."""
    return _read(domain, locale)[1]


def _read(domain: Domain, locale: Locale) -> tuple[Mapping[str, str], Plurals]:
    path = catalog_path(domain, locale)
    if locale == DEFAULT_LOCALE or not path.exists():
        return {}, Plurals({})
    from babel.messages.pofile import read_po  # here: only when a translation is first needed

    with path.open("rb") as source:
        catalog = read_po(source, locale=locale, domain=domain)
    found: dict[str, str] = {}
    forms: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        text, msgid = message.string, message.id
        if message.fuzzy or not msgid:
            continue
        if isinstance(msgid, str) and isinstance(text, str) and text:
            found[message_key(msgid, message.context)] = text
        elif isinstance(msgid, tuple) and isinstance(text, tuple) and all(text):
            forms[message_key(msgid[0], message.context)] = tuple(text)
    return found, Plurals(forms, catalog.plural_expr)


def message_key(msgid: str, context: str | None = None) -> str:
    return f"{context}{CONTEXT_SEPARATOR}{msgid}" if context else msgid


def gettext(domain: Domain, locale: Locale, msgid: str, context: str | None = None) -> str:
    return translations(domain, locale).get(message_key(msgid, context), msgid)


def ngettext(domain: Domain, locale: Locale, singular: str, plural: str, count: int) -> str:
    """The form of a count-dependent message that `count` takes in `locale` (French: 0 and 1 singular),
    English's form when the language has no translation of it."""
    table = plurals(domain, locale)
    forms = table.forms.get(singular)
    if forms is None:
        return singular if count == 1 else plural
    return forms[min(table.index(count), len(forms) - 1)]
