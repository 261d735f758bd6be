"""What the operator sends to make or change a brand (issue 32); the answer is schemas/brands.py's Brand."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from chalicelib.domain.branding import HEX_COLOR, MIN_CONTRAST, white_text_readable_on
from chalicelib.schemas.common import Email, Input, Text, VisibleName


def _readable(value: str) -> str:
    if not HEX_COLOR.fullmatch(value):  # fullmatch: `$` alone lets "#rrggbb\n" through
        raise ValueError("must be a colour written #rrggbb")
    if not white_text_readable_on(value):
        raise ValueError(
            f"is too light: white text on {value} does not reach the {MIN_CONTRAST}:1 contrast readers need"
        )
    return value.lower()


def _https(value: str) -> str:
    if not value.lower().startswith("https://") or len(value) <= len("https://"):
        raise ValueError("must be an https:// address")
    return value


Color = Annotated[str, Field(json_schema_extra={"pattern": HEX_COLOR.pattern}), AfterValidator(_readable)]
HttpsUrl = Annotated[Text, Field(min_length=9, max_length=2048), AfterValidator(_https)]
# Vetted when fetched, under the webhook URL rules (security/ssrf.py): https to a public address.
LogoUrl = Annotated[Text, Field(min_length=8, max_length=2048)]
BrandName = Annotated[VisibleName, Field(min_length=1, max_length=100)]
SenderName = Annotated[VisibleName, Field(min_length=1, max_length=100)]


class BrandIn(Input):
    name: BrandName
    primary_color: Color
    support_email: Email
    support_url: HttpsUrl | None = None
    sender_name: SenderName | None = None  # default: `name`
    # fetched once and kept as the project's own copy, as if uploaded (PUT .../logo); never linked to
    logo_url: LogoUrl | None = None


class BrandUpdateIn(Input):
    """Any of the brand's fields; one not named is left as it is (`support_url` null removes it)."""

    name: BrandName | None = None
    primary_color: Color | None = None
    support_email: Email | None = None
    support_url: HttpsUrl | None = None
    sender_name: SenderName | None = None
    logo_url: LogoUrl | None = None  # fetched once, as on create

    def changes(self) -> dict[str, object]:
        named = ("name", "primary_color", "support_email", "sender_name")
        found: dict[str, object] = {n: v for n in named if (v := getattr(self, n)) is not None}
        if "support_url" in self.model_fields_set:
            found["support_url"] = self.support_url
        return found
