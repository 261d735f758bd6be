"""The package step adds each module's bytecode for the runtime's Python, the runtime loads it without
looking at the source (Lambda's /var/task is read-only and zip timestamps are not trusted), asserts and
docstrings survive it, and `make package` fails on a module that lacks it."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from scripts.compile_package import add_bytecode, missing_bytecode, pyc_name
from scripts.slim_package import main

MODULE = b"""\"\"\"Read by the code: the docstring must survive.\"\"\"

VALUE = 1


def check(x):
    assert x, "no"
"""
ENTRIES = {"app.py": b"import pkg.mod\n", "pkg/__init__.py": b"", "pkg/mod.py": MODULE, "pkg/data.txt": b"x"}
TAG = sys.implementation.cache_tag


def _zip(path: Path, entries: dict[str, bytes] = ENTRIES) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as built:
        for name, data in entries.items():
            built.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data)
    return path


def _run(directory: Path, code: str) -> str:
    """A fresh interpreter in the unpacked function, as Lambda runs it: no site-packages, no writes."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-S", "-c", code], cwd=directory, capture_output=True, text=True, env=env, check=True
    )
    return done.stdout.strip()


def test_every_module_gets_its_bytecode_beside_it_in_the_import_systems_place(tmp_path: Path) -> None:
    path = _zip(tmp_path / "deployment.zip")
    assert missing_bytecode(path) == [
        f"{name}: no .pyc" for name in ("app.py", "pkg/__init__.py", "pkg/mod.py")
    ]
    assert add_bytecode(path) == 3
    with zipfile.ZipFile(path) as built:
        names = built.namelist()
        pyc = built.read(f"pkg/__pycache__/mod.{TAG}.pyc")
    assert names == [
        "app.py", f"__pycache__/app.{TAG}.pyc",
        "pkg/__init__.py", f"pkg/__pycache__/__init__.{TAG}.pyc",
        "pkg/mod.py", f"pkg/__pycache__/mod.{TAG}.pyc",
        "pkg/data.txt",
    ]  # fmt: skip
    assert pyc[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(pyc[4:8], "little") == 0b01  # hash-based, source not checked
    assert pyc[8:16] == importlib.util.source_hash(MODULE)
    assert missing_bytecode(path) == []
    assert pyc_name("a/b.py", "cpython-311") == "a/__pycache__/b.cpython-311.pyc"


def test_the_runtime_loads_the_bytecode_without_reading_the_source_and_keeps_asserts_and_docstrings(
    tmp_path: Path,
) -> None:
    path = _zip(tmp_path / "deployment.zip")
    add_bytecode(path)
    unpacked = tmp_path / "task"
    with zipfile.ZipFile(path) as built:
        built.extractall(unpacked)
    # The source changed after compiling: an unchecked-hash .pyc is still what runs (no stat, no hash).
    (unpacked / "pkg" / "mod.py").write_bytes(MODULE.replace(b"VALUE = 1", b"VALUE = 2"))
    code = (
        "import app, pkg.mod as m\n"
        "try:\n    m.check(0)\nexcept AssertionError:\n    print('assert kept')\n"
        "print(m.VALUE, m.__doc__, m.__cached__.endswith('.pyc'))"
    )
    assert _run(unpacked, code).splitlines() == [
        "assert kept",
        f"1 Read by the code: the docstring must survive. {True}",
    ]


def test_stale_caches_are_replaced_and_a_sourceless_module_is_left_alone(tmp_path: Path) -> None:
    stale = f"pkg/__pycache__/mod.{TAG}.pyc"
    path = _zip(tmp_path / "deployment.zip", {**ENTRIES, stale: b"stale", "legacy.pyc": b"sourceless"})
    add_bytecode(path)
    with zipfile.ZipFile(path) as built:
        assert built.namelist().count(stale) == 1 and built.read(stale) != b"stale"
        assert built.read("legacy.pyc") == b"sourceless"
    assert missing_bytecode(path) == []


def test_the_same_zip_compiles_to_the_same_bytes(tmp_path: Path) -> None:
    first, second = _zip(tmp_path / "a.zip"), _zip(tmp_path / "b.zip")
    add_bytecode(first)
    add_bytecode(second)
    assert first.read_bytes() == second.read_bytes()
    add_bytecode(first)  # a second pass replaces the .pyc files, it does not add more
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(
    ("pyc", "problem"),
    [
        (None, "no .pyc"),
        (b"\x00\x00\x00\x00" + bytes(12), "compiled by another Python"),
        (importlib.util.MAGIC_NUMBER + bytes(12), "not an unchecked-hash .pyc"),  # timestamp-based
        (importlib.util.MAGIC_NUMBER + (0b11).to_bytes(4, "little") + bytes(8), "not an unchecked-hash .pyc"),
        (
            importlib.util.MAGIC_NUMBER + (0b01).to_bytes(4, "little") + bytes(8),
            "compiled from another source",
        ),
    ],
)
def test_bytecode_the_runtime_would_not_use_as_is_fails_the_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pyc: bytes | None, problem: str
) -> None:
    entries = {"app.py": b"VALUE = 1\n"}
    if pyc is not None:
        entries[f"__pycache__/app.{TAG}.pyc"] = pyc
    path = _zip(tmp_path / "deployment.zip", entries)
    assert missing_bytecode(path) == [f"app.py: {problem}"]


def test_make_package_fails_when_a_module_does_not_compile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _zip(tmp_path / "deployment.zip", {**ENTRIES, "pkg/broken.py": b"def (:\n"})
    assert main([str(path), "--max-mb", "8"]) == 1
    assert "pkg/broken.py" in capsys.readouterr().err


def test_make_package_compiles_then_passes_its_own_check(tmp_path: Path) -> None:
    path = _zip(tmp_path / "deployment.zip")
    assert main([str(path), "--max-mb", "8"]) == 0
    assert missing_bytecode(path) == []
