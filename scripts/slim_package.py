"""Rewrites the deployment zip `chalice package` built, keeping only the botocore service models the function
uses and Babel's data for the languages it speaks, adds compiled bytecode (scripts/compile_package.py), and
fails when the zip is over the size limit, lacks a distribution one of its own needs, or has a module
without its bytecode.

botocore ships the models of every AWS service (about 16 MB zipped, three quarters of the package); the
function calls DynamoDB (PynamoDB) and SES v2 (chalicelib/mail/ses.py), and nothing else. Everything else in
the zip is copied as it was, entry by entry with its metadata, in the same order: the same input gives the
same output. Chalice has no setting for this (its packager installs whole distributions), hence the step.

Babel ships the CLDR data of about 1,080 locales (31 MB unpacked, 10 MB zipped); the product speaks five
(chalicelib/domain/locales.py). Babel reads a locale's `.dat` merged over its parent's, down to `root`, so
those are kept with every locale on each chain (`babel_locales`, Babel's own parent rule).

`chalice package` only warns when it finds no wheel of a dependency for the Lambda runtime ("Could not install
dependencies") and builds the zip without it: the function then fails on the first import, in production
only. So the step also reads every packaged distribution's requirements (its `*.dist-info/METADATA`, markers
evaluated for this interpreter, the runtime chalice packaged for) and fails when one is not in the zip.

    python -m scripts.slim_package out/deployment.zip --max-mb 12
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import zipfile
from email.parser import HeaderParser
from pathlib import Path
from typing import cast

from packaging.markers import default_environment
from packaging.requirements import Requirement

from chalicelib.domain.locales import LOCALES
from scripts.compile_package import CompileError, add_bytecode, missing_bytecode

DATA = "botocore/data/"
LOCALE_DATA = "babel/locale-data/"
# The services whose models stay; `ses` beside `sesv2`: the same API family, small, and kept so a fallback
# to the classic SES client would not fail only in production.
KEEP_SERVICES = frozenset({"dynamodb", "sesv2", "ses"})
# What the Lambda Python runtime itself provides: a requirement on these is met without the zip.
RUNTIME_PROVIDED = frozenset(
    {"boto3", "botocore", "s3transfer", "jmespath", "urllib3", "python-dateutil", "six"}
)


def babel_parent(name: str) -> str | None:
    """The locale Babel merges `name`'s data over (babel/localedata.py `load`), None for `root`."""
    from babel.core import get_global  # the build's Babel, the version requirements.txt pins
    from babel.localedata import _is_non_likely_script  # Babel's rule itself, not a copy of it

    if name == "root":
        return None
    parent = get_global("parent_exceptions").get(name)
    if parent:
        return str(parent)
    if _is_non_likely_script(name):
        return "root"
    parts = name.split("_")
    return "root" if len(parts) == 1 else "_".join(parts[:-1])


def babel_locales(locales: tuple[str, ...] = LOCALES) -> frozenset[str]:
    """The locale data files Babel reads for `locales`: each, and every parent down to `root`."""
    needed: set[str] = set()
    for locale in locales:
        name: str | None = locale
        while name is not None:
            needed.add(name)
            name = babel_parent(name)
    return frozenset(needed)


def kept(name: str, services: frozenset[str] = KEEP_SERVICES, locales: frozenset[str] | None = None) -> bool:
    """Whether a zip entry stays: everything outside botocore's models and Babel's locale data, the models'
    shared files (endpoints, partitions, retry and default configuration), the models of `services`, and
    the `.dat` of `locales` (by default `babel_locales()`; other files of the locale data too)."""
    if name.startswith(LOCALE_DATA) and name.endswith(".dat"):
        wanted = babel_locales() if locales is None else locales
        return name[len(LOCALE_DATA) : -len(".dat")] in wanted
    if not name.startswith(DATA):
        return True
    rest = name[len(DATA) :]
    return "/" not in rest or rest.split("/", 1)[0] in services


