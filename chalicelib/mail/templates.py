"""Renders the email templates kept as files beside this module: <name>.subject, .txt and .html, in the
reader's language and the brand of whoever the email is about: each file is the layout, its sentences come
from mail/texts.py through the `messages` catalog (chalicelib/i18n), the email's values filled into them after
translation. The brand (domain/branding.py) gives its sender name, its header (the PNG logo, else the name in
the brand's colour), the button's colour and a footer with the support contact: the templates' shell only
($brand_header, $brand_color, $brand_footer in the HTML; a first line and a closing block around the text)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from string import Template

from chalicelib.domain.branding import Brand
from chalicelib.domain.locales import DEFAULT_LOCALE, Locale
from chalicelib.i18n.catalogs import gettext, ngettext
from chalicelib.mail.mailer import OutgoingEmail
from chalicelib.mail.texts import PLAIN, STRONG, TEXTS, VALUE_MSGIDS
from chalicelib.msgids import N_

_DIR = Path(__file__).parent / "templates"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]+")
# Without a BRAND_NAME the deployment's name is the product's generic label, no company's name: it speaks the
# reader's language (header, footer, From). Any other brand's name is a proper name, written as it is.
_GENERIC_NAME = N_("Client portal")
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


def render(
    name: str, to: str, values: dict[str, str], locale: Locale = DEFAULT_LOCALE, *, brand: Brand
) -> OutgoingEmail:
    brand = _worded(brand, locale)
    values = _branded_values({**_own_values(values, locale), "lang": locale}, brand)
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
        text=brand_text(
            brand, _template(f"{name}.txt").substitute({**body_values, **_text_part(sentences, body_values)})
        ),
        html=_template(f"{name}.html").substitute({**html_values, **html_sentences, **brand_html(brand)}),
        sender_name=_single_line(brand.sender_name),
    )


def _worded(brand: Brand, locale: Locale) -> Brand:
    if brand.brand_id is not None or _GENERIC_NAME not in (brand.name, brand.sender_name):
        return brand
    local = gettext("messages", locale, _GENERIC_NAME)
    return replace(
        brand,
        name=local if brand.name == _GENERIC_NAME else brand.name,
        sender_name=local if brand.sender_name == _GENERIC_NAME else brand.sender_name,
    )


def _branded_values(values: dict[str, str], brand: Brand) -> dict[str, str]:
    if "portal_name" in values and brand.brand_id is not None:
        return {**values, "portal_name": brand.name}
    return values


def brand_html(brand: Brand) -> dict[str, str]:
    """The HTML shell's parts, escaped here (the template takes them as they are)."""
    color, name = html.escape(brand.primary_color), html.escape(brand.name)
    if brand.email_logo_url:
        logo = html.escape(brand.email_logo_url)
        header = (
            f'<tr><td style="padding:16px 28px;border-bottom:3px solid {color}">'
            f'<img src="{logo}" alt="{name}" height="40" '
            'style="display:block;height:40px;width:auto;border:0">'
            "</td></tr>"
        )
    else:
        header = (
            f'<tr><td style="padding:20px 28px;border-bottom:3px solid {color};font-weight:700;'
            f'color:{color}">{name}</td></tr>'
        )
    contact = [name]
    if brand.support_email:
        address = html.escape(brand.support_email)
        contact.append(f'<a href="mailto:{address}" style="color:{color}">{address}</a>')
    if brand.support_url:
        url = html.escape(brand.support_url)
        contact.append(f'<a href="{url}" style="color:{color}">{url}</a>')
    footer = (
        '<tr><td style="padding:16px 28px;border-top:1px solid #e2e8f0;font-size:12px;color:#4b5563">'
        + " · ".join(contact)
        + "</td></tr>"
    )
    return {"brand_header": header, "brand_color": color, "brand_footer": footer}


def brand_text(brand: Brand, body: str) -> str:
    """The text part: the brand's name first, its support contact last (a signature block)."""
    contact = [c for c in (brand.support_email, brand.support_url) if c]
    return f"{brand.name}\n\n{body.rstrip()}\n\n-- \n" + "\n".join([brand.name, *contact]) + "\n"
