"""scripts/annotate_tests.py on a small tree of its own: what it writes, and that a second run writes
nothing more (the lead runs it again after every merge)."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from scripts.annotate_tests import Annotator
from scripts.codemod_present import optional_reads, wrapped

CONFTEST = """
from __future__ import annotations

import pytest

from tests.helpers import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ticking(clock) -> Clock:
    yield clock


@pytest.fixture
def quiet():
    yield
"""

MODULE = '''
"""A test module."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("name, count", [("a", 1), pytest.param("b", "two")])
def test_counted(name, count, tmp_path, monkeypatch):
    assert name


def test_ticking(ticking, quiet):
    ticking.advance(seconds=1)


def helper(clock, other):
    return clock
'''


def _tree(root: Path) -> tuple[Path, Path]:
    package = root / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    conftest, module = package / "conftest.py", package / "test_mod.py"
    conftest.write_text(textwrap.dedent(CONFTEST).lstrip())
    module.write_text(textwrap.dedent(MODULE).lstrip())
    return conftest, module


def _run(root: Path, files: list[Path]) -> tuple[dict[Path, str], list[str]]:
    annotator = Annotator(files, root)
    changed = {path: annotator.sources[path].rendered() for path in files if annotator.annotate(path)}
    for path, text in changed.items():
        path.write_text(text)
    return changed, annotator.unknown


def test_tests_and_fixtures_are_typed_from_the_fixtures_and_the_parametrized_values(tmp_path: Path) -> None:
    conftest, module = _tree(tmp_path)
    changed, unknown = _run(tmp_path, [conftest, module])
    assert set(changed) == {conftest, module}
    fixtures, tests = conftest.read_text(), module.read_text()
    assert "def ticking(clock: Clock) -> Iterator[Clock]:" in fixtures  # typed as what it yields
    assert "def quiet() -> Iterator[None]:" in fixtures
    assert "from collections.abc import Iterator" in fixtures
    assert (
        "def test_counted(name: str, count: int | str, tmp_path: Path, "
        "monkeypatch: pytest.MonkeyPatch) -> None:" in tests
    )
    assert "def test_ticking(ticking: Clock, quiet: None) -> None:" in tests
    assert "def helper(clock: Clock, other):" in tests  # a helper's parameter named as a fixture only
    # the types only the annotations need are imported for mypy alone; the standard library's at run time
    assert "if TYPE_CHECKING:\n    from tests.helpers import Clock" in tests
    assert "from pathlib import Path" in tests
    ast.parse(tests), ast.parse(fixtures)  # still Python
    assert unknown == []  # a helper's other parameters are mypy's to name, not listed


def test_a_second_run_changes_nothing(tmp_path: Path) -> None:
    conftest, module = _tree(tmp_path)
    _run(tmp_path, [conftest, module])
    before = conftest.read_text(), module.read_text()
    changed, _ = _run(tmp_path, [conftest, module])
    assert changed == {}
    assert (conftest.read_text(), module.read_text()) == before


def test_what_it_cannot_know_is_left_and_listed(tmp_path: Path) -> None:
    conftest, module = _tree(tmp_path)
    module.write_text(
        module.read_text()
        + "\n\n@pytest.fixture\ndef made(clock):\n    return clock.current\n"
        + "\n\ndef test_made(made):\n    assert made\n"
    )
    _, unknown = _run(tmp_path, [conftest, module])
    text = module.read_text()
    assert "def made(clock: Clock):" in text  # its value's type is not written anywhere: left as it was
    assert "def test_made(made) -> None:" in text
    assert any(line.endswith("fixture made has no return annotation") for line in unknown)
    assert any(line.endswith("test_made(made)") for line in unknown)


READS = """from x import store


def test_it() -> None:
    user = store.get_user("u")
    assert user.email == "a"
    assert store.get_user("v").name == "b"
"""


def test_an_optional_read_mypy_flags_is_wrapped_in_present_where_it_is_read() -> None:
    mypy = "\n".join(
        [
            'tests/t.py:6:12:6:21: error: Item "None" of "U | None" has no attribute "email"  [union-attr]',
            'tests/t.py:7:12:7:35: error: Item "None" of "User | None" has no attribute "name"  [union-attr]',
            'tests/t.py:7:12:7:35: error: Item "str" of "Reply | str" has no attribute "name"  [union-attr]',
            'scripts/s.py:3:1:3:5: error: Item "None" of "X | None" has no attribute "y"  [union-attr]',
        ]
    )
    reads = optional_reads(mypy)
    assert list(reads) == ["tests/t.py"] and len(reads["tests/t.py"]) == 2  # only None, only the tests
    text = wrapped(READS, reads["tests/t.py"])
    assert 'user = present(store.get_user("u"))' in text  # where the name is assigned, once
    assert 'assert user.email == "a"' in text
    assert 'assert present(store.get_user("v")).name == "b"' in text
    assert "from x import store\nfrom tests.helpers.present import present\n" in text
    assert wrapped(text, []) == text
