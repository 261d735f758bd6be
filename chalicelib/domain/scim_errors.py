"""SCIM's own failures (RFC 7644 §3.12): a status, an optional `scimType` and a detail for a person. Unlike
the JSON API's error codes, SCIM's body names its HTTP status itself (`"status": "400"`), so a SCIM failure
carries it; api/scim_http.py renders it as
`{"schemas": [ERROR_SCHEMA], "status": "<status>", "scimType"?, "detail"}`."""

from __future__ import annotations

from typing import Literal

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
ScimType = Literal[
    "invalidFilter", "tooMany", "uniqueness", "mutability", "invalidSyntax", "invalidPath", "noTarget",
    "invalidValue", "invalidVers", "sensitive",
]  # fmt: skip


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: ScimType | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type

    def body(self) -> dict[str, object]:
        found: dict[str, object] = {"schemas": [ERROR_SCHEMA], "status": str(self.status)}
        if self.scim_type is not None:
            found["scimType"] = self.scim_type
        found["detail"] = self.detail
        return found


def invalid_value(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidValue")


def mutability(detail: str) -> ScimError:
    return ScimError(400, detail, "mutability")


def not_found(what: str = "resource") -> ScimError:
    return ScimError(404, f"The {what} does not exist.")
