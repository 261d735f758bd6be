"""A request's body and query into the route's pydantic models, every refusal as the contract's
`invalid_json` or `validation_error` with each bad field named in words for a person."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError

from chalicelib.errors import AppError
from chalicelib.msgids import N_


def parse_body(model: type[BaseModel], raw: bytes | None) -> Any:
    if not raw:  # (its size was checked by error_middleware before any view ran)
        raise AppError("invalid_json", "A JSON object body is required.")
    try:
        data = json.loads(
            raw.decode("utf-8"), parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys
        )
    except DuplicateKeyError as error:
        key = repr(error.args[0])
        raise AppError("invalid_json", N_("The body repeats the key $key."), params={"key": key}) from None
    except (UnicodeDecodeError, ValueError):
        raise AppError("invalid_json", "The body is not valid UTF-8 JSON.") from None
    except RecursionError:
        raise AppError("invalid_json", "The body is nested too deeply.") from None
    try:
        # JSON may escape lone surrogates ("\\ud800") that no UTF-8 store or email can hold.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise AppError("invalid_json", "The body contains invalid Unicode (a lone surrogate).") from None
    return validate(model, data)


def parse_query(model: type[BaseModel], params: Any) -> Any:
    return validate(model, dict(params))


def validate(model: type[BaseModel], data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        details = [_detail(item) for item in error.errors(include_url=False, include_input=False)]
        raise AppError("validation_error", "The request is not valid.", details=details) from None


def _detail(item: Any) -> dict[str, str]:
    location = ".".join(str(part) for part in item["loc"]) or "body"
    return {"field": location, "message": _message(item["type"], item.get("ctx") or {}, item["msg"])}


def _message(kind: str, ctx: dict[str, Any], raw: str) -> str:
    """A validation message for a person, never a library's wording ("Input should be ...")."""
    if kind == "value_error":
        return str(ctx.get("error", raw))
    if kind in ("too_long", "too_short", "string_too_long", "string_too_short"):
        unit = "characters" if kind.startswith("string") else "items"
        if "max_length" in ctx:
            return f"must have at most {ctx['max_length']} {unit}"
        return (
            "must not be empty"
            if ctx.get("min_length") == 1
            else f"must have at least {ctx['min_length']} {unit}"
        )
    if kind in ("literal_error", "enum"):
        return f"must be one of {ctx.get('expected', 'the listed values')}"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        return f"must be at {'least' if kind == 'greater_than_equal' else 'most'} {bound}"
    return _KIND_MESSAGES.get(kind, raw)


_KIND_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "is required",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "string_pattern_mismatch": "contains characters that are not allowed here",
    "none_required": "must be left out",
}


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """{"role": "member", "role": "admin"} means two things; the last one silently winning is how a filter
    in front of the API and the API come to disagree about a request."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise DuplicateKeyError(key)
        found[key] = value
    return found


class DuplicateKeyError(ValueError):
    pass


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")
