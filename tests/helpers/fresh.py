"""A fresh interpreter for the tests of what a process loads (cold start, lazy imports): `code` run with the
repository as its working directory; its standard output, once it exited 0 (else CalledProcessError)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def fresh_python(code: str, timeout: float = 60) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=timeout
    )
    return done.stdout
