"""Annotates the tests mechanically for mypy --strict, changing no behaviour: only annotations and the imports
they need are added, and nothing already annotated is touched, so it is safe to run again (after merges).

- every function that returns no value and has no return annotation gets `-> None` (tests included);
- a fixture gets its annotation: `-> None` or `-> Iterator[None]` when it gives no value, and a yield
  fixture annotated `-> X` becomes `-> Iterator[X]`;
- the parameters of tests and fixtures are typed: a `parametrize` argument from its literal values (`str`,
  `int | str`, ...), a fixture from its fixture's return annotation (the test module's own fixtures first,
  then the conftest.py files up to the root), pytest's own fixtures from BUILTIN below;
- a helper function's parameter named like a project fixture (`api`, `deps`, `world`) gets that type;
- the imports those types need are added: the standard library's and pytest's as ordinary imports, the
  project's and other packages' under `if TYPE_CHECKING:` (so no test imports anything more at run time).

Then ruff sorts the imports and formats the files changed. What it cannot know is left as it was and
listed: fixtures that return a value and have no annotation, and parameters it found no type for; mypy
names what is left to do by hand. With --present it then runs mypy and wraps the store's optional reads a
test uses as found in present(...) (scripts/codemod_present.py).

    .venv/bin/python -m scripts.annotate_tests            # tests, scripts and bench
    .venv/bin/python -m scripts.annotate_tests tests/api  # or only some files or folders
    .venv/bin/python -m scripts.annotate_tests --present  # and present(...) where mypy finds X | None used
"""

from __future__ import annotations

import argparse
import ast
import builtins
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scripts.codemod_present import wrap_optional_reads
from scripts.codemod_source import Binding, Source, module_name
from scripts.codemod_types import given, made_class, parametrized_types, yields

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATHS = ("tests", "scripts", "bench")
_PYTEST = Binding("pytest", None, "pytest")
_PATH = Binding("pathlib", "Path", "Path")
_CAPTURE_STR = ("pytest.CaptureFixture[str]", (_PYTEST,))
BUILTIN: dict[str, tuple[str, tuple[Binding, ...]]] = {
    "tmp_path": ("Path", (_PATH,)),
    "tmp_path_factory": ("pytest.TempPathFactory", (_PYTEST,)),
    "monkeypatch": ("pytest.MonkeyPatch", (_PYTEST,)),
    "request": ("pytest.FixtureRequest", (_PYTEST,)),
    "capsys": _CAPTURE_STR,
    "capfd": _CAPTURE_STR,
    "capsysbinary": ("pytest.CaptureFixture[bytes]", (_PYTEST,)),
    "capfdbinary": ("pytest.CaptureFixture[bytes]", (_PYTEST,)),
    "caplog": ("pytest.LogCaptureFixture", (_PYTEST,)),
    "recwarn": ("pytest.WarningsRecorder", (_PYTEST,)),
    "pytestconfig": ("pytest.Config", (_PYTEST,)),
    "pytester": ("pytest.Pytester", (_PYTEST,)),
    "cache": ("pytest.Cache", (_PYTEST,)),
    "subtests": ("pytest.Subtests", (_PYTEST,)),
}
_ITERATOR = Binding("collections.abc", "Iterator", "Iterator")
_WRAPPERS = ("Iterator", "Generator", "Iterable", "AsyncIterator", "AsyncGenerator")

Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class Fixture:
    """A fixture's value type as written where it is defined, and the bindings its names need."""

    text: str
    needs: tuple[Binding, ...]


def is_fixture(node: Function) -> bool:
    return any("fixture" in ast.unparse(d).split("(")[0].split(".")[-1] for d in node.decorator_list)


def fixture_type(source: Source, node: Function) -> Fixture | None:
    """The value a fixture gives, from its return annotation (unwrapped from Iterator[...] and the like), or
    when it has none, from the class it plainly makes (codemod_types.made_class)."""
    if node.returns is None:
        return _made_type(source, node)
    value = node.returns
    if isinstance(value, ast.Subscript) and ast.unparse(value.value).split(".")[-1] in _WRAPPERS:
        value = value.slice.elts[0] if isinstance(value.slice, ast.Tuple) else value.slice
    if any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in ast.walk(value)):
        return None  # a quoted annotation: its names are not resolved here
    needs: list[Binding] = []
    for name in (n.id for n in ast.walk(value) if isinstance(n, ast.Name)):
        if hasattr(builtins, name):
            continue
        binding = source.bindings.get(name)
        if binding is None:
            return None
        needs.append(binding)
    return Fixture(source.segment(value), tuple(needs))


def _made_type(source: Source, node: Function) -> Fixture | None:
    values = given(node)
    if not values:
        return Fixture("None", ())
    names = {made_class(node, v) for v in values}
    name = names.pop() if len(names) == 1 else None
    binding = source.bindings.get(name) if name else None
    return Fixture(name, (binding,)) if name and binding else None


def module_fixtures(source: Source) -> dict[str, Fixture | None]:
    return {
        node.name: fixture_type(source, node)
        for node in source.tree.body
        if isinstance(node, Function) and is_fixture(node)
    }


