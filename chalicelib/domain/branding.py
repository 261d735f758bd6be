"""A brand: the hosting company's name, colour, logo and support contact, shown on every page and email of
the accounts it is given to (and the deployment's default brand everywhere else).

The colour's rule is WCAG 2's: the portal writes white text on the brand colour (buttons, the header), so
white on it must reach 4.5:1, the contrast normal text needs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

HEX_COLOR: Final = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST: Final = 4.5
WHITE: Final = "#ffffff"


@dataclass(frozen=True)
class Brand:
    name: str
    primary_color: str  # "#rrggbb", white text on it reaches MIN_CONTRAST
    support_email: str | None  # None: the default brand was given none (its emails show no support line)
    sender_name: str  # the From display name of its emails
    logo_url: str | None = None  # the project's own copy; None: the name is shown instead
    support_url: str | None = None
    brand_id: str | None = None  # None: the deployment's default brand
    # The logo as emails show it: a PNG only (mail clients do not all show SVG, and no SVG-to-PNG renderer
    # fits the package); None: the name, in the brand's colour.
    email_logo_url: str | None = None


def relative_luminance(color: str) -> float:
    """WCAG 2's relative luminance of a "#rrggbb" colour."""
    if not HEX_COLOR.fullmatch(color):  # fullmatch: `$` alone lets "#rrggbb\n" through
        raise ValueError(f"not a #rrggbb colour: {color!r}")
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def white_text_readable_on(color: str) -> bool:
    return contrast_ratio(color, WHITE) >= MIN_CONTRAST
