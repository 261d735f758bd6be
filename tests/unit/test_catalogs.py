"""The translation catalogs are complete, in sync with the code and faithful to the glossary.

Every domain's .po under chalicelib/i18n (`messages`, and `portal`, the pages' own) is checked the same way:
no message id lacks a translation in any language, none is fuzzy, and a translation holds exactly the
placeholders of its id (`$name`, `{name}`, `%(name)s`). The `messages` catalogs also match what `pybabel
extract` finds in the code with babel.cfg and the Makefile's keywords (`make catalogs`). And where the English
text names one of the product's core terms, each translation uses the glossary's word for it
(docs/glossary/<lang>.md). A count-dependent message is a plural entry (msgid/msgid_plural): each of its
forms is checked as a message of its own, and its English forms hold the same placeholders."""

from __future__ import annotations

import re
import shlex
from collections import Counter
from pathlib import Path
from typing import get_args

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

from chalicelib.domain.locales import DEFAULT_LOCALE, LOCALES
from chalicelib.i18n.catalogs import CATALOG_DIR

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [locale for locale in LOCALES if locale != DEFAULT_LOCALE]
PO_FILES = sorted(CATALOG_DIR.glob("*/LC_MESSAGES/*.po"))
DOMAINS = sorted({path.stem for path in PO_FILES})
PLACEHOLDER = re.compile(r"\$\{(\w+)\}|\$(\w+)|\{(\w+)\}|%\((\w+)\)[sd]")
FORM = "\x00"  # a plural entry's form i is keyed "msgid\x00i" (a NUL is in no message)


def read(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source)


def key_of(msgid: str | tuple[str, ...] | list[str], context: str | None) -> str:
    """As gettext keys a message: its (singular) id, after its context."""
    singular = msgid if isinstance(msgid, str) else msgid[0]
    return f"{context}\x04{singular}" if context else singular


def entries(catalog: Catalog) -> dict[str, str]:
    """msgid (with its context, as gettext keys it) -> translation, for every message of the catalog; a
    plural entry gives one "msgid\x00i" -> msgstr[i] per form of the catalog's language."""
    found: dict[str, str] = {}
    for message in catalog:
        if not message.id:
            continue
        key = key_of(message.id, message.context)
        if isinstance(message.id, str):
            found[key] = message.string if isinstance(message.string, str) else ""
            continue
        forms = message.string if isinstance(message.string, tuple) else ()
        for index in range(catalog.num_plurals):
            found[f"{key}{FORM}{index}"] = forms[index] if index < len(forms) else ""
    return found


def message_ids(catalog: Catalog) -> set[str]:
    return {key.split(FORM)[0] for key in entries(catalog)}


def english(key: str) -> str:
    return key.split(FORM)[0].split("\x04")[-1]


def placeholders(text: str) -> Counter[str]:
    return Counter(next(group for group in match.groups() if group) for match in PLACEHOLDER.finditer(text))


def test_there_are_catalogs_and_the_placeholder_pattern_reads_every_style() -> None:
    assert "messages" in DOMAINS
    assert placeholders("$a ${b} {c} %(d)s $a") == Counter({"a": 2, "b": 1, "c": 1, "d": 1})


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_language_has_the_domain_and_every_id_of_it(domain: str) -> None:
    """A msgid in any language's catalog (or the domain's .pot) is in every language's, translated."""
    template = CATALOG_DIR / f"{domain}.pot"
    ids: set[str] = set(entries(read(template))) if template.exists() else set()
    catalogs = {}
    for locale in TRANSLATED:
        path = CATALOG_DIR / locale / "LC_MESSAGES" / f"{domain}.po"
        assert path.exists(), f"{domain} has no {locale} catalog"
        catalogs[locale] = entries(read(path))
        ids |= set(catalogs[locale])
    for locale, found in catalogs.items():
        missing = sorted(ids - set(found))
        assert not missing, f"{locale}/{domain}.po lacks {missing[:5]}"
        untranslated = sorted(msgid for msgid, text in found.items() if not text.strip())
        assert not untranslated, f"{locale}/{domain}.po does not translate {untranslated[:5]}"


@pytest.mark.parametrize("path", PO_FILES, ids=[str(p.relative_to(CATALOG_DIR)) for p in PO_FILES])
def test_no_translation_is_fuzzy_and_each_keeps_its_placeholders(path: Path) -> None:
    catalog = read(path)
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy in {path.name}: {fuzzy[:5]}"
    for msgid, text in entries(catalog).items():
        assert placeholders(text) == placeholders(english(msgid)), (
            f"{path.relative_to(CATALOG_DIR)}: {msgid!r} -> {text!r}"
        )


def makefile_keywords() -> list[str]:
    """The Makefile's BABEL_KEYWORDS: what `make catalogs` passes to pybabel extract as -k."""
    line = next(
        line for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith("BABEL_KEYWORDS")
    )
    return shlex.split(line.split(":=", 1)[1])


