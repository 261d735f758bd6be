"""Production hashes at OWASP's argon2id minimum. The suite hashes at a test's cost (tests/conftest.py), so
this is checked where that patch cannot reach: a fresh interpreter building Passwords as build_deps does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
from chalicelib.security.passwords import Passwords
hasher = Passwords()  # as build_deps makes it
print(hasher.hash("a password of ten"))
print(hasher.verify(None, "a password of ten"))
"""


def test_the_deployed_hasher_is_argon2id_at_19_mib_two_passes_one_lane() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    password_hash, unknown_email_matches = done.stdout.split()
    assert password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert unknown_email_matches == "False"
