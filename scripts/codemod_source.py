"""One Python file as scripts/annotate_tests.py edits it: its syntax tree, the names its top level binds
(and where each comes from, so a type written in one module can be imported into another), text insertions
at the tree's positions, and the imports an edit needs. Standard library only (ast and tokenize): the
codemod runs in the project's virtualenv, which has no libcst."""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

# Imports that cost nothing at run time where the tests run (the standard library and pytest, loaded
# already): written as ordinary imports. Any other module an annotation names is imported for mypy alone,
# under `if TYPE_CHECKING:`, so annotating a test never changes what it imports.
RUNTIME_MODULES = ("pytest", "pathlib", "collections.abc", "typing", "types")


@dataclass(frozen=True)
class Binding:
    """How a top-level name came to be: `import module` (name None), `from module import name`, or defined in
    the file itself (module is then the file's own module and local is True)."""

    module: str
    name: str | None
    alias: str
    local: bool = False

    def statement(self) -> str:
        if self.name is None:
            return f"import {self.module}" + (
                "" if self.alias == self.module.split(".")[0] else f" as {self.alias}"
            )
        suffix = "" if self.alias == self.name else f" as {self.alias}"
        return f"from {self.module} import {self.name}{suffix}"

    def same_as(self, other: Binding) -> bool:
        """The same object under the same name: one module may re-export another's (tests.helpers re-exports
        tests.helpers.clock's Clock), so an imported name counts as the same if it is imported as itself."""
        if self.local or other.local:
            return self.module == other.module and self.alias == other.alias
        return self.alias == other.alias and self.name == other.name


def module_name(path: Path, root: Path) -> str:
    parts = list(path.resolve().relative_to(root.resolve()).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
    return ".".join([*base, *([node.module] if node.module else [])])


@dataclass
class Source:
    path: Path
    module: str
    text: str
    tree: ast.Module = field(init=False)
    bindings: dict[str, Binding] = field(init=False)
    edits: list[tuple[int, int, int, str]] = field(default_factory=list)  # line, start col, end col, text
    wanted: dict[str, Binding] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tree = ast.parse(self.text)
        self.bindings = self._top_level_bindings()

    def _top_level_bindings(self) -> dict[str, Binding]:
        found: dict[str, Binding] = {}
        for node in _top_level(self.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    name = alias.asname or alias.name.split(".")[0]
                    found[name] = Binding(alias.name, None, name)
            elif isinstance(node, ast.ImportFrom):
                origin = _absolute(node, self.module, self.path.name == "__init__.py")
                for alias in node.names:
                    found[alias.asname or alias.name] = Binding(
                        origin, alias.name, alias.asname or alias.name
                    )
            else:
                for name in _defined_names(node):
                    found[name] = Binding(self.module, name, name, local=True)
        return found

    @property
    def has_future_annotations(self) -> bool:
        return any(
            isinstance(n, ast.ImportFrom)
            and n.module == "__future__"
            and any(a.name == "annotations" for a in n.names)
            for n in self.tree.body
        )

    def segment(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.text, node) or ""

    def insert(self, line: int, byte_col: int, text: str, end_byte_col: int | None = None) -> None:
        self.edits.append((line, byte_col, byte_col if end_byte_col is None else end_byte_col, text))

    def want(self, binding: Binding) -> bool:
        """Whether `binding`'s name means the same here (already or by an import to add); not on a clash."""
        present = self.bindings.get(binding.alias) or self.wanted.get(binding.alias)
        if present is None:
            self.wanted[binding.alias] = binding
            return True
        return present.same_as(binding)

    def signature_end(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[int, int]:
        """(line, byte column) just after the parenthesis closing `node`'s parameters."""
        lines = self.text.splitlines(keepends=True)
        chunk = "".join(lines[node.lineno - 1 :])
        depth = 0
        for token in tokenize.generate_tokens(io.StringIO(chunk).readline):
            if token.type == tokenize.OP and token.string == "(":
                depth += 1
            elif token.type == tokenize.OP and token.string == ")":
                depth -= 1
                if depth == 0:
                    line = node.lineno + token.end[0] - 1
                    return line, len(lines[line - 1][: token.end[1]].encode())
        raise ValueError(f"{self.path}:{node.lineno}: no closing parenthesis")

    def rendered(self) -> str:
        """The text with every edit and the imports wanted."""
        lines = self.text.splitlines(keepends=True)
        for line, start, end, text in sorted(self.edits, reverse=True):
            raw = lines[line - 1].encode()
            lines[line - 1] = (raw[:start] + text.encode() + raw[end:]).decode()
        return _with_imports("".join(lines), self, list(self.wanted.values()))


def _top_level(tree: ast.Module) -> list[ast.stmt]:
    """The module's statements, with those of its `if` and `try` blocks (TYPE_CHECKING, optional imports)."""
    out: list[ast.stmt] = []
    for node in tree.body:
        out.append(node)
        if isinstance(node, ast.If | ast.Try):
            out.extend(n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom))
    return out


def _defined_names(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return []


def _with_imports(text: str, source: Source, wanted: list[Binding]) -> str:
    runtime = sorted(b.statement() for b in wanted if b.module.split(".")[0] in _runtime_roots(b))
    checking = sorted(b.statement() for b in wanted if b.statement() not in runtime)
    if not runtime and not checking:
        return text
    lines = text.splitlines(keepends=True)
    inserts: list[tuple[int, list[str]]] = []
    block = _type_checking_block(source.tree)
    if checking and block is not None:
        indent = " " * block.body[0].col_offset
        inserts.append((block.end_lineno or block.lineno, [f"{indent}{s}\n" for s in checking]))
        checking = []
    if checking and "TYPE_CHECKING" not in source.bindings:
        runtime.append("from typing import TYPE_CHECKING")
    added = [f"{s}\n" for s in runtime]
    if checking:
        added += ["\nif TYPE_CHECKING:\n", *(f"    {s}\n" for s in checking)]
    inserts.append((_after_imports(source.tree), added))
    for at, new in sorted(inserts, key=lambda i: i[0], reverse=True):
        lines[at:at] = new
    if checking and not source.has_future_annotations:
        first = _after_docstring(source.tree)
        lines[first:first] = ["from __future__ import annotations\n"]
    return "".join(lines)


def _runtime_roots(binding: Binding) -> tuple[str, ...]:
    return tuple(m.split(".")[0] for m in RUNTIME_MODULES) if not binding.local else ()


def _type_checking_block(tree: ast.Module) -> ast.If | None:
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            return node
    return None


def _after_imports(tree: ast.Module) -> int:
    """The line index after the module's last top-level import (after its docstring if it has none)."""
    ends = [n.end_lineno or n.lineno for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    return max(ends) if ends else _after_docstring(tree)


def _after_docstring(tree: ast.Module) -> int:
    first = tree.body[0] if tree.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return first.end_lineno or first.lineno
    return 0
