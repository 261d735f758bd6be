"""The deployment zip as `make package` builds it: its size before and after the packaging step (slimmed,
then compiled: scripts/slim_package.py `prepare`), and the cold start of the function unpacked from it,
against the bare stack run from the same unpacked zip, each in a fresh interpreter that sees only the zip
(bench/coldstart.py)."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from bench import coldstart
from scripts.compile_package import missing_bytecode
from scripts.slim_package import prepare

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / ".bench-package"
MAX_MB = 20.0  # the Makefile's PACKAGE_MAX_MB


def build() -> Path | None:
    """`chalice package` as `make package` runs it; the zip, or None when the build failed."""
    shutil.rmtree(BUILD, ignore_errors=True)
    built = subprocess.run(
        [str(Path(sys.executable).parent / "chalice"), "package", "--stage", "prod", "--merge-template",
         "infra/table.json", str(BUILD)],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "AWS_DEFAULT_REGION": "us-east-1"},
    )  # fmt: skip
    zipped = BUILD / "deployment.zip"
    return zipped if built.returncode == 0 and zipped.exists() else None


def measure() -> dict[str, float] | None:
    """Sizes in MB and the packaged cold starts (median ms of interleaved runs), or None if the zip was not
    built."""
    zipped = build()
    if zipped is None:
        return None
    try:
        before, after, compiled = prepare(zipped)
        assert not missing_bytecode(zipped), "the zip make package builds has every module's bytecode"
        with zipfile.ZipFile(zipped) as archive:
            unpacked_mb = sum(info.file_size for info in archive.infolist()) / 1e6
        with tempfile.TemporaryDirectory() as unpacked:
            with zipfile.ZipFile(zipped) as archive:
                archive.extractall(unpacked)  # a fresh directory, as Lambda's /var/task
            function_dir = Path(unpacked)
            public = {"EVENT": coldstart.event("/permissions", "/permissions", None, {})}
            runs = [
                coldstart._cold(coldstart.OURS, public, None, function_dir)[0] for _ in range(coldstart.RUNS)
            ]
            signed_ms, bare_signed_ms, signed_cpu, bare_signed_cpu = coldstart.cold_signed_in(function_dir)
    finally:
        shutil.rmtree(BUILD, ignore_errors=True)
    return {"before_mb": before / 1e6, "after_mb": after / 1e6, "unpacked_mb": unpacked_mb,
            "compiled": compiled, "runs": coldstart.RUNS, "public_ms": statistics.median(runs),
            "signed_ms": signed_ms, "bare_signed_ms": bare_signed_ms, "signed_cpu_ms": signed_cpu,
            "bare_signed_cpu_ms": bare_signed_cpu}  # fmt: skip
