"""Adds compiled bytecode to the deployment zip, and finds a packaged module that lacks it.

Lambda unpacks the zip into /var/task, which is read-only: a module without its `.pyc` is compiled from
source on every cold start and the result thrown away (1,361 ms against the bare stack's 498 ms in issue
33's measurement). So every `.py` in the zip gets `__pycache__/<name>.<tag>.pyc` beside it, compiled by
`compileall` with:

- `UNCHECKED_HASH`: the `.pyc` carries a hash of its source and the import system does not compare it, so
  zip timestamps (which `chalice package` does not keep faithfully) never decide whether it is used;
- optimisation level 0: asserts and docstrings stay (checked: the OpenAPI document's summaries are the
  views' docstrings, api/http.py `register`, and pydantic's schemas the models'; services assert their
  invariants, which -O would drop);
- the interpreter running this step, which must be the Lambda runtime's (python3.11: same magic number and
  cache tag `cpython-311`); `chalice package` already packages wheels for the interpreter it runs on.

`missing_bytecode` is the check `make package` fails on: a `.py` without its `.pyc`, or with one for
another Python, another invalidation mode, or another source.
"""

from __future__ import annotations

import compileall
import importlib.util
import py_compile
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

# Where Lambda unpacks the zip: the path tracebacks show (the import system sets the real one on load).
LAMBDA_ROOT = "/var/task"
# A `.pyc` header: magic (4 bytes), flags (4: bit 0 hash-based, bit 1 checked), source hash (8).
HASH_BASED, CHECK_SOURCE = 0b01, 0b10


class CompileError(Exception):
    """Modules of the zip that do not compile: a syntax error the runtime would meet on import."""

    def __init__(self, modules: list[str]) -> None:
        super().__init__(", ".join(modules))
        self.modules = modules


def pyc_name(source: str, tag: str | None = None) -> str:
    """The zip entry the import system reads for `source`: `a/b.py` -> `a/__pycache__/b.<tag>.pyc`."""
    path = PurePosixPath(source)
    cache_tag = tag or sys.implementation.cache_tag
    return str(path.parent / "__pycache__" / f"{path.stem}.{cache_tag}.pyc").removeprefix("./")


def _compiled(archive: zipfile.ZipFile, sources: list[zipfile.ZipInfo]) -> dict[str, bytes]:
    """source entry -> its `.pyc`, compiled by compileall in a scratch directory; `CompileError` naming
    the modules that do not compile."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for info in sources:
            archive.extract(info, root)
        ok = compileall.compile_dir(
            root,
            ddir=LAMBDA_ROOT,
            quiet=2,
            optimize=0,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        found = {info.filename: root / pyc_name(info.filename) for info in sources}
        broken = sorted(name for name, pyc in found.items() if not pyc.exists())
        if not ok or broken:
            raise CompileError(broken or ["(compileall failed)"])
        return {name: pyc.read_bytes() for name, pyc in found.items()}


def _cached(name: str) -> bool:
    return "__pycache__" in PurePosixPath(name).parts[:-1] and name.endswith(".pyc")


def add_bytecode(path: Path) -> int:
    """Rewrite the zip at `path` with each `.py`'s `.pyc` right after it (same date, same permissions; the
    same input gives the same output), dropping the `__pycache__` files it had (chalice packages the source
    tree's own, compiled by whatever ran it last); the number of modules compiled."""
    rewritten = path.with_suffix(".pyc.zip")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w") as target:
        entries = [info for info in source.infolist() if not _cached(info.filename)]
        sources = [info for info in entries if info.filename.endswith(".py")]
        bytecode = _compiled(source, sources)
        for info in entries:
            target.writestr(info, source.read(info), compress_type=info.compress_type)
            if info.filename in bytecode:
                pyc = zipfile.ZipInfo(pyc_name(info.filename), info.date_time)
                pyc.external_attr = info.external_attr
                target.writestr(pyc, bytecode[info.filename], compress_type=zipfile.ZIP_DEFLATED)
    rewritten.replace(path)
    return len(sources)


def bytecode_problem(source: bytes, pyc: bytes | None) -> str | None:
    """Why `pyc` is not what the runtime should load for `source`, or None when it is."""
    if pyc is None:
        return "no .pyc"
    if pyc[:4] != importlib.util.MAGIC_NUMBER:
        return "compiled by another Python"
    flags = int.from_bytes(pyc[4:8], "little")
    if flags != HASH_BASED:  # hash-based and unchecked: nothing else is trusted on a read-only /var/task
        return "not an unchecked-hash .pyc"
    if pyc[8:16] != importlib.util.source_hash(source):
        return "compiled from another source"
    return None


def missing_bytecode(path: Path) -> list[str]:
    """`module: why` for each `.py` in the zip the runtime would compile on import, sorted; empty when
    every one has its current `.pyc`."""
    problems = []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        for name in sorted(n for n in names if n.endswith(".py")):
            cached = pyc_name(name)
            pyc = archive.read(cached) if cached in names else None
            problem = bytecode_problem(archive.read(name), pyc)
            if problem:
                problems.append(f"{name}: {problem}")
    return problems
