"""What scripts/annotate_tests.py reads off a function's own body (not its nested functions'): whether it
returns a value or yields, and the types of its `pytest.mark.parametrize` arguments when every value is a
literal (a `pytest.param(...)` read as its values; a name read as the module-level list or tuple it is)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_CONSTANTS = {bool: "bool", int: "int", float: "float", str: "str", bytes: "bytes", type(None): "None"}


def own_nodes(node: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """The nodes of the function's body, not those of functions or classes nested in it."""
    stack: list[ast.AST] = [c for c in node.body if not isinstance(c, _SCOPES)]
    while stack:
        child = stack.pop()
        yield child
        stack.extend(c for c in ast.iter_child_nodes(child) if not isinstance(c, _SCOPES))


def yields(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(n, ast.Yield | ast.YieldFrom) for n in own_nodes(node))


def given(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr]:
    """The values the function returns or yields (`return` and `yield` with no value or None left out)."""
    return [
        n.value
        for n in own_nodes(node)
        if isinstance(n, ast.Return | ast.Yield | ast.YieldFrom)
        and n.value is not None
        and ast.unparse(n.value) != "None"
    ]


def made_class(node: ast.FunctionDef | ast.AsyncFunctionDef, value: ast.expr) -> str | None:
    """The class a value is an instance of when it is plainly made there, `Receiver()` (or a variable
    assigned once from that): the name called, if it is written as classes are (CamelCase)."""
    if isinstance(value, ast.Name):
        assigned = [
            n.value
            for n in own_nodes(node)
            if isinstance(n, ast.Assign) and [ast.unparse(t) for t in n.targets] == [value.id]
        ]
        value = assigned[0] if len(assigned) == 1 else value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        name = value.func.id
        return name if name[0].isupper() and any(c.islower() for c in name) else None
    return None


def literal_type(node: ast.expr) -> str | None:
    """The type of a literal value: a constant, a negative number, an f-string or a string repeated."""
    if isinstance(node, ast.Constant):
        return _CONSTANTS.get(type(node.value))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = literal_type(node.operand)
        return inner if inner in ("int", "float") else None
    if isinstance(node, ast.JoinedStr):
        return "str"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Add):
        left, right = literal_type(node.left), literal_type(node.right)
        return "str" if "str" in (left, right) and {left, right} <= {"str", "int"} else None
    return None


def _union(types: list[str | None]) -> str | None:
    if not types or None in types:
        return None
    ordered = list(dict.fromkeys(t for t in types if t is not None))
    return " | ".join(sorted(ordered, key=lambda t: t == "None"))  # None last, as ruff's RUF036 wants


def _module_values(tree: ast.Module, name: str) -> ast.expr | None:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return node.value
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            return node.value
    return None


def _rows(values: ast.expr, tree: ast.Module) -> list[ast.expr] | None:
    if isinstance(values, ast.Name):
        found = _module_values(tree, values.id)
        return _rows(found, tree) if found is not None and not isinstance(found, ast.Name) else None
    if isinstance(values, ast.List | ast.Tuple):
        return list(values.elts)
    return None


def _columns(row: ast.expr, count: int) -> list[ast.expr] | None:
    if isinstance(row, ast.Call) and ast.unparse(row.func).split(".")[-1] == "param":
        return list(row.args) if len(row.args) == count else None
    if count == 1:
        return [row]
    if isinstance(row, ast.Tuple | ast.List) and len(row.elts) == count:
        return list(row.elts)
    return None


def _argnames(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [n.strip() for n in node.value.split(",") if n.strip()]
    if isinstance(node, ast.List | ast.Tuple):
        names = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return names if len(names) == len(node.elts) else None
    return None


def parametrized_types(
    node: ast.FunctionDef | ast.AsyncFunctionDef, tree: ast.Module
) -> dict[str, str | None]:
    """Each parametrized argument's type, None where a value is not a literal (or the marker's shape is
    not one read here): such an argument is never taken for a fixture of the same name."""
    found: dict[str, str | None] = {}
    for decorator in node.decorator_list:
        if not (isinstance(decorator, ast.Call) and ast.unparse(decorator.func).endswith("parametrize")):
            continue
        names = _argnames(decorator.args[0]) if decorator.args else None
        if names is None:
            continue
        indirect = any(k.arg == "indirect" for k in decorator.keywords)
        rows = _rows(decorator.args[1], tree) if len(decorator.args) > 1 and not indirect else None
        columns = [_columns(row, len(names)) for row in rows] if rows is not None else None
        for index, name in enumerate(names):
            if columns is None or any(c is None for c in columns):
                found[name] = None
            else:
                found[name] = _union([literal_type(c[index]) for c in columns if c is not None])
    return found