def extracted() -> set[str]:
    """The msgids `pybabel extract -F babel.cfg --no-default-keywords -k ...` finds in the code now."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]  # Babel's, unannotated
    keywords = parse_keywords(makefile_keywords())
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords)
    # a plural message is extracted as (singular, plural): the catalogs key it by its singular
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found if message}


def test_each_plural_message_says_the_same_placeholders_in_its_english_forms() -> None:
    plural = [m for m in read(CATALOG_DIR / "messages.pot") if isinstance(m.id, tuple)]
    assert plural, "the messages domain has count-dependent sentences"
    for message in plural:
        assert len({frozenset(placeholders(form).items()) for form in message.id}) == 1, message.id


def test_the_messages_catalogs_hold_exactly_what_the_code_marks() -> None:
    """A msgid marked in the code but missing from the .pot or a .po (or left there after the code dropped
    it) fails: run `make catalogs`, then translate."""
    in_code = extracted()
    assert len(in_code) > 150  # the emails' sentences and the API's errors, not an empty extraction
    pot = message_ids(read(CATALOG_DIR / "messages.pot"))
    assert pot == in_code, f"messages.pot is stale: run make catalogs ({sorted(pot ^ in_code)[:5]})"
    for locale in TRANSLATED:
        po = message_ids(read(CATALOG_DIR / locale / "LC_MESSAGES" / "messages.po"))
        assert po == in_code, f"{locale}/messages.po: {sorted(po ^ in_code)[:5]}"


def test_the_email_sentences_and_error_messages_are_among_the_extracted() -> None:
    """Extraction sees both mechanisms: the email tables (mail/texts.py) and an error raised in place."""
    in_code = extracted()
    assert "Accept the invitation" in in_code  # mail/texts.py
    assert "This invitation is for another email address." in in_code  # AppError(code, "...")
    assert "The account does not exist or is not available to you." in in_code  # errors.py not_found
    assert "client portal" in in_code  # a value a service stores for the worker


# The English core terms (docs/glossary/README.md), as a regex over the English text with its placeholders
# removed ("contact" the verb, "contact your hosting provider", is not the term).
CORE_TERMS = {
    "user": r"\busers?\b",
    "contact": r"\bcontacts?\b(?! your)",
    "account": r"\baccounts?\b",
    "sub-account": r"\bsub-accounts?\b",
    "group": r"\bgroups?\b",
    "invitation": r"\binvitations?\b",
    "owner": r"\bowners?\b",
}
# Forms of a glossary word that do not contain the word as listed (plurals that change the stem).
INFLECTIONS = {
    ("de", "account"): ("konten",),
    ("de", "sub-account"): ("unterkonten",),
    ("es", "invitation"): ("invitaciones",),
    ("es", "owner"): ("propietaria",),
    ("es", "user"): ("usuaria",),
    ("nl", "contact"): ("contactpersonen",),
    ("nl", "owner"): ("eigenaren",),
}


def glossary(locale: str) -> dict[str, str]:
    """English term -> the language's word, from docs/glossary/<locale>.md's table."""
    words: dict[str, str] = {}
    for line in (ROOT / "docs" / "glossary" / f"{locale}.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0] in CORE_TERMS:
            words[cells[0]] = cells[1]
    return words


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_glossary_lists_the_core_terms(locale: str) -> None:
    assert set(glossary(locale)) == set(CORE_TERMS)


# The CSV import's role column takes the values "User" and "Admin" as typed, in every language: a message
# that names those values keeps them in English, and is not a use of the term "user".
CSV_ROLE_VALUE = re.compile(r"\bUser\b(?= or Admin| \(or member\))")


def without_placeholders(text: str) -> str:
    return CSV_ROLE_VALUE.sub(" ", PLACEHOLDER.sub(" ", text))


def glossary_misses(locale: str, pairs: dict[str, str]) -> list[str]:
    """The (msgid, translation) pairs whose English names a core term the translation does not use."""
    words = glossary(locale)
    wrong = []
    for msgid, text in pairs.items():
        source, translated = without_placeholders(english(msgid)), text.lower()
        for term, pattern in CORE_TERMS.items():
            if re.search(pattern, source, re.IGNORECASE):
                allowed = (words[term].lower(), *INFLECTIONS.get((locale, term), ()))
                if not any(word in translated for word in allowed):
                    wrong.append(f"{term} ({words[term]}): {msgid!r} -> {text!r}")
    return wrong


@pytest.mark.parametrize("locale", TRANSLATED)
@pytest.mark.parametrize("domain", DOMAINS)
def test_translations_use_the_glossary_words_for_the_core_terms(domain: str, locale: str) -> None:
    wrong = glossary_misses(locale, entries(read(CATALOG_DIR / locale / "LC_MESSAGES" / f"{domain}.po")))
    assert not wrong, "\n".join(wrong[:10])


def test_the_glossary_check_catches_a_synonym_and_passes_a_compound() -> None:
    assert glossary_misses("de", {"The account changed.": "Der Zugang hat sich geändert."})
    assert glossary_misses("fr", {"Invite a user": "Invitez une personne"})
    assert not glossary_misses("de", {"The Default User Group": "Die Standard-Benutzergruppe"})
    assert not glossary_misses("es", {"$count invitations": "$count invitaciones"})  # a listed inflection
    assert not glossary_misses("de", {"Contact your hosting provider.": "Wenden Sie sich an Ihren Anbieter."})
    assert not glossary_misses("de", {"$account changed": "$account hat sich geändert"})  # a placeholder


def test_the_api_locale_type_is_the_locales_list() -> None:
    from chalicelib.schemas.common import LocaleCode

    assert get_args(LocaleCode.__value__) == LOCALES
