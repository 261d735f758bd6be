"""Renders the email templates kept as files beside this module: <name>.subject, .txt and .html, in the
brand of whoever the email is about (domain/branding.py): its sender name, its header (the PNG logo, else
the name in the brand's colour), the button's colour and a footer with the support contact.

The brand's parts are the templates' shell only ($brand_header, $brand_color, $brand_footer in the HTML; a
first line and a closing block around the text), so the sentences of each email stay the templates' own."""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path
from string import Template

from chalicelib.domain.branding import Brand
from chalicelib.mail.mailer import OutgoingEmail

_DIR = Path(__file__).parent / "templates"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]+")
# The default brand's emails keep saying "your client portal"; a hosting company's say its name.
_DEFAULT_PORTAL_NAME = "client portal"


@cache
def _template(name: str) -> Template:
    return Template((_DIR / name).read_text(encoding="utf-8"))


def _single_line(value: str) -> str:
    """Names typed by users go into subjects: no line breaks or control characters, ever."""
    return _CONTROL.sub(" ", value).strip()


def render(name: str, to: str, values: dict[str, str], *, brand: Brand) -> OutgoingEmail:
    values = _branded_values(values, brand)
    subject_values = {key: _single_line(value) for key, value in values.items()}
    body_values = {key: _CONTROL_BUT_NEWLINE.sub(" ", value) for key, value in values.items()}
    escaped = {k: html.escape(v) for k, v in body_values.items()}
    return OutgoingEmail(
        to=to,
        subject=_template(f"{name}.subject").substitute(subject_values).strip(),
        text=brand_text(brand, _template(f"{name}.txt").substitute(body_values)),
        html=_template(f"{name}.html").substitute({**escaped, **brand_html(brand)}),
        sender_name=_single_line(brand.sender_name),
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
