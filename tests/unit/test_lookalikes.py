"""Invisible and lookalike text (issue 25, item 7): names hold something visible and nothing invisible;
addresses do not mix scripts within a part, nor use full-width letters."""

from __future__ import annotations

import pytest

from chalicelib.domain.emails import email_problem, is_valid_email, normalize_email
from chalicelib.domain.names import name_problem


@pytest.mark.parametrize(
    "name",
    ["\u3164", "\u3164 \u3164", "Ann\u200b", "Ann\u00adie", "\ufeffAnn", "Ann\u2060", "\u115f", "\uffa0",
     "\u2800", "Acme\U000e0041", "...", "- -", "\u200b"],
)  # fmt: skip
def test_names_with_invisible_characters_or_nothing_visible_are_refused(name: str) -> None:
    assert name_problem(name) is not None


@pytest.mark.parametrize(
    "name", ["Ann", "José", "O'Brien", "Zoë-Jane", "李", "Ōno", "R2", "Acme Hosting Ltd."]
)
def test_ordinary_names_pass(name: str) -> None:
    assert name_problem(name) is None


@pytest.mark.parametrize(
    ("email", "says"),
    [
        ("p\u0430ypal@example.com", "mixes Cyrillic and Latin"),
        ("bob@ex\u0430mple.com", "mixes Cyrillic and Latin"),
        ("\uff42\uff4f\uff42@example.com", "full-width"),
        ("b\u03bfb@example.com", "mixes Greek and Latin"),
    ],
)
def test_addresses_that_mix_scripts_are_refused_saying_why(email: str, says: str) -> None:
    normalized = normalize_email(email)
    problem = email_problem(normalized)
    assert problem is not None and says in problem
    assert not is_valid_email(normalized)


@pytest.mark.parametrize(
    "email",
    ["bob@example.com", "josé@bücher.de", "иван@пример.рф", "田中たろう@example.jp", "a.b+tag@x.io"],
)
def test_addresses_in_one_script_pass(email: str) -> None:
    assert email_problem(normalize_email(email)) is None


def test_the_schemas_name_pattern_refuses_what_the_validator_does_below_u10000() -> None:
    """The Name pattern in the OpenAPI document names the same invisible characters as the validator, so a
    fuzzer's schema-valid name (schemathesis once sent a soft hyphen) is one the API takes."""
    import re

    from pydantic import TypeAdapter

    from chalicelib.domain.names import _INVISIBLE, INVISIBLE_BMP
    from chalicelib.schemas.common import Name

    in_ranges = {c for low, high in INVISIBLE_BMP for c in range(low, high + 1)}
    assert in_ranges == {c for c in range(0x10000) if _INVISIBLE.match(chr(c))}
    pattern = re.compile(TypeAdapter(Name).json_schema()["pattern"])
    assert pattern.match("Ann Lee") and pattern.match("Zoë")
    for c in in_ranges:
        assert not pattern.match(f"Ann{chr(c)}"), hex(c)
