"""SCIM PATCH (RFC 7644 §3.5.2) applied to a resource as JSON: add, replace and remove, with a path or
without (the value then names attributes, dotted or URN-prefixed keys included), value filters on
multi-valued attributes (`members[value eq "…"]`, `phoneNumbers[type eq "work"].value`), and what
Microsoft Entra sends: op names in any case ("Replace"), attribute names in any case. The result is read
like a PUT's body (domain/scim_users.py), so a PATCH is a replace of what it names. Pure."""

from __future__ import annotations

import copy
import re
from typing import Any

from chalicelib.domain.scim_discovery import EXTENSION, GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA
from chalicelib.domain.scim_errors import ScimError, ScimType
from chalicelib.domain.scim_filter import matches, parse_filter

Resource = dict[str, Any]
_PATH = re.compile(r"^(?P<attr>[A-Za-z][\w-]*)(?:\[(?P<filter>[^\]]+)\])?(?:\.(?P<sub>[A-Za-z][\w-]*))?$")
_CORE = (USER_SCHEMA + ":", GROUP_SCHEMA + ":")


def bad(detail: str, scim_type: ScimType = "invalidSyntax") -> ScimError:
    return ScimError(400, detail, scim_type)


def apply_patch(resource: Resource, body: Any) -> Resource:
    """`resource` with the request's operations applied, in order (a copy: `resource` is not changed)."""
    if not isinstance(body, dict) or not isinstance(body.get("Operations"), list):
        raise bad("A PATCH body has an Operations list.")
    schemas = body.get("schemas")
    if schemas is not None and PATCH_SCHEMA not in schemas:
        raise bad(f"A PATCH body's schemas is [{PATCH_SCHEMA!r}].")
    result = copy.deepcopy(resource)
    for operation in body["Operations"]:
        if not isinstance(operation, dict):
            raise bad("Each operation is an object.")
        _apply(result, operation)
    return result


def _apply(result: Resource, operation: dict[str, Any]) -> None:
    op = str(operation.get("op", "")).lower()
    if op not in ("add", "replace", "remove"):
        raise bad(f"Unknown op {operation.get('op')!r}: add, replace or remove.")
    path, value = operation.get("path"), operation.get("value")
    if path is None or path == "":
        if op == "remove":
            raise bad("A remove names its path.", "noTarget")
        if not isinstance(value, dict):
            raise bad("Without a path, the value is an object of attributes.", "invalidValue")
        for key, each in value.items():
            _at(result, str(key), op, each)
        return
    if not isinstance(path, str):
        raise bad("A path is a string.", "invalidPath")
    _at(result, path, op, value)


def _container(result: Resource, path: str) -> tuple[Resource | None, str]:
    """Where a path's attribute lives (the resource or its extension object) and its name there; None for
    another schema's attribute (ignored, as unknown attributes are)."""
    if path.lower().startswith(EXTENSION.lower() + ":"):
        return result.setdefault(EXTENSION, {}), path[len(EXTENSION) + 1 :]
    if path.lower() == EXTENSION.lower():
        return result, EXTENSION
    for core in _CORE:
        if path.lower().startswith(core.lower()):
            return result, path[len(core) :]
    if path.lower().startswith("urn:"):
        return None, path
    return result, path


def _key(container: Resource, name: str) -> str:
    """The key in `container` naming `name` in any case (attribute names are case-insensitive)."""
    return next((key for key in container if key.lower() == name.lower()), name)


def _at(result: Resource, path: str, op: str, value: Any) -> None:
    container, rest = _container(result, path)
    if container is None:
        return
    if rest == EXTENSION:  # the extension as a whole: each of its attributes
        if op == "remove":
            container.pop(_key(container, EXTENSION), None)
        elif isinstance(value, dict):
            for key, each in value.items():
                if key != "schemas":
                    _set(container.setdefault(EXTENSION, {}), key, op, each)
        return
    if "." in rest and "[" not in rest:  # name.givenName: a sub-attribute of a complex one
        head, sub = rest.split(".", 1)
        inner = container.setdefault(_key(container, head), {})
        if not isinstance(inner, dict):
            raise bad(f"{head!r} has no sub-attributes.", "invalidPath")
        _set(inner, sub, op, value)
        return
    found = _PATH.match(rest)
    if found is None:
        raise bad(f"Unsupported path {path!r}.", "invalidPath")
    if found["filter"] is None:
        _set(container, found["attr"], op, value)
        return
    _filtered(container, found["attr"], found["filter"], found["sub"], op, value)


def _set(container: Resource, name: str, op: str, value: Any) -> None:
    key = _key(container, name)
    if op == "remove":
        current = container.get(key)
        if isinstance(current, list) and isinstance(value, list):  # remove these values only
            gone = {_value_of(item) for item in value}
            container[key] = [item for item in current if _value_of(item) not in gone]
        elif isinstance(current, list):  # all its values: unassigned, the empty list (RFC 7643 §2.5)
            container[key] = []
        else:
            container.pop(key, None)
        return
    current = container.get(key)
    if op == "add" and isinstance(current, list):
        values = value if isinstance(value, list) else [value]
        known = {_value_of(item) for item in current}
        container[key] = current + [item for item in values if _value_of(item) not in known]
    elif op == "add" and isinstance(current, dict) and isinstance(value, dict):
        current.update(value)
    else:
        container[key] = value


def _value_of(item: Any) -> Any:
    return item.get("value") if isinstance(item, dict) else item


def _filtered(container: Resource, attr: str, text: str, sub: str | None, op: str, value: Any) -> None:
    """`attr[filter]` or `attr[filter].sub`: the entries of a multi-valued attribute the filter matches."""
    key = _key(container, attr)
    entries = container.get(key) or []
    if not isinstance(entries, list):
        raise bad(f"{attr!r} is not multi-valued.", "invalidPath")
    terms = parse_filter(
        text,
        {name for item in entries if isinstance(item, dict) for name in item} | {"value", "type", "display"},
    )

    def hit(item: Any) -> bool:
        return isinstance(item, dict) and all(matches(_get(item, name), wanted) for name, wanted in terms)

    if op == "remove" and sub is None:
        container[key] = [item for item in entries if not hit(item)]
        return
    chosen = [item for item in entries if hit(item)]
    if not chosen and op != "remove":  # nothing matches: a new entry with what the filter said
        made = {name: wanted for name, wanted in terms}
        entries.append(made)
        chosen = [made]
    for item in chosen:
        if sub is None:
            item.clear()
            item.update(value if isinstance(value, dict) else {"value": value})
        elif op == "remove":
            item.pop(_key(item, sub), None)
        else:
            item[_key(item, sub)] = value
    container[key] = entries


def _get(item: dict[str, Any], name: str) -> Any:
    return item.get(_key(item, name))
