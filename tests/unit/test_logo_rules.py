"""domain/logos.py: a logo's type told by its content, and an SVG rebuilt from the allowlist (the attacks
through the API are in tests/api/test_brands.py)."""

from __future__ import annotations

import pytest

from chalicelib.domain.logos import MAX_LOGO_BYTES, LogoError, checked_logo, sanitized_svg

NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def svg(inner: str, attrs: str = "") -> bytes:
    return f"<svg {NS} {attrs}>{inner}</svg>".encode()


def test_fragments_survive_and_everything_outside_the_image_goes() -> None:
    kept = sanitized_svg(
        svg(
            '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient>'
            '<path id="p" d="M0 0h1"/></defs>'
            '<rect fill="url(#g)" width="1" height="1"/><use xlink:href="#p"/>'
            '<use href="https://evil.example/x.svg#p"/><image href="https://evil.example/i.png"/>'
            '<a href="javascript:alert(1)"><rect width="2"/></a>'
        )
    ).decode()
    assert 'fill="url(#g)"' in kept and '<use href="#p"' in kept
    assert "evil" not in kept and "javascript" not in kept and "<image" not in kept and "<a" not in kept


@pytest.mark.parametrize(
    "inner",
    [
        "<script>alert(1)</script>",
        '<rect onclick="alert(1)" width="1"/>',
        '<animate attributeName="href" to="javascript:alert(1)"/>',
        '<set attributeName="onload" to="alert(1)"/>',
        "<style>rect{fill:url(https://evil.example/p)}</style>",
        '<rect style="background:url(//evil.example/p)" width="1"/>',
        '<rect style="behavior:expression(alert(1))" width="1"/>',
        '<foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></body></foreignObject>',
    ],
)
def test_nothing_that_runs_or_fetches_is_kept(inner: str) -> None:
    kept = sanitized_svg(svg(inner)).decode().lower()
    for bad in ("script", "onclick", "animate", "<set", "style", "evil", "expression", "foreignobject"):
        assert bad not in kept, (inner, kept)


def test_text_and_titles_are_kept_as_text() -> None:
    kept = sanitized_svg(svg("<title>Acme &amp; Co</title><text x='1'>Acme <tspan>Hosting</tspan>!</text>"))
    assert b"<title>Acme &amp; Co</title>" in kept and b"<tspan>Hosting</tspan>!" in kept


@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
        b"<html><body/></html>",
        b"<svg><rect/></svg>",  # no SVG namespace: not an SVG a browser renders as one
        b"not xml at all",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",  # a PNG cut short
        svg("<g>" * 40 + "</g>" * 40),  # nested too deeply
    ],
    ids=["external_entity", "html", "no_namespace", "text", "truncated_png", "deep"],
)
def test_what_is_neither_a_png_nor_a_sound_svg_is_refused(content: bytes) -> None:
    with pytest.raises(LogoError):
        checked_logo(content)


def test_the_size_is_checked_before_anything_is_parsed() -> None:
    with pytest.raises(LogoError, match="64 KiB"):
        checked_logo(b"<" * (MAX_LOGO_BYTES + 1))
    with pytest.raises(LogoError, match="empty"):
        checked_logo(b"")
