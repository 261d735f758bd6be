"""Renders the email templates kept as files beside this module: <name>.subject, .txt and .html, in the
reader's language: each file is the layout, its sentences come from mail/texts.py through the `messages`
catalog (chalicelib/i18n), the email's values filled into them after translation."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from string import Template

from chalicelib.domain.locales import DEFAULT_LOCALE, Locale
from chalicelib.i18n.catalogs import gettext, ngettext
from chalicelib.mail.mailer import OutgoingEmail
from chalicelib.mail.texts import PLAIN, STRONG, TEXTS, VALUE_MSGIDS

_DIR = Path(__file__).parent / "templates"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]+")
_LABEL_WIDTH = 15  # the text part's table: "  Sub-accounts:  value", values in one column


@cache
def _template(name: str) -> Template:
    return Template((_DIR / name).read_text(encoding="utf-8"))


def _single_line(value: str) -> str:
    """Names typed by users go into subjects: no line breaks or control characters, ever."""
    return _CONTROL.sub(" ", value).strip()


def _fill(sentence: str, values: Mapping[str, str]) -> str:
    return Template(sentence).substitute(values)


def _own_values(values: Mapping[str, str], locale: Locale) -> dict[str, str]:
    """The values a service gave as msgids (VALUE_MSGIDS) in `locale`, filled with the other values (one
    pass: what a value holds is never read as a placeholder); a value that is no msgid stays as it is."""
    found = dict(values)
    for key in VALUE_MSGIDS & values.keys():
        others = {k: v for k, v in values.items() if k != key}
        found[key] = Template(gettext("messages", locale, values[key])).safe_substitute(others)
    return found


def _strong(key: str, value: str) -> str:
    if key == "url":
        return f'<strong style="word-break:break-all">{value}</strong>'
    return f"<strong>{value}</strong>" if key in STRONG else value


def _sentences(name: str, locale: Locale, values: Mapping[str, str]) -> dict[str, str]:
    """Each sentence in `locale`; a plural one in the form the email's `$count` takes there."""
    return {
        key: gettext("messages", locale, msgid)
        if isinstance(msgid, str)
        else ngettext("messages", locale, *msgid, int(values["count"]))
        for key, msgid in TEXTS.get(name, {}).items()
    }


def _text_part(sentences: Mapping[str, str], values: Mapping[str, str]) -> dict[str, str]:
    """The sentences of the text part; its table's labels end in a colon and are padded to one column."""
    labels = {key: f"{text}:" for key, text in sentences.items() if key.startswith("label_")}
    width = max([_LABEL_WIDTH, *(len(label) + 2 for label in labels.values())])
    filled = {key: _fill(text, values) for key, text in sentences.items()}
    return {**filled, **{key: label.ljust(width) for key, label in labels.items()}}


def render(name: str, to: str, values: dict[str, str], locale: Locale = DEFAULT_LOCALE) -> OutgoingEmail:
    values = {**_own_values(values, locale), "lang": locale}
    sentences = _sentences(name, locale, values)
    subject_values = {key: _single_line(value) for key, value in values.items()}
    body_values = {key: _CONTROL_BUT_NEWLINE.sub(" ", value) for key, value in values.items()}
    html_values = {key: html.escape(value) for key, value in body_values.items()}
    strong = {key: _strong(key, value) for key, value in html_values.items()}
    html_sentences = {  # a sentence is text too: escaped before the (escaped) values go in
        key: _fill(html.escape(text, quote=False), html_values if key in PLAIN else strong)
        for key, text in sentences.items()
    }
    subject_sentences = {key: _fill(text, subject_values) for key, text in sentences.items()}
    return OutgoingEmail(
        to=to,
        subject=_template(f"{name}.subject").substitute({**subject_values, **subject_sentences}).strip(),
        text=_template(f"{name}.txt").substitute({**body_values, **_text_part(sentences, body_values)}),
        html=_template(f"{name}.html").substitute({**html_values, **html_sentences}),
    )
