"""The routes' laziness lives in one module (chalicelib/api/lazy.py): each name it declares stands in, at run
time, for the very module its type-checking import names, and no route module declares laziness of its own
or names a module in a string."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

import pytest

from chalicelib.api import lazy
from chalicelib.api.lazy import LazyModels, LazyModule

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = ROOT / "chalicelib/api/lazy.py"
ROUTE_MODULES = sorted(p for p in (ROOT / "chalicelib/api").glob("*.py") if p != REGISTRY)


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def declared() -> list[tuple[str, str]]:
    """(name, module) for each import of the registry's TYPE_CHECKING block: what mypy checks the routes
    against."""
    tree = ast.parse(REGISTRY.read_text())
    block = next(node for node in tree.body if isinstance(node, ast.If) and _is_type_checking(node))
    return [
        (alias.asname or alias.name, f"{node.module}.{alias.name}")
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]


def test_every_name_a_route_module_imports_from_the_registry_is_declared_there_once() -> None:
    names = [name for name, _ in declared()]
    assert len(set(names)) == len(names)
    imported = {
        alias.name
        for path in ROUTE_MODULES
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.module == "chalicelib.api.lazy"
        for alias in node.names
    }
    stand_ins = imported - {"LazyModels", "LazyModule", "ModelRef"}
    assert {"members", "members_schemas", "authentication", "webhooks_schemas"} <= stand_ins
    assert stand_ins <= set(names)


@pytest.mark.parametrize(("name", "module"), declared(), ids=[name for name, _ in declared()])
def test_each_name_stands_in_for_the_module_its_import_names(name: str, module: str) -> None:
    stand_in = getattr(lazy, name)  # what `from chalicelib.api.lazy import <name>` gets at run time
    kind = LazyModels if module.startswith("chalicelib.schemas.") else LazyModule
    assert isinstance(stand_in, kind)
    assert stand_in._name == module
    assert importlib.util.find_spec(module) is not None


def test_a_stand_in_loads_its_module_at_the_first_read_and_keeps_it() -> None:
    sys.modules.pop("colorsys", None)  # a standard module nothing here needs
    stand_in = LazyModule("colorsys")
    assert "colorsys" not in sys.modules
    converted = stand_in.rgb_to_hsv(1.0, 0.0, 0.0)
    assert "colorsys" in sys.modules
    assert converted == (0.0, 1.0, 1.0)
    assert stand_in.rgb_to_hsv is sys.modules["colorsys"].rgb_to_hsv


def test_models_are_named_without_importing_them() -> None:
    unimportable = LazyModels("chalicelib.schemas.no_such_module").Anything  # naming imports nothing
    assert (unimportable.module, unimportable.name) == ("chalicelib.schemas.no_such_module", "Anything")
    with pytest.raises(ModuleNotFoundError):
        unimportable.resolve()
    from chalicelib.schemas.support_sessions import SupportSessionCreated

    proxy = lazy.support_sessions_schemas.SupportSessionCreated
    # typed as the class it stands for (chalicelib/api/lazy.py), it is the lazy reference at run time
    assert proxy.resolve() is SupportSessionCreated  # type: ignore[attr-defined]


def test_tools_probing_the_registry_find_no_module_behind_private_names() -> None:
    assert not hasattr(lazy, "__path__")
    assert not hasattr(lazy, "_private")


@pytest.mark.parametrize("path", ROUTE_MODULES, ids=[p.name for p in ROUTE_MODULES])
def test_no_route_module_declares_laziness_of_its_own(path: Path) -> None:
    tree = ast.parse(path.read_text())
    own_blocks = [
        n.lineno for n in ast.walk(tree) if isinstance(n, ast.If) and _is_type_checking(n) and n.orelse
    ]
    stand_ins = [
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and getattr(n.func, "id", None) in {"LazyModule", "LazyModels", "ModelRef"}
    ]
    module_strings = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and str(n.value).startswith("chalicelib.")
    ]
    assert (own_blocks, stand_ins, module_strings) == ([], [], [])
