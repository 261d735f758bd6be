"""Every email in its brand (issue 32): the From display name, the header (a PNG logo, else the name in
the brand's colour), the button's colour and the footer's support contact, on every template; the
templates' sentences untouched."""

from __future__ import annotations

from pathlib import Path
from string import Template

import pytest

from chalicelib.config import DEFAULT_BRAND
from chalicelib.domain.branding import Brand
from chalicelib.mail.mailer import OutgoingEmail
from chalicelib.mail.ses import SesMailer
from chalicelib.mail.templates import render
from chalicelib.mail.texts import TEXTS
from chalicelib.msgids import Plural

TEMPLATES = Path(__file__).resolve().parents[2] / "chalicelib" / "mail" / "templates"
KINDS = sorted(path.stem for path in TEMPLATES.glob("*.html"))
SHELL = {"brand_header", "brand_color", "brand_footer"}
RESELLER = Brand(
    name="Reseller Hosting",
    primary_color="#7b1fa2",
    support_email="help@reseller.example",
    sender_name="Reseller Support",
    logo_url="https://portal.example.com/brand-logos/brd_1/3",
    support_url="https://help.reseller.example",
    brand_id="brd_1",
    email_logo_url="https://portal.example.com/brand-logos/brd_1/3",
)


def values_of(kind: str) -> dict[str, str]:
    """A value for every placeholder of the email's files and of its sentences (mail/texts.py)."""
    sources = [(TEMPLATES / f"{kind}.{part}").read_text() for part in ("subject", "txt", "html")]
    names: set[str] = set()
    for message in TEXTS[kind].values():  # a count's sentence has two forms, each with its placeholders
        sources += list(message) if isinstance(message, Plural) else [message]
    for source in sources:
        names |= set(Template(source).get_identifiers())
    found = {name: f"<{name}>" for name in names - SHELL - {"lang", *TEXTS[kind]}}
    return {**found, "count": "3"} if "count" in found else found


def test_there_are_eight_emails_and_each_has_the_brand_shell() -> None:
    assert len(KINDS) == 8
    for kind in KINDS:
        html = (TEMPLATES / f"{kind}.html").read_text()
        assert html.count("$brand_header") == html.count("$brand_footer") == 1, kind
        assert "Client portal" not in html and "#1d4ed8" not in html, kind


@pytest.mark.parametrize("kind", KINDS)
def test_every_email_carries_the_resellers_brand_and_never_the_default(kind: str) -> None:
    email = render(kind, to="a@example.com", values=values_of(kind), brand=RESELLER)
    assert email.sender_name == "Reseller Support"
    assert '<img src="https://portal.example.com/brand-logos/brd_1/3" alt="Reseller Hosting"' in email.html
    assert "#7b1fa2" in email.html and "#1d4ed8" not in email.html
    assert (
        'href="mailto:help@reseller.example"' in email.html and "https://help.reseller.example" in email.html
    )
    assert email.text.startswith("Reseller Hosting\n")
    assert email.text.endswith(
        "-- \nReseller Hosting\nhelp@reseller.example\nhttps://help.reseller.example\n"
    )
    for part in (email.subject, email.text, email.html):
        assert "client portal" not in part.lower() and "$brand" not in part


def test_the_button_takes_the_brand_colour() -> None:
    email = render("invitation", to="a@example.com", values=values_of("invitation"), brand=RESELLER)
    assert "background:#7b1fa2;color:#ffffff" in email.html


def test_without_a_png_logo_the_header_is_the_name_in_the_brand_colour() -> None:
    """An SVG logo (or none): mail clients do not all show SVG, so the name stands in."""
    svg_only = Brand(**{**RESELLER.__dict__, "email_logo_url": None})
    email = render("password_reset", to="a@example.com", values=values_of("password_reset"), brand=svg_only)
    assert "<img" not in email.html
    assert 'color:#7b1fa2">Reseller Hosting</td></tr>' in email.html


def test_the_default_brand_keeps_todays_words_and_look() -> None:
    email = render("password_reset", to="a@example.com", values={
        **values_of("password_reset"), "portal_name": "client portal"}, brand=DEFAULT_BRAND)  # fmt: skip
    assert "Client portal</td></tr>" in email.html and "#1d4ed8" in email.html
    assert email.subject == "Reset your client portal password"
    assert email.sender_name == "Client portal"


def test_brand_text_is_escaped_in_html() -> None:
    hostile = Brand(**{**RESELLER.__dict__, "name": "<b>Evil</b>", "email_logo_url": None})
    email = render("invitation", to="a@example.com", values=values_of("invitation"), brand=hostile)
    assert "<b>Evil</b>" not in email.html and "&lt;b&gt;Evil&lt;/b&gt;" in email.html


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Reseller Support", "Reseller Support <no-reply@example.com>"),
        ('Acme, "Hosting"', '"Acme, \\"Hosting\\"" <no-reply@example.com>'),
        ("Müller Hosting", "=?utf-8?q?M=C3=BCller_Hosting?= <no-reply@example.com>"),
        (None, "no-reply@example.com"),
    ],
)
def test_the_from_header_carries_the_sender_name_encoded(name: str | None, expected: str) -> None:
    mailer = SesMailer("no-reply@example.com", "us-east-1", None, session=None)
    email = OutgoingEmail(to="a@example.com", subject="s", text="t", html="h", sender_name=name)
    assert mailer.from_address(email) == expected
