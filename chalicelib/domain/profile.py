"""A person's contact details: the one list of their fields, for the user, an invitation and the API."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

PROFILE_FIELDS = ("first_name", "last_name", "title", "cell_phone", "office_phone", "extension")
NAME_FIELDS = ("first_name", "last_name")
# A member's contact details at one account (a web designer has another title at each customer); the names
# stay the person's own.
CONTACT_FIELDS = PROFILE_FIELDS[2:]


def profile_of(source: Any) -> dict[str, str | None]:
    """The profile fields of anything that has them (a request body, a stored user or invitation)."""
    return {name: getattr(source, name) for name in PROFILE_FIELDS}


def own_details(row: Any) -> dict[str, str]:
    """The profile fields a spreadsheet row gives: they go over the request's own, field by field."""
    return {name: value for name, value in profile_of(row).items() if value is not None}


def contact_at_join(*sources: Any) -> dict[str, str | None]:
    """A new member's contact details at the account, field by field from the first source that has it
    (what the accept gave, then the invitation, then the person's own profile)."""
    return {name: _first(getattr(source, name, None) for source in sources) for name in CONTACT_FIELDS}


def _first(values: Iterable[str | None]) -> str | None:
    return next((value for value in values if value), None)
