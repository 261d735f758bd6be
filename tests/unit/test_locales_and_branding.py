"""The shared rules of issue 32: which language a browser gets, and which brand colours are readable."""

from __future__ import annotations

import pytest

from chalicelib.domain.branding import contrast_ratio, white_text_readable_on
from chalicelib.domain.locales import LOCALES, negotiate


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("en-US;q=0.5, fr-CA", "fr"),
        ("ja, nl;q=0.3, es;q=0.3", "nl"),  # a tie: the first listed
        ("ja, zh-CN", "en"),  # nothing supported
        ("de;q=0, fr;q=0.1", "fr"),  # q=0 means "not this"
        ("es;q=abc, nl", "nl"),  # a malformed q-value is skipped
        ("ES-mx", "es"),  # tags are case-insensitive
        ("de;q=1.5, fr", "fr"),  # q above 1 is malformed
    ],
)
def test_negotiate_follows_the_primary_subtag_and_q_values(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def test_every_locale_is_reachable() -> None:
    assert [negotiate(locale) for locale in LOCALES] == list(LOCALES)


@pytest.mark.parametrize(
    ("color", "readable"),
    [("#1d4ed8", True), ("#000000", True), ("#ffffff", False), ("#ffcc00", False), ("#767676", True)],
)
def test_white_text_needs_four_and_a_half_to_one(color: str, readable: bool) -> None:
    assert white_text_readable_on(color) is readable


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_a_malformed_colour_is_refused() -> None:
    with pytest.raises(ValueError):
        contrast_ratio("blue", "#ffffff")