class Annotator:
    """Every file under the roots read once; fixtures looked up as pytest does, nearest definition first."""

    def __init__(self, files: list[Path], root: Path = ROOT) -> None:
        self.root = root
        self.sources = {path: Source(path, module_name(path, root), path.read_text()) for path in files}
        self.fixtures = {path: module_fixtures(s) for path, s in self.sources.items()}
        self.unknown: list[str] = []

    def in_scope(self, path: Path) -> dict[str, Fixture | None]:
        """The fixtures a module sees: conftest.py files from the root down, then its own."""
        scope: dict[str, Fixture | None] = {}
        for folder in reversed([path.parent, *path.parent.parents]):
            conftest = folder / "conftest.py"
            if conftest in self.fixtures and conftest != path:
                scope.update(self.fixtures[conftest])
            elif conftest not in self.fixtures and conftest.is_file() and folder.is_relative_to(self.root):
                scope.update(
                    module_fixtures(Source(conftest, module_name(conftest, self.root), conftest.read_text()))
                )
        scope.update(self.fixtures.get(path, {}))
        return scope

    def annotate(self, path: Path) -> bool:
        source = self.sources[path]
        scope = self.in_scope(path)
        is_test_module = path.name.startswith("test_") or path.name == "conftest.py"
        for node, kind in _functions(source.tree):
            if kind == "test" and not is_test_module:
                kind = "helper"
            self._returns(source, node, kind)
            self._parameters(source, node, kind, scope, is_test_module)
        return bool(source.edits or source.wanted)

    def _returns(self, source: Source, node: Function, kind: str) -> None:
        if kind == "fixture":
            self._fixture_returns(source, node)
        elif node.returns is None and not given(node) and not yields(node):
            source.insert(*source.signature_end(node), " -> None")

    def _fixture_returns(self, source: Source, node: Function) -> None:
        written = node.returns
        if written is not None:
            wrapped = ast.unparse(written).split("[")[0].split(".")[-1] in _WRAPPERS
            if yields(node) and not wrapped and source.want(_ITERATOR):
                text = f"Iterator[{source.segment(written)}]"
                source.insert(written.lineno, written.col_offset, text, written.end_col_offset)
            return
        made = _made_type(source, node)
        if made is None:
            self.unknown.append(f"{source.path}:{node.lineno}: fixture {node.name} has no return annotation")
        elif not yields(node):
            source.insert(*source.signature_end(node), f" -> {made.text}")
        elif source.want(_ITERATOR):
            source.insert(*source.signature_end(node), f" -> Iterator[{made.text}]")

    def _parameters(
        self, source: Source, node: Function, kind: str, scope: dict[str, Fixture | None], test_module: bool
    ) -> None:
        literal = parametrized_types(node, source.tree) if kind == "test" else {}
        arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        for index, argument in enumerate(arguments):
            if argument.annotation is not None or (index == 0 and argument.arg in ("self", "cls")):
                continue
            found = self._type_of(argument.arg, kind, scope, literal, test_module)
            if found is not None and all(source.want(b) for b in found.needs):
                source.insert(argument.lineno, argument.end_col_offset or 0, f": {found.text}")
            elif kind in ("test", "fixture"):
                self.unknown.append(f"{source.path}:{argument.lineno}: {node.name}({argument.arg})")

    @staticmethod
    def _type_of(
        name: str,
        kind: str,
        scope: dict[str, Fixture | None],
        literal: dict[str, str | None],
        test_module: bool,
    ) -> Fixture | None:
        if name in literal:
            text = literal[name]
            return None if text is None else Fixture(text, ())
        if kind == "helper":
            return scope.get(name) if test_module else None
        if name in scope:
            return scope[name]
        if name in BUILTIN:
            text, needs = BUILTIN[name]
            return Fixture(text, needs)
        return None


def _functions(tree: ast.Module) -> Iterator[tuple[Function, str]]:
    """Every function with its kind: a test, a fixture or a helper (anything else, nested ones included)."""
    tests: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            tests.update(id(n) for n in node.body if isinstance(n, Function) and n.name.startswith("test"))
        elif isinstance(node, Function) and node.name.startswith("test"):
            tests.add(id(node))
    for child in ast.walk(tree):
        if isinstance(child, Function):
            yield child, "test" if id(child) in tests else "fixture" if is_fixture(child) else "helper"


def python_files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for name in paths:
        path = (ROOT / name).resolve()
        found.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return [p for p in found if ".venv" not in p.parts]


def _tidy(changed: list[Path]) -> None:
    """ruff sorts the imports added and formats the lines changed (the files were ruff-clean before)."""
    ruff = str(Path(sys.executable).parent / "ruff")
    files = [str(p) for p in changed]
    subprocess.run([ruff, "check", "--quiet", "--fix", "--select", "I", *files], check=False)
    subprocess.run([ruff, "format", "--quiet", *files], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*", default=list(DEFAULT_PATHS))
    parser.add_argument("--no-ruff", action="store_true", help="leave the imports unsorted, unformatted")
    parser.add_argument("--present", action="store_true", help="then wrap optional reads mypy finds")
    arguments = parser.parse_args(argv)
    annotator = Annotator(python_files(arguments.paths))
    changed = [path for path in annotator.sources if annotator.annotate(path)]
    for path in changed:
        path.write_text(annotator.sources[path].rendered())
    if changed and not arguments.no_ruff:
        _tidy(changed)
    print(f"annotated {len(changed)} files")
    for line in annotator.unknown:
        print(f"left for a hand: {line}")
    if arguments.present:
        wrapped = wrap_optional_reads(ROOT, arguments.paths)
        if wrapped and not arguments.no_ruff:
            _tidy(wrapped)
        print(f"wrapped optional reads in present(...) in {len(wrapped)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
