"""The languages the pages and emails speak, and the choice among them from a browser's Accept-Language.

One list, here, so an API field, a catalog and a page agree on what a locale is: anything else is refused
(400) where it is given, and never reaches a catalog lookup."""

from __future__ import annotations

from typing import Final, Literal, TypeGuard

Locale = Literal["en", "de", "fr", "es", "nl"]
LOCALES: Final[tuple[Locale, ...]] = ("en", "de", "fr", "es", "nl")
DEFAULT_LOCALE: Final[Locale] = "en"
_MAX_RANGES = 20  # a header is the client's to write: only its first ranges are looked at


def is_locale(value: object) -> TypeGuard[Locale]:
    return value in LOCALES


def as_locale(value: object) -> Locale:
    """A locale read from storage (absent or unknown: English)."""
    return value if is_locale(value) else DEFAULT_LOCALE


def reader_locale(user_locale: object, account_locale: object = None) -> Locale:
    """The language of an email to a login: its own, else its account's default, else English."""
    return user_locale if is_locale(user_locale) else as_locale(account_locale)


def negotiate(accept_language: str | None) -> Locale:
    """The supported language the header prefers most (RFC 9110 §12.5.4: primary subtag, q-values, the
    first listed wins a tie), else English. A malformed range or q-value is skipped, never an error."""
    best: tuple[float, int, Locale] | None = None
    for position, part in enumerate((accept_language or "").split(",")[:_MAX_RANGES]):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().split("-")[0].lower()
        quality = _quality(params)
        if not is_locale(primary) or quality <= 0:
            continue
        if best is None or (quality, -position) > (best[0], -best[1]):
            best = (quality, position, primary)
    return best[2] if best else DEFAULT_LOCALE


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return 0.0
            return quality if 0.0 <= quality <= 1.0 else 0.0
    return 1.0
