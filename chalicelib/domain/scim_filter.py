"""SCIM filters as this server takes them (RFC 7644 §3.4.2.2, narrowed by API.md): `<attribute> eq
"<value>"`, several joined with `and`, on the attributes a resource type allows. Anything else (another
operator, `or`, `not`, brackets, an unknown attribute) is 400 invalidFilter. Pure."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from chalicelib.domain.scim_errors import ScimError

# one comparison: an attribute path, `eq`, a JSON string (escapes included), true/false or a number
_TERM = re.compile(
    r'\s*(?P<attr>[A-Za-z][\w.:-]*)\s+(?P<op>[A-Za-z]{2})\s+(?P<value>"(?:[^"\\]|\\.)*"|true|false|null|-?\d+(?:\.\d+)?)\s*',
)
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def invalid(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidFilter")


def parse_filter(text: str, allowed: Iterable[str]) -> list[tuple[str, object]]:
    """[(attribute as named in `allowed`, value)], every term to hold. Attribute names compare
    case-insensitively (RFC 7643 §2.1)."""
    names = {name.lower(): name for name in allowed}
    terms: list[tuple[str, object]] = []
    for part in _split(text):
        found = _TERM.fullmatch(part)
        if found is None:
            raise invalid(
                f'Only `attribute eq "value"` terms joined by `and` are supported: {part.strip()!r}'
            )
        if found["op"].lower() != "eq":
            raise invalid(f"Only the eq operator is supported, not {found['op']!r}.")
        attribute = names.get(found["attr"].lower())
        if attribute is None:
            raise invalid(
                f"Filtering on {found['attr']!r} is not supported; use one of {sorted(names.values())}."
            )
        terms.append((attribute, json.loads(found["value"])))
    return terms


def _split(text: str) -> list[str]:
    """The filter's `and`-joined parts, never splitting inside a quoted value."""
    parts, start, quoted, index = [], 0, False, 0
    while index < len(text):
        char = text[index]
        if char == "\\" and quoted:
            index += 2
            continue
        if char == '"':
            quoted = not quoted
        elif not quoted and (joined := _AND.match(text, index)) is not None and index > start:
            parts.append(text[start:index])
            start = index = joined.end()
            continue
        index += 1
    if quoted:
        raise invalid("A quoted value is not closed.")
    parts.append(text[start:])
    if not all(part.strip() for part in parts):
        raise invalid("An empty term.")
    return parts


def matches(value: object, wanted: object, *, case_exact: bool = False) -> bool:
    """`eq`: strings compare case-insensitively unless `case_exact` (userName is case-insensitive)."""
    if isinstance(value, str) and isinstance(wanted, str) and not case_exact:
        return value.lower() == wanted.lower()
    return value == wanted
