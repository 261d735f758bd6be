"""Dependencies point one way: api -> services -> store/domain (and schemas, mail, security, delivery below
the services). Read from the source, type-checking imports included, so no import can sneak up a layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "chalicelib"
# For each layer, the layers it must never import.
FORBIDDEN = {
    "services": {"api", "jobs"},
    # outputs are built from store items (types only)
    "schemas": {"api", "services", "jobs", "mail", "lookups"},
    "store": {"api", "services", "schemas", "mail", "jobs", "lookups"},
    "domain": {
        "api",
        "services",
        "i18n",  # a rule is handed the reader's words (chalicelib/msgids.py Words), never the catalogs
        "schemas",
        "store",
        "mail",
        "security",
        "jobs",
        "deps",
        "delivery",
        "lookups",
    },
    "mail": {"api", "services", "schemas", "store", "jobs"},
    "security": {"api", "services", "schemas", "store", "mail", "jobs", "delivery"},
    # Outgoing webhook HTTP: signs and sends one delivery; what to deliver when is decided above it.
    "delivery": {"api", "services", "schemas", "store", "mail", "jobs"},
    # The catalogs and Babel: below the services and mail that speak a language, above the rules.
    "i18n": {
        "api",
        "services",
        "schemas",
        "store",
        "mail",
        "security",
        "jobs",
        "deps",
        "delivery",
        "lookups",
    },
    # DNS questions (domain verification): asked by the services, knowing nothing of ours but the rules.
    "lookups": {"api", "services", "schemas", "store", "mail", "jobs", "delivery", "security"},
}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "LazyModule":
            names.update(
                arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            )
    return {name for name in names if name.startswith("chalicelib.")}


def layer_of(module: str) -> str:
    return module.split(".")[1]


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ROOT)) for p in MODULES])
def test_no_module_imports_a_layer_above_it(path: Path) -> None:
    layer = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    upward = sorted(m for m in imported_modules(path) if layer_of(m) in FORBIDDEN.get(layer, set()))
    assert upward == [], f"{path.relative_to(ROOT)} imports {upward}"


def test_only_the_api_layer_and_app_import_the_api() -> None:
    importers = sorted(
        str(path.relative_to(ROOT))
        for path in MODULES
        if path.relative_to(PACKAGE).parts[0] != "api"
        and any(layer_of(m) == "api" for m in imported_modules(path))
    )
    assert importers == []


# The HTTP side of failures (statuses, the error body): below the api a failure is an ErrorCode
# (chalicelib/errors.py), so a rule, a token check or the store never imports the web edge.
HTTP_ERRORS = "chalicelib.api.errors"


def http_error_importers(package: Path) -> list[str]:
    """The modules of `package` outside its api layer that import the HTTP error module."""
    return sorted(
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if path.relative_to(package).parts[0] != "api"
        and any(m == HTTP_ERRORS or m.startswith(HTTP_ERRORS + ".") for m in imported_modules(path))
    )


def test_no_module_below_the_api_imports_the_http_errors() -> None:
    assert (PACKAGE / "api" / "errors.py").exists()  # the module this check names
    assert http_error_importers(PACKAGE) == []


def test_the_http_errors_check_flags_every_way_of_importing_them(tmp_path: Path) -> None:
    package = tmp_path / "chalicelib"
    sources = {
        "api/views.py": "from chalicelib.api.errors import error_response\n",  # the api may
        "domain/clean.py": "from chalicelib.errors import AppError, not_found\n",  # the pure vocabulary
        "domain/paging.py": "from chalicelib.api.errors import STATUS_BY_CODE\n",
        "security/tokens.py": "from chalicelib.api import errors\n",
        "store/tx.py": "import chalicelib.api.errors as http_errors\n",
        "services/lazy.py": "E = LazyModule('chalicelib.api.errors')\n",
        "errors.py": "if False:\n    from chalicelib.api.errors import status_of\n",
    }
    for name, text in sources.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text)
    assert http_error_importers(package) == [
        "domain/paging.py",
        "errors.py",
        "security/tokens.py",
        "services/lazy.py",
        "store/tx.py",
    ]


def test_the_fast_tier_loads_no_moto() -> None:
    """Everything tests/unit imports, in a fresh interpreter: moto (and its mocks) stay out."""
    import subprocess
    import sys

    modules = ["tests.unit.conftest"] + [
        f"tests.unit.{p.stem}" for p in (ROOT / "tests/unit").glob("test_*.py")
    ]
    script = "\n".join(
        [
            "import sys, importlib",
            f"for m in {modules!r}: importlib.import_module(m)",
            "print('moto' in sys.modules)",
        ]
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "False", done.stderr[-2000:]
