"""README.md's architecture map is what scripts/architecture_map.py generates from the code, and the script
leaves out no module, layer or repository."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from scripts.architecture_map import BEGIN, COMMAND, END, README, current, main, render

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_map_is_what_the_code_generates() -> None:
    assert current(README.read_text()) == render(), (
        f"README.md's architecture map is out of date: run {COMMAND}"
    )


def test_the_map_lists_every_module_and_every_layer() -> None:
    generated = render()
    package = ROOT / "chalicelib"
    for path in package.rglob("*.py"):
        if path.name == "__init__.py" and not path.read_text().strip():
            continue
        relative = path.relative_to(package)
        heading = f"**`{relative.parts[0]}/`**" if len(relative.parts) > 1 else "**`chalicelib/` itself**"
        section = generated[generated.index(heading) :]
        within = Path(*relative.parts[1:]) if len(relative.parts) > 1 else relative
        assert f"- `{within.as_posix()}`: " in section.split("\n\n", 2)[1], relative
    for layer in (p.name for p in package.iterdir() if (p / "__init__.py").exists()):
        assert f"| `{layer}/` | " in generated


def test_the_map_lists_every_repository_of_the_store() -> None:
    classes = [n for p in (ROOT / "chalicelib/store").rglob("*.py") for n in ast.parse(p.read_text()).body]
    store = next(n for n in classes if isinstance(n, ast.ClassDef) and n.name == "Store")
    properties = [n.name for n in store.body if isinstance(n, ast.FunctionDef) and n.decorator_list]
    assert len(properties) >= 12
    generated = render()
    for name in properties:
        assert f"| `store.{name}` | " in generated


def test_the_check_fails_on_a_stale_map_and_the_command_rewrites_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "README.md"
    stale.write_text(f"# Title\n\n{BEGIN}\nan old map\n{END}\n\nAfter.\n")
    assert main(["--check", "--readme", str(stale)]) == 1
    assert COMMAND in capsys.readouterr().err
    assert main(["--readme", str(stale)]) == 0
    assert stale.read_text() == f"# Title\n\n{render()}\n\nAfter.\n"
    assert main(["--check", "--readme", str(stale)]) == 0
