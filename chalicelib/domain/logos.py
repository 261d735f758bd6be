"""A brand's logo (issue 32): a PNG or an SVG of at most 64 KiB, its type told by its content (never by the
header the sender chose), and an SVG rebuilt from an allowlist of elements and attributes, so what the
project serves can run no script and reach nothing outside itself.

What is dropped from an SVG: any element not listed (script, foreignObject, image, a, animate, set, style,
...), with its children; any attribute not listed (every on* handler among them); an href to anything but
a `#fragment` of the same image; a url() anywhere but `url(#fragment)`; a DOCTYPE or entity refuses the
whole file (defusedxml: no billion laughs, no external entity), as do <use> elements that draw over MAX_DRAWN
elements or lead back to themselves."""

from __future__ import annotations

import re
from typing import Final, Literal
from xml.etree import ElementTree

MAX_LOGO_BYTES: Final = 64 * 1024
PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
PNG_END: Final = b"IEND\xaeB`\x82"
SVG_NS: Final = "http://www.w3.org/2000/svg"
XLINK_NS: Final = "http://www.w3.org/1999/xlink"
MAX_DEPTH: Final = 32
MAX_DRAWN: Final = 10_000  # elements an SVG draws once every <use> is followed
MAX_PNG_SIDE: Final = 4096  # pixels; a header logo shows at 40 high
LogoType = Literal["image/png", "image/svg+xml"]

_ELEMENT_NAMES = """svg g path rect circle ellipse line polyline polygon text tspan title desc defs
linearGradient radialGradient stop clipPath mask use symbol"""
_ATTRIBUTE_NAMES = """id d x y x1 y1 x2 y2 cx cy r rx ry fx fy width height viewBox points fill stroke
stroke-width stroke-linecap stroke-linejoin stroke-miterlimit stroke-dasharray stroke-dashoffset
stroke-opacity fill-opacity fill-rule clip-rule opacity transform offset stop-color stop-opacity
gradientUnits gradientTransform spreadMethod font-family font-size font-weight font-style text-anchor
dominant-baseline letter-spacing clip-path clipPathUnits mask maskUnits preserveAspectRatio version style
href role aria-label"""
ELEMENTS: Final = frozenset(re.split(r"\s+", _ELEMENT_NAMES))
ATTRIBUTES: Final = frozenset(re.split(r"\s+", _ATTRIBUTE_NAMES))
TEXT_ELEMENTS: Final = frozenset({"text", "tspan", "title", "desc"})
_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^)'\"]*)", re.IGNORECASE)
# CSS that could fetch or run something, in a style or presentation attribute (fill, mask, ... are parsed
# as CSS too; no <style> element is kept at all): an escape spells url( without its letters (\75rl),
# image-set() and src() fetch a plain string
_CSS_DANGER = re.compile(r"@import|expression\s*\(|javascript:|\\|image-set|src\s*\(", re.IGNORECASE)


class LogoError(ValueError):
    """Not a PNG or SVG this project serves; the message is for the person uploading it."""


def checked_logo(content: bytes) -> tuple[LogoType, bytes]:
    """The logo's type, from its content, and the bytes to keep (an SVG sanitised)."""
    if not content:
        raise LogoError("The logo is empty.")
    if len(content) > MAX_LOGO_BYTES:
        raise LogoError(f"The logo is larger than {MAX_LOGO_BYTES // 1024} KiB.")
    if content.startswith(PNG_SIGNATURE):
        return "image/png", _checked_png(content)
    return "image/svg+xml", sanitized_svg(content)


def _checked_png(content: bytes) -> bytes:
    """A PNG's frame: the signature, its IHDR chunk first and IEND last (an HTML page behind a PNG
    signature has neither)."""
    if content[12:16] != b"IHDR" or not content.endswith(PNG_END):
        raise LogoError("The logo is not a complete PNG image.")
    # A decompression bomb: 64 KiB of zeros deflated are gigabytes of pixels for whoever shows it
    width, height = int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")
    if not (0 < width <= MAX_PNG_SIDE and 0 < height <= MAX_PNG_SIDE):
        raise LogoError(f"The logo's sides must be 1 to {MAX_PNG_SIDE} pixels.")
    return content


