"""A person's contact details: the one list of their fields, for the user, an invitation and the API."""

from __future__ import annotations

from typing import Any

PROFILE_FIELDS = ("first_name", "last_name", "title", "cell_phone", "office_phone", "extension")
NAME_FIELDS = ("first_name", "last_name")


def profile_of(source: Any) -> dict[str, str | None]:
    """The profile fields of anything that has them (a request body, a stored user or invitation)."""
    return {name: getattr(source, name) for name in PROFILE_FIELDS}
