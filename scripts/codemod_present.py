"""`python -m scripts.annotate_tests --present`: after the annotations, where mypy finds a test reading or
passing an item the store answered as `X | None` (union-attr "Item "None" of ...", arg-type "X | None";
expected "X"), the read is wrapped in tests/helpers/present.py's `present(...)`, which asserts the item
was found: the test failed there before too (None has no attribute), now with that message. A name
assigned once from a call, and never compared with None in its function, is wrapped where it is assigned.
Only test files under tests/ are changed; what else mypy reports is left for a hand."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ERROR = re.compile(
    r"^(?P<path>tests/\S+?):(?P<line>\d+):(?P<col>\d+):(?P<end_line>\d+):(?P<end_col>\d+): error: "
    r"(?P<message>.*)\[(?P<code>union-attr|arg-type)\]$"
)
ARGUMENT = re.compile(r'has incompatible type "(?P<given>.*) \| None"; expected "(?P<wanted>.*)"')
IMPORT = "from tests.helpers.present import present\n"
Span = tuple[int, int, int, int]  # line, column, end line, end column (the AST's)


def optional_reads(mypy_output: str) -> dict[str, list[tuple[Span, str]]]:
    """Each file's spans mypy flags as an optional item used as if found, with the error's code."""
    found: dict[str, list[tuple[Span, str]]] = defaultdict(list)
    for line in mypy_output.splitlines():
        match = ERROR.match(line.strip())
        if match is None or match["path"].endswith("helpers/present.py"):
            continue
        if match["code"] == "union-attr" and not match["message"].startswith('Item "None" of'):
            continue
        argument = ARGUMENT.search(match["message"])
        if match["code"] == "arg-type" and (argument is None or argument["given"] != argument["wanted"]):
            continue
        span = (int(match["line"]), int(match["col"]) - 1, int(match["end_line"]), int(match["end_col"]))
        found[match["path"]].append((span, match["code"]))
    return found


def _span(node: ast.expr) -> Span:
    return (node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or 0)


def _assigned_from(tree: ast.Module, name: ast.Name) -> ast.expr | None:
    """The call a name was last assigned from in its function, unless the function compares it with None."""
    owners = [
        f
        for f in ast.walk(tree)
        if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
        and f.lineno <= name.lineno <= (f.end_lineno or 0)
    ]
    scope: ast.AST = min(owners, key=lambda f: (f.end_lineno or 0) - f.lineno) if owners else tree
    assigned = [
        a
        for a in ast.walk(scope)
        if isinstance(a, ast.Assign)
        and [ast.unparse(t) for t in a.targets] == [name.id]
        and a.lineno < name.lineno
    ]
    compared = any(
        isinstance(c, ast.Compare)
        and ast.unparse(c.left) == name.id
        and any(isinstance(x, ast.Constant) and x.value is None for x in c.comparators)
        for c in ast.walk(scope)
    )
    last = max(assigned, key=lambda a: a.lineno) if assigned else None
    return last.value if last is not None and not compared and isinstance(last.value, ast.Call) else None


def wrapped(text: str, reads: list[tuple[Span, str]]) -> str:
    """`text` with each flagged read wrapped in present(...) (once each) and the import it needs."""
    tree = ast.parse(text)
    nodes = {_span(n): n for n in ast.walk(tree) if isinstance(n, ast.expr)}
    targets: dict[Span, ast.expr] = {}
    for span, code in reads:
        node = nodes.get(span)
        if node is None or (code == "union-attr" and not isinstance(node, ast.Attribute)):
            continue
        target = node.value if isinstance(node, ast.Attribute) and code == "union-attr" else node
        if isinstance(target, ast.Name):
            target = _assigned_from(tree, target) or target
        targets[_span(target)] = target
    lines = text.splitlines(keepends=True)
    inserts = [(s[0], s[1], 1, "present(") for s in targets] + [(s[2], s[3], 0, ")") for s in targets]
    for line, column, _, piece in sorted(inserts, reverse=True):
        raw = lines[line - 1].encode()
        lines[line - 1] = (raw[:column] + piece.encode() + raw[column:]).decode()
    bound = {a.asname or a.name for n in tree.body if isinstance(n, ast.ImportFrom) for a in n.names}
    if targets and "present" not in bound:
        ends = [n.end_lineno or n.lineno for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
        lines.insert(max(ends, default=0), IMPORT)
    return "".join(lines)


def wrap_optional_reads(root: Path, paths: list[str]) -> list[Path]:
    """Runs mypy over `paths` and wraps what it flags; the files changed."""
    mypy = Path(sys.executable).parent / "mypy"
    output = subprocess.run(
        [str(mypy), "--show-error-end", *paths], cwd=root, capture_output=True, text=True, check=False
    ).stdout
    changed = []
    for name, reads in optional_reads(output).items():
        path = root / name
        text = path.read_text()
        after = wrapped(text, reads)
        if after != text:
            path.write_text(after)
            changed.append(path)
    return changed
