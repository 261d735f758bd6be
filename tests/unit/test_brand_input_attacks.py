"""An attacker's review of what a brand puts into emails and pages (issue 32): the From header, the HTML
and text parts, the colour that reaches CSS, and the default brand's settings."""

from __future__ import annotations

from email import message_from_string, policy
from email.headerregistry import Address

import pytest

from chalicelib.domain.branding import Brand
from chalicelib.mail.mailer import OutgoingEmail
from chalicelib.mail.ses import SesMailer
from chalicelib.mail.templates import brand_html, brand_text, render
from tests.unit.test_mail_branding import KINDS, values_of

SENDER = "no-reply@portal.example"
HOSTILE_SENDER_NAMES = [
    "Evil <ceo@bank.example>",
    'Evil", ceo@bank.example, "x',
    "a, b <ceo@bank.example>; c",
    "=?utf-8?q?ceo=40bank.example?= <ceo@bank.example>",
    "Support (comment) <x@y>",
    'Ünïcode \\ back"slash',
    "Evil\r\nBcc: victim@example.com",  # the templates flatten line breaks before this is reached
]


def from_header(name: str) -> list[Address]:
    mailer = SesMailer(SENDER, "us-east-1", None, None)
    email = OutgoingEmail(to="a@example.com", subject="s", text="t", html="h", sender_name=name)
    rendered = render_single_line(mailer.from_address(email))
    parsed = message_from_string(f"From: {rendered}\n\nbody", policy=policy.default)
    return list(parsed["From"].addresses)


def render_single_line(value: str) -> str:
    assert "\r" not in value and "\n" not in value, value
    return value


@pytest.mark.parametrize("name", HOSTILE_SENDER_NAMES)
def test_a_sender_name_never_adds_an_address_or_a_header(name: str) -> None:
    """Whatever the display name, the From header names exactly one address: the project's sender."""
    flattened = render("password_reset", "a@example.com", values_of("password_reset"), brand=brand(name))
    [address] = from_header(flattened.sender_name or "")
    assert address.addr_spec == SENDER


def brand(sender_name: str = "Reseller", **fields: str) -> Brand:
    values: dict[str, str] = {
        "name": "Reseller",
        "primary_color": "#7b1fa2",
        "support_email": "help@reseller.example",
        "support_url": "https://help.reseller.example",
        **fields,
    }
    return Brand(
        name=values["name"],
        primary_color=values["primary_color"],
        support_email=values["support_email"],
        sender_name=sender_name,
        support_url=values["support_url"],
        brand_id="brd_1",
        logo_url=values.get("logo"),
        email_logo_url=values.get("logo"),
    )


MARKUP = '"><img src=x onerror=alert(1)><script>alert(2)</script>'


@pytest.mark.parametrize("kind", KINDS)
def test_a_brands_text_is_never_markup_in_the_html_part(kind: str) -> None:
    """Defence in depth: even a stored brand with markup in every text field (the API refuses most of
    them) renders as text, in element content and in attributes."""
    hostile = brand(
        name=f"Reseller{MARKUP}",
        support_email=f"help{MARKUP}@reseller.example",
        support_url=f"https://help.example/{MARKUP}",
        logo=f"https://portal.example/brand-logos/brd_1/1{MARKUP}",
    )
    html = render(kind, "a@example.com", values_of(kind), brand=hostile).html
    assert "<img src=x" not in html and "<script" not in html and "onerror=alert(1)>" not in html
    assert html.count("&lt;script&gt;") >= 1


def test_the_footers_links_are_the_brands_own_and_escaped() -> None:
    parts = brand_html(brand(support_url='https://help.example/?a=1&b="2"'))
    assert 'href="https://help.example/?a=1&amp;b=&quot;2&quot;"' in parts["brand_footer"]
    assert 'href="mailto:help@reseller.example"' in parts["brand_footer"]


def test_the_text_part_is_plain_text_with_the_brand_as_a_signature() -> None:
    text = brand_text(brand(name="Reseller"), "Body.\n")
    assert (
        text == "Reseller\n\nBody.\n\n-- \nReseller\nhelp@reseller.example\nhttps://help.reseller.example\n"
    )


@pytest.mark.parametrize(
    "color",
    ["#0000aa\n", "#0000aa;}", "#0000aa;background:url(https://evil.example/)", " #0000aa", "#0000aa\t"],
)
def test_a_colour_is_exactly_rrggbb_so_nothing_rides_into_css(color: str) -> None:
    """A colour reaches pages' CSS custom properties and emails' style attributes: only #rrggbb passes
    (a regex's `$` also matches before a final line break)."""
    from pydantic import ValidationError

    from chalicelib.domain.branding import white_text_readable_on
    from chalicelib.schemas.brand_changes import BrandIn

    with pytest.raises(ValidationError):
        BrandIn.model_validate({"name": "R", "primary_color": color, "support_email": "a@b.example"})
    with pytest.raises(ValueError):
        white_text_readable_on(color)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "JavaScript:alert(1)//https://", "data:text/html,x", "http://help.example"]
)
def test_the_default_brands_support_url_is_https_or_the_service_does_not_start(url: str) -> None:
    """BRAND_SUPPORT_URL becomes a link in every email's footer: a brand made through the API must give
    an https:// address, and so must the deployment's default."""
    from chalicelib.config import ConfigError, load_settings
    from tests.helpers import SETTINGS_ENV

    with pytest.raises(ConfigError, match="BRAND_SUPPORT_URL"):
        load_settings({**SETTINGS_ENV, "BRAND_SUPPORT_URL": url})
    kept = load_settings({**SETTINGS_ENV, "BRAND_SUPPORT_URL": "https://help.example"})
    assert kept.brand.support_url == "https://help.example"


def test_pages_take_a_brand_as_text_and_cssom_values_never_markup_nor_from_their_address() -> None:
    """brand.js (every page's brand): the name goes in as a text node, textContent or alt, the colour
    through style.setProperty (a CSSOM value: a ';' or '}' in it cannot open another declaration, and
    the API admits #rrggbb only), and nothing of the brand is read from the page's own URL."""
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "chalicelib/static/portal/brand.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "cssText", "style="):
        assert sink not in source, sink
    for place in ("location", "URLSearchParams", "document.URL", "hash"):
        assert place not in source, place
    assert 'root.setProperty("--brand", brand.primary_color)' in source
    assert "textContent: initial(brand.name)" in source and "alt: brand.name" in source
    assert "link.replaceChildren(mark, brand.name)" in source  # a string argument becomes a text node