def sanitized_svg(content: bytes) -> bytes:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root: ElementTree.Element = fromstring(
            content, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    # ValueError: expat takes no declared multi-byte encoding (encoding="utf-16-le") and says so this way
    except (DefusedXmlException, ElementTree.ParseError, ValueError):
        raise LogoError(
            "The logo is neither a PNG nor a well-formed SVG (without DOCTYPE or entities)."
        ) from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise LogoError("The logo is neither a PNG nor an SVG image.")
    clean = _rebuilt(root, 0)
    if clean is None:  # the root is an svg element, so it is kept: for the type checker
        raise LogoError("The logo is neither a PNG nor an SVG image.")
    _check_drawn(clean)
    clean.set("xmlns", SVG_NS)
    kept: bytes = ElementTree.tostring(clean, encoding="utf-8", xml_declaration=False)
    return kept


def _local(name: str) -> tuple[str | None, str]:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return None, name


def _rebuilt(element: ElementTree.Element, depth: int) -> ElementTree.Element | None:
    namespace, tag = _local(element.tag)
    if depth > MAX_DEPTH:
        raise LogoError("The SVG logo is nested too deeply.")
    if namespace != SVG_NS or tag not in ELEMENTS:
        return None
    clean = ElementTree.Element(tag)
    for name, value in element.attrib.items():
        kept = _attribute(name, value)
        if kept is not None:
            clean.set(*kept)
    if tag in TEXT_ELEMENTS and element.text:
        clean.text = element.text
    for child in element:
        rebuilt = _rebuilt(child, depth + 1)
        if rebuilt is not None:
            if child.tail and tag in TEXT_ELEMENTS:
                rebuilt.tail = child.tail
            clean.append(rebuilt)
    return clean


def _attribute(name: str, value: str) -> tuple[str, str] | None:
    """The attribute as kept, or None: listed names only; references to this image's own fragments only."""
    namespace, local = _local(name)
    if namespace not in (None, XLINK_NS) or (namespace == XLINK_NS and local != "href"):
        return None
    if local not in ATTRIBUTES:
        return None
    if local == "href":
        return ("href", value) if re.fullmatch(r"#[A-Za-z_][\w.-]*", value.strip()) else None
    if any(not target.strip().startswith("#") for target in _URL.findall(value)):
        return None
    if _CSS_DANGER.search(value):
        return None
    return local, value


def _check_drawn(root: ElementTree.Element) -> None:
    """<use> as billion laughs: each level drawing the one before ten times is 10^12 shapes from 1 KiB for
    whoever shows the logo. The elements drawn, every <use> followed, must stay under MAX_DRAWN and no
    <use> may lead back to itself. Counted children first, without recursion (a chain of uses is as long
    as the file allows)."""
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    drawn: dict[int, int] = {}
    stack: list[tuple[ElementTree.Element, bool]] = [(root, False)]
    open_ids: set[int] = set()
    while stack:
        element, counted_below = stack.pop()
        below = [*element, *_used(element, by_id)]
        if counted_below:
            open_ids.discard(id(element))
            drawn[id(element)] = 1 + sum(drawn[id(child)] for child in below)
            if drawn[id(element)] > MAX_DRAWN:
                raise LogoError(f"The SVG logo draws more than {MAX_DRAWN} elements.")
            continue
        if id(element) in drawn:
            continue
        if id(element) in open_ids:
            raise LogoError("The SVG logo refers to itself.")
        open_ids.add(id(element))
        stack.append((element, True))
        stack.extend((child, False) for child in below if id(child) not in drawn)


def _used(
    element: ElementTree.Element, by_id: dict[str | None, ElementTree.Element]
) -> list[ElementTree.Element]:
    target = by_id.get((element.get("href") or "")[1:]) if element.tag == "use" else None
    return [target] if target is not None else []