def slim(path: Path, services: frozenset[str] = KEEP_SERVICES) -> tuple[int, int]:
    """Rewrite the zip at `path` in place without the other services' models and the other languages'
    locale data; (bytes before, after)."""
    before = path.stat().st_size
    slimmed = path.with_suffix(".slim.zip")
    locales = babel_locales()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(slimmed, "w") as target:
        for info in source.infolist():
            if kept(info.filename, services, locales):
                target.writestr(info, source.read(info), compress_type=info.compress_type)
    os.replace(slimmed, path)
    return before, path.stat().st_size


def normalized(name: str) -> str:
    """PEP 503: `PyJWT`, `pyjwt` and `argon2_cffi` / `argon2-cffi` name one distribution each."""
    return re.sub(r"[-_.]+", "-", name).lower()


def missing_requirements(path: Path) -> list[str]:
    """`needed-by -> requirement` for each requirement of a packaged distribution that no packaged
    distribution of a matching version (nor the runtime) meets, sorted; empty when the zip is complete."""
    environment: dict[str, str] = {**cast("dict[str, str]", default_environment()), "extra": ""}
    packaged: dict[str, str] = {}
    needs: list[tuple[str, Requirement]] = []
    with zipfile.ZipFile(path) as archive:
        metadata = [n for n in archive.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
        for name in metadata:
            headers = HeaderParser().parsestr(archive.read(name).decode("utf-8", "replace"))
            packaged[normalized(headers["Name"])] = headers["Version"]
            needs += [(headers["Name"], Requirement(line)) for line in headers.get_all("Requires-Dist") or ()]

    def met(wanted: Requirement) -> bool:
        if wanted.marker is not None and not wanted.marker.evaluate(environment):
            return True  # not for this runtime (or only with an extra nobody asked for)
        name = normalized(wanted.name)
        version = packaged.get(name)
        if version is None:
            return name in RUNTIME_PROVIDED
        return wanted.specifier.contains(version, prereleases=True)

    return sorted(f"{owner} -> {wanted}" for owner, wanted in needs if not met(wanted))


def prepare(path: Path) -> tuple[int, int, int]:
    """What `make package` does to the zip chalice built: slim it, then add bytecode; (bytes before,
    bytes after, modules compiled)."""
    before, _ = slim(path)
    compiled = add_bytecode(path)
    return before, path.stat().st_size, compiled


def _fail(heading: str, lines: list[str]) -> int:
    print(heading, file=sys.stderr)
    print("\n".join(f"  {line}" for line in lines), file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", type=Path)
    parser.add_argument("--max-mb", type=float, default=8.0, help="fail above this size (MB, 10^6 bytes)")
    args = parser.parse_args(argv)
    try:
        before, after, compiled = prepare(args.zip)
    except CompileError as error:  # a syntax error the runtime would meet on import: fail here instead
        return _fail(
            f"{args.zip} has modules that do not compile for {sys.implementation.cache_tag}:", error.modules
        )
    print(
        f"{args.zip}: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB (botocore models kept: "
        f"{', '.join(sorted(KEEP_SERVICES))}; Babel locales kept: {', '.join(sorted(babel_locales()))}; "
        f"{compiled} modules compiled for {sys.implementation.cache_tag})"
    )
    if after > args.max_mb * 1e6:
        print(f"{args.zip} is {after / 1e6:.1f} MB, over the {args.max_mb:g} MB limit", file=sys.stderr)
        return 1
    missing = missing_requirements(args.zip)
    if missing:
        heading = f"{args.zip} lacks what its distributions need (no wheel for the Lambda runtime?):"
        return _fail(heading, missing)
    uncompiled = missing_bytecode(args.zip)
    if uncompiled:
        return _fail(f"{args.zip} has modules the runtime would compile on every cold start:", uncompiled)
    return 0


if __name__ == "__main__":
    sys.exit(main())
